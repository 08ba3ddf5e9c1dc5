//! Retention: finished jobs, delivered mail, webhook messages no longer being delivered (with their
//! delivery log) and old sign-in attempts are deleted once they are
//! older than the configured ages, so those tables stay the size of recent work instead of
//! growing with every checkout and sign-in. It runs as a daily job of the job engine (queued by
//! the workers' scheduler, deduplicated by day), so any number of processes run it once.
//!
//! What is still referenced stays, whatever its age: a job whose order is still open (the order
//! page finds its job by the payload's `order_id`), mail not yet delivered or given up (the
//! outbox shows it and its job still has to send it), and queued or running jobs.

use std::time::Duration;

use app::jobs::{self, Job, JobError};
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, postgres::types::PgInterval};

pub use crate::config::RetentionSettings;

/// One day's retention run.
#[derive(Debug, Serialize, Deserialize)]
pub struct PurgeHistory {
    /// The UTC day it is for, `YYYY-MM-DD`: one run per day, whichever process queued it.
    pub day: String,
}

impl Job for PurgeHistory {
    const KIND: &'static str = "purge_history";
    const MAX_ATTEMPTS: i32 = 5;

    fn dedup_key(&self) -> Option<String> {
        Some(self.day.clone())
    }
}

/// Rows a run deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub jobs: u64,
    pub mail: u64,
    pub login_attempts: u64,
    /// Webhook messages, with their deliveries and attempts (issue #17).
    pub webhooks: u64,
}

/// Queues today's run (nothing if it is already queued or done).
pub async fn schedule(pool: &PgPool) -> Result<(), sqlx::Error> {
    let day = time::OffsetDateTime::now_utc().date().to_string();
    let mut conn = pool.acquire().await?;
    jobs::enqueue(&mut conn, &PurgeHistory { day }).await?;
    Ok(())
}

/// The job's handler: a database error is worth another try (the next day's run would catch up
/// anyway).
pub async fn run(pool: &PgPool, settings: RetentionSettings) -> Result<(), JobError> {
    let purged = purge(pool, settings).await.map_err(|e| JobError::retryable(e.to_string()))?;
    // The partner API's Idempotency-Keys are kept for 24 hours.
    let idempotency_keys =
        app::partner_api::ssr::idempotency::purge(pool).await.map_err(|e| JobError::retryable(e.to_string()))?;
    tracing::info!(?purged, idempotency_keys, "old history deleted");
    Ok(())
}

fn interval(d: Duration) -> PgInterval {
    PgInterval { months: 0, days: 0, microseconds: i64::try_from(d.as_micros()).unwrap_or(i64::MAX) }
}

/// Deletes what is older than `settings` allows and no longer referenced. Each table in its own
/// statement: nothing ties them together, and short statements keep locks short.
pub async fn purge(pool: &PgPool, settings: RetentionSettings) -> Result<Purged, sqlx::Error> {
    // Finished jobs only. A provisioning or change job stays while its order is open: the order
    // page reads the order's latest job (by the payload's order id) to say "queued". Compared as
    // text, like the order page does, so a payload without a well-formed order id keeps nothing.
    let jobs = sqlx::query!(
        "delete from job j
         where j.state in ('succeeded', 'dead') and j.finished_at < now() - $1::interval
           and not exists (
               select 1 from sales_order so
               where so.order_id::text = j.payload ->> 'order_id'
                 and so.status in ('new', 'submitted', 'awaiting_credit_approval', 'provisioning'))",
        interval(settings.jobs)
    )
    .execute(pool)
    .await?
    .rows_affected();
    // Sent mail only: pending mail is still to go out, and failed mail is what staff need to see.
    let mail = sqlx::query!(
        "delete from email_outbox where status = 'sent' and sent_at < now() - $1::interval",
        interval(settings.mail)
    )
    .execute(pool)
    .await?
    .rows_affected();
    let login_attempts = app::auth::ssr::purge_login_attempts(pool, interval(settings.login_attempts)).await?;
    // Webhook messages are kept as long as finished jobs, the delivery log being their history;
    // one still being delivered (or redelivered) stays, whatever its age.
    let webhooks = sqlx::query!(
        "delete from webhook_message m
         where m.created_at < now() - $1::interval
           and not exists (select 1 from webhook_delivery d where d.message_id = m.message_id and d.status = 'pending')",
        interval(settings.jobs)
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(Purged { jobs, mail, login_attempts, webhooks })
}
