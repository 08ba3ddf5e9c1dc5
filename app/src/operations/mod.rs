//! Operations' view of the background job queue: how many jobs wait, run and have died, and
//! the dead ones with their last error, each of which operations can send back to the queue
//! once the cause is dealt with (e.g. after a long Partner Center outage).

mod jobs_page;
mod missing_settings;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use jobs_page::JobsPage;
pub use missing_settings::{MissingSettings, MissingSettingsNotice, missing_settings};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// Jobs per state that matters to operations (finished jobs are not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub dead: i64,
}

/// A job that failed for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadJob {
    pub job_id: String,
    pub kind: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub finished_at: Option<OffsetDateTime>,
    /// The order a provisioning job was for, to open it from the list.
    pub order_number: Option<i64>,
    pub dedup_key: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsOverview {
    pub counts: JobCounts,
    /// Newest first.
    pub dead: Vec<DeadJob>,
    /// Partner Center refused our own credentials: what it said last, and how many dead jobs it
    /// stopped. Operations' alert, above everything else on the page.
    pub credentials_refused: Option<CredentialsRefused>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsRefused {
    pub reason: String,
    pub jobs: i64,
}

#[server(prefix = "/api", endpoint = "jobs_overview")]
pub async fn get_jobs_overview() -> Result<JobsOverview, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::OperateJobs).await?;
    Ok(ssr::overview(&state.pool, 200).await?)
}

/// "Retry": a dead job goes back to the queue at once with a fresh set of attempts.
#[server(prefix = "/api", endpoint = "retry_job")]
pub async fn retry_job(job_id: String) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::OperateJobs).await?;
    // An id that is not one cannot name a job: the same answer as an unknown one.
    let job_id = job_id.trim().parse::<uuid::Uuid>().map_err(|_| AppError::not_found(crate::i18n::Say::JobNotFound))?;
    ssr::retry(&state.pool, &user, job_id).await
}
