//! The background job queue (server only).
//!
//! A job is a typed payload with a name ([`Job::KIND`]). It is enqueued with the executor of the
//! business transaction that needs it, so the job exists exactly when that change committed.
//! Workers take jobs with `FOR UPDATE SKIP LOCKED`, hold a lease they extend while running,
//! and on failure put the job back with exponential backoff and jitter, or bury it as dead.
//! Handlers must be idempotent: a worker that dies after doing the work but before recording it
//! leaves the job to run again once its lease expires.

use std::time::Duration;

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor, postgres::types::PgInterval};
use uuid::Uuid;

/// The channel `pg_notify` announces new and re-queued jobs on (see the job queue migration).
pub const NOTIFY_CHANNEL: &str = "job_queued";

pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Stable name stored with each job; renaming it orphans queued jobs.
    const KIND: &'static str;
    /// Attempts before the job is declared dead.
    const MAX_ATTEMPTS: i32 = 10;

    /// Jobs with the same key (per kind) are enqueued once, however often they are asked for.
    fn dedup_key(&self) -> Option<String> {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, sqlx::Type)]
#[sqlx(type_name = "job_state", rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Dead,
}

/// How a handler failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth trying again (timeouts, throttling, 5xx); `after` overrides the backoff, e.g. from a
    /// `Retry-After` header.
    #[error("{message}")]
    Retryable { message: String, after: Option<Duration> },
    /// Trying again cannot help (bad data, a refusal by the vendor).
    #[error("{0}")]
    Fatal(String),
}

impl JobError {
    pub fn retryable(message: impl Into<String>) -> Self {
        Self::Retryable { message: message.into(), after: None }
    }
}

/// A job as its row is written: for callers that enqueue inside a larger statement (with
/// `on conflict (kind, dedup_key) do nothing`, as [`enqueue`] does), reading it with
/// `jsonb_populate_record(null::job, $n)` (see [`JobRow::json`]).
#[derive(serde::Serialize)]
pub struct JobRow {
    pub kind: &'static str,
    pub payload: Value,
    pub max_attempts: i32,
    pub dedup_key: Option<String>,
}

impl JobRow {
    /// The row with `job_id` as JSON, column by column, for `jsonb_populate_record(null::job, …)`.
    pub fn json(&self, job_id: Uuid) -> Value {
        let mut row = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(columns) = &mut row {
            columns.insert("job_id".into(), Value::String(job_id.to_string()));
        }
        row
    }

    pub fn of<J: Job>(job: &J) -> Result<Self, sqlx::Error> {
        Ok(Self {
            kind: J::KIND,
            payload: serde_json::to_value(job).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
            max_attempts: J::MAX_ATTEMPTS,
            dedup_key: job.dedup_key(),
        })
    }
}

/// Queues `job` on `conn` (pass the business transaction: `&mut *tx`), returning its id, or the
/// existing job's id when its dedup key was taken.
#[tracing::instrument(name = "jobs.enqueue", skip(conn, job), fields(kind = J::KIND))]
pub async fn enqueue<J: Job>(conn: &mut PgConnection, job: &J) -> Result<Uuid, sqlx::Error> {
    let JobRow { kind, payload, max_attempts, dedup_key } = JobRow::of(job)?;
    let inserted = sqlx::query_scalar!(
        "insert into job (job_id, kind, payload, max_attempts, dedup_key) values ($1, $2, $3, $4, $5)
         on conflict (kind, dedup_key) do nothing
         returning job_id",
        Uuid::new_v4(),
        kind,
        payload,
        max_attempts,
        dedup_key.as_deref(),
    )
    .fetch_optional(&mut *conn)
    .await?;
    match inserted {
        Some(id) => Ok(id),
        None => {
            sqlx::query_scalar!("select job_id from job where kind = $1 and dedup_key = $2", kind, dedup_key.as_deref())
                .fetch_one(&mut *conn)
                .await
        }
    }
}

/// A job a worker has taken.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub job_id: Uuid,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
    pub max_attempts: i32,
}

fn interval(d: Duration) -> PgInterval {
    PgInterval { months: 0, days: 0, microseconds: i64::try_from(d.as_micros()).unwrap_or(i64::MAX) }
}

/// Takes the oldest due job of one of `kinds`: a queued one whose time has come, or a running
/// one whose worker stopped renewing its lease.
#[tracing::instrument(name = "jobs.claim", skip(db, kinds))]
pub async fn claim(
    db: impl PgExecutor<'_>,
    worker: &str,
    kinds: &[String],
    lease: Duration,
) -> Result<Option<ClaimedJob>, sqlx::Error> {
    sqlx::query_as!(
        ClaimedJob,
        // Two lookups, each walking one partial index in order and stopping at the first row it
        // can lock: a queued job that is due, else one whose worker's lease ran out. (One
        // condition with an `or` made the planner gather and sort every due job of every kind.)
        // `coalesce` evaluates the second only when the first found nothing.
        r#"update job
           set state = 'running', attempts = attempts + 1, locked_by = $1, lease_expires_at = now() + $2
           where job_id = coalesce(
               (select job_id from job
                where state = 'queued' and kind = any($3) and run_at <= now()
                order by run_at
                limit 1
                for update skip locked),
               (select job_id from job
                where state = 'running' and kind = any($3) and lease_expires_at < now()
                order by lease_expires_at
                limit 1
                for update skip locked))
           returning job_id, kind, payload, attempts, max_attempts"#,
        worker,
        interval(lease),
        kinds,
    )
    .fetch_optional(db)
    .await
}

/// How long until the earliest queued job of `kinds` is due, if any is waiting: an idle worker
/// sleeps no longer than that, so a short backoff or Retry-After is kept to, not rounded up to
/// the poll interval (its notification came when it was queued, before it was due).
pub async fn next_due(db: impl PgExecutor<'_>, kinds: &[String]) -> Result<Option<Duration>, sqlx::Error> {
    let seconds = sqlx::query_scalar!(
        r#"select extract(epoch from min(run_at) - now())::float8 as "seconds"
           from job where state = 'queued' and kind = any($1)"#,
        kinds
    )
    .fetch_one(db)
    .await?;
    Ok(seconds.and_then(|s| Duration::try_from_secs_f64(s.max(0.0)).ok()))
}

/// Extends the lease; false when the job is no longer this worker's (its lease ran out and
/// another worker took it).
pub async fn heartbeat(
    db: impl PgExecutor<'_>,
    job_id: Uuid,
    worker: &str,
    lease: Duration,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        "update job set lease_expires_at = now() + $3 where job_id = $1 and locked_by = $2 and state = 'running'",
        job_id,
        worker,
        interval(lease),
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn succeed(db: impl PgExecutor<'_>, job_id: Uuid, worker: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update job set state = 'succeeded', finished_at = now(), locked_by = null, lease_expires_at = null, last_error = null
         where job_id = $1 and locked_by = $2",
        job_id,
        worker
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Gives a job in hand back to the queue, due now, because this process is stopping: the attempt
/// was cut short by us, not failed, so it is not counted. False when the job was no longer this
/// worker's. Setting it queued notifies the other processes' workers at once.
pub async fn release(db: impl PgExecutor<'_>, job_id: Uuid, worker: &str) -> Result<bool, sqlx::Error> {
    let released = sqlx::query!(
        "update job set state = 'queued', run_at = now(), attempts = greatest(attempts - 1, 0),
                        locked_by = null, lease_expires_at = null
         where job_id = $1 and locked_by = $2 and state = 'running'",
        job_id,
        worker
    )
    .execute(db)
    .await?;
    Ok(released.rows_affected() == 1)
}

/// Records a failure: back to the queue after `retry_in`, or dead when `retry_in` is `None` or
/// the attempts are used up.
pub async fn fail(
    db: impl PgExecutor<'_>,
    job_id: Uuid,
    worker: &str,
    error: &str,
    retry_in: Option<Duration>,
) -> Result<JobState, sqlx::Error> {
    let state = sqlx::query_scalar!(
        r#"update job
           set state = case when $4::interval is null or attempts >= max_attempts
                            then 'dead'::job_state else 'queued'::job_state end,
               run_at = now() + coalesce($4::interval, interval '0'),
               finished_at = case when $4::interval is null or attempts >= max_attempts then now() end,
               last_error = $3, locked_by = null, lease_expires_at = null
           where job_id = $1 and locked_by = $2
           returning state as "state: JobState""#,
        job_id,
        worker,
        error,
        retry_in.map(interval) as Option<PgInterval>,
    )
    .fetch_optional(db)
    .await?;
    Ok(state.unwrap_or(JobState::Running))
}

/// The delay before attempt `attempts + 1`: doubling from `base`, capped, with up to ±25 %
/// jitter (`jitter` in 0..1) so jobs failing together do not retry together.
pub fn backoff(attempts: i32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let raw = base.saturating_mul(2u32.saturating_pow(exponent)).min(cap);
    let factor = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
    raw.mul_f64(factor).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_secs(2);
        let cap = Duration::from_secs(600);
        assert_eq!(backoff(1, base, cap, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(2, base, cap, 0.5), Duration::from_secs(4));
        assert_eq!(backoff(5, base, cap, 0.5), Duration::from_secs(32));
        assert_eq!(backoff(30, base, cap, 0.5), cap);
        assert_eq!(backoff(0, base, cap, 0.5), Duration::from_secs(2));
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        let base = Duration::from_secs(8);
        let cap = Duration::from_secs(600);
        assert_eq!(backoff(1, base, cap, 0.0), Duration::from_secs(6));
        assert_eq!(backoff(1, base, cap, 1.0), Duration::from_secs(10));
    }
}
