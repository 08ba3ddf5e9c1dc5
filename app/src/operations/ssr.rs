//! The job queue queries behind the operations page.

use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::{CredentialsRefused, DeadJob, JobCounts, JobsOverview};
use crate::i18n::Say;
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    error::AppError,
    jobs::JobState,
};

#[tracing::instrument(name = "operations.overview", skip(db))]
pub async fn overview(db: &PgPool, limit: i64) -> Result<JobsOverview, sqlx::Error> {
    Ok(JobsOverview {
        counts: counts(db).await?,
        dead: dead(db, limit).await?,
        credentials_refused: credentials_refused(db).await?,
    })
}

/// The dead jobs Partner Center's refusal of our credentials stopped, found by how the connector
/// words that refusal (`partner_center::CREDENTIALS_REFUSED`), with the newest reason.
async fn credentials_refused(db: impl PgExecutor<'_>) -> Result<Option<CredentialsRefused>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select count(*) as "jobs!", (array_agg(last_error order by finished_at desc nulls last))[1] as reason
           from job where state = 'dead' and starts_with(last_error, $1)"#,
        crate::partner_center::CREDENTIALS_REFUSED
    )
    .fetch_one(db)
    .await?;
    Ok(row.reason.filter(|_| row.jobs > 0).map(|reason| CredentialsRefused { reason, jobs: row.jobs }))
}

async fn counts(db: impl PgExecutor<'_>) -> Result<JobCounts, sqlx::Error> {
    let row = sqlx::query!(
        r#"select count(*) filter (where state = 'queued') as "queued!",
                  count(*) filter (where state = 'running') as "running!",
                  count(*) filter (where state = 'dead') as "dead!"
           from job where state <> 'succeeded'"#
    )
    .fetch_one(db)
    .await?;
    Ok(JobCounts { queued: row.queued, running: row.running, dead: row.dead })
}

async fn dead(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<DeadJob>, sqlx::Error> {
    // Compared as text: a payload without a well-formed order id simply matches no order.
    let rows = sqlx::query!(
        r#"select j.job_id, j.kind, j.attempts, j.last_error, j.finished_at, j.dedup_key, so.order_number as "order_number?"
           from job j
           left join sales_order so on j.kind = 'provision_order' and so.order_id::text = j.payload ->> 'order_id'
           where j.state = 'dead'
           order by j.finished_at desc nulls last, j.updated_at desc
           limit $1"#,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DeadJob {
            job_id: r.job_id.to_string(),
            kind: r.kind,
            attempts: r.attempts,
            last_error: r.last_error,
            finished_at: r.finished_at,
            order_number: r.order_number,
            dedup_key: r.dedup_key,
        })
        .collect())
}

/// Puts a dead job back in the queue, due now, with its attempts reset, and records who did it.
#[tracing::instrument(name = "operations.retry", skip(pool, user))]
pub async fn retry(pool: &PgPool, user: &AuthUser, job_id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let job = sqlx::query!(
        r#"select kind, state as "state: JobState", attempts, last_error from job where job_id = $1 for update"#,
        job_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::JobNotFound))?;
    if job.state != JobState::Dead {
        return Err(AppError::conflict(Say::JobNotDead));
    }
    // The last error stays until the next attempt replaces it, so the page can still say why.
    sqlx::query!(
        "update job set state = 'queued', run_at = now(), attempts = 0, finished_at = null,
                        locked_by = null, lease_expires_at = null
         where job_id = $1",
        job_id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "job.retried",
            target_type: "job",
            target_id: job_id.to_string(),
            detail: json!({ "kind": job.kind, "attempts": job.attempts, "last_error": job.last_error }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
