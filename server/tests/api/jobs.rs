use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use app::jobs::{self, Job, JobError, JobState};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;

use server::worker::{JobContext, Registry, WorkerSettings, spawn_workers};

use crate::helpers::fresh_pool;

/// Records each run in a table, so tests can count runs per job.
#[derive(Serialize, Deserialize)]
struct RecordRun {
    label: String,
    /// Fail (retryably) this many times before succeeding.
    fail_times: i32,
    fatal: bool,
}

impl Job for RecordRun {
    const KIND: &'static str = "test.record_run";
    const MAX_ATTEMPTS: i32 = 3;

    fn dedup_key(&self) -> Option<String> {
        self.label.starts_with("dedup").then(|| self.label.clone())
    }
}

async fn setup() -> PgPool {
    let pool = fresh_pool().await;
    sqlx::query(
        "create table job_run (label text not null, attempt int not null, at timestamptz not null default now())",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool
}

fn fast() -> WorkerSettings {
    WorkerSettings {
        lease: Duration::from_millis(900),
        poll_interval: Duration::from_millis(100),
        backoff_base: Duration::from_millis(50),
        backoff_cap: Duration::from_millis(200),
        shutdown_grace: Duration::from_millis(200),
    }
}

/// Runs `RecordRun` jobs; `overlaps` counts any job seen running twice at the same moment.
fn registry(overlaps: Arc<AtomicUsize>) -> Registry {
    let running: Arc<Mutex<HashSet<String>>> = Arc::default();
    Registry::default().register(move |job: RecordRun, ctx: JobContext| {
        let running = running.clone();
        let overlaps = overlaps.clone();
        async move {
            if !running.lock().unwrap().insert(job.label.clone()) {
                overlaps.fetch_add(1, Ordering::SeqCst);
            }
            let recorded = sqlx::query("insert into job_run (label, attempt) values ($1, $2)")
                .bind(&job.label)
                .bind(ctx.attempt)
                .execute(&ctx.pool)
                .await;
            tokio::time::sleep(Duration::from_millis(5)).await;
            running.lock().unwrap().remove(&job.label);
            recorded.map_err(|e| JobError::retryable(e.to_string()))?;
            if job.fatal {
                return Err(JobError::Fatal("refused".into()));
            }
            if ctx.attempt <= job.fail_times {
                return Err(JobError::retryable(format!("failure {}", ctx.attempt)));
            }
            Ok(())
        }
    })
}

async fn enqueue(pool: &PgPool, label: &str, fail_times: i32, fatal: bool) -> Uuid {
    let mut conn = pool.acquire().await.unwrap();
    jobs::enqueue(&mut conn, &RecordRun { label: label.into(), fail_times, fatal }).await.unwrap()
}

async fn state_of(pool: &PgPool, id: Uuid) -> (JobState, i32) {
    sqlx::query_as("select state, attempts from job where job_id = $1").bind(id).fetch_one(pool).await.unwrap()
}

async fn wait_until(pool: &PgPool, sql: &str, expected: i64) {
    for _ in 0..200 {
        let value: i64 = sqlx::query_scalar(sql).fetch_one(pool).await.unwrap();
        if value == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for `{sql}` to be {expected}");
}

#[tokio::test]
async fn two_workers_run_every_job_exactly_once() {
    let pool = setup().await;
    for n in 0..60 {
        enqueue(&pool, &format!("job-{n}"), 0, false).await;
    }
    let overlaps = Arc::new(AtomicUsize::new(0));
    let (stop, stopped) = watch::channel(false);

    let handles = spawn_workers(pool.clone(), registry(overlaps.clone()), fast(), 2, stopped.clone());
    // A second "process" with workers of its own.
    let more = spawn_workers(pool.clone(), registry(overlaps.clone()), fast(), 2, stopped);
    wait_until(&pool, "select count(*) from job where state = 'succeeded'", 60).await;
    stop.send(true).unwrap();
    for handle in handles.into_iter().chain(more) {
        let _ = tokio::time::timeout(Duration::from_secs(5), handle).await;
    }

    let runs: i64 = sqlx::query_scalar("select count(*) from job_run").fetch_one(&pool).await.unwrap();
    let distinct: i64 = sqlx::query_scalar("select count(distinct label) from job_run").fetch_one(&pool).await.unwrap();
    assert_eq!((runs, distinct), (60, 60), "each job ran once");
    assert_eq!(overlaps.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn retryable_failures_back_off_then_succeed() {
    let pool = setup().await;
    let id = enqueue(&pool, "flaky", 2, false).await;
    let (stop, stopped) = watch::channel(false);

    let _workers = spawn_workers(pool.clone(), registry(Arc::default()), fast(), 1, stopped);
    wait_until(&pool, "select count(*) from job where state = 'succeeded'", 1).await;
    stop.send(true).unwrap();

    assert_eq!(state_of(&pool, id).await, (JobState::Succeeded, 3));
    let gaps: Vec<f64> = sqlx::query_scalar(
        "select extract(epoch from at - lag(at) over (order by at))::float8 from job_run order by at offset 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    // 50 ms then 100 ms (±25 %): each retry waits, and longer than the one before.
    assert_eq!(gaps.len(), 2);
    assert!(gaps[0] >= 0.035, "first retry waited {}s", gaps[0]);
    assert!(gaps[1] >= 0.075, "second retry waited {}s", gaps[1]);
}

#[tokio::test]
async fn a_job_out_of_attempts_or_failing_fatally_is_dead() {
    let pool = setup().await;
    let exhausted = enqueue(&pool, "always-fails", 99, false).await;
    let fatal = enqueue(&pool, "fatal", 0, true).await;
    let (stop, stopped) = watch::channel(false);

    let _workers = spawn_workers(pool.clone(), registry(Arc::default()), fast(), 1, stopped);
    wait_until(&pool, "select count(*) from job where state = 'dead'", 2).await;
    stop.send(true).unwrap();

    assert_eq!(state_of(&pool, exhausted).await, (JobState::Dead, RecordRun::MAX_ATTEMPTS));
    assert_eq!(state_of(&pool, fatal).await, (JobState::Dead, 1));
    let error: String =
        sqlx::query_scalar("select last_error from job where job_id = $1").bind(fatal).fetch_one(&pool).await.unwrap();
    assert_eq!(error, "refused");
}

#[tokio::test]
async fn a_dead_workers_job_runs_again_after_its_lease() {
    let pool = setup().await;
    let id = enqueue(&pool, "orphan", 0, false).await;
    // A worker takes the job and dies without a word: no heartbeat, no outcome.
    let taken = jobs::claim(&pool, "dead-worker", &[RecordRun::KIND.to_owned()], Duration::from_millis(300))
        .await
        .unwrap()
        .expect("the job is taken");
    assert_eq!(taken.job_id, id);
    let (stop, stopped) = watch::channel(false);

    let _workers = spawn_workers(pool.clone(), registry(Arc::default()), fast(), 1, stopped);
    wait_until(&pool, "select count(*) from job where state = 'succeeded'", 1).await;
    stop.send(true).unwrap();

    assert_eq!(state_of(&pool, id).await, (JobState::Succeeded, 2));
}

#[tokio::test]
async fn a_live_workers_lease_is_not_taken() {
    let pool = setup().await;
    enqueue(&pool, "held", 0, false).await;
    let kinds = [RecordRun::KIND.to_owned()];
    let taken = jobs::claim(&pool, "worker-a", &kinds, Duration::from_secs(60)).await.unwrap();

    let second = jobs::claim(&pool, "worker-b", &kinds, Duration::from_secs(60)).await.unwrap();

    assert!(taken.is_some());
    assert!(second.is_none(), "a leased job is not handed to another worker");
}

#[tokio::test]
async fn enqueueing_is_transactional_and_deduplicated() {
    let pool = setup().await;
    let job = RecordRun { label: "dedup-1".into(), fail_times: 0, fatal: false };

    let mut tx = pool.begin().await.unwrap();
    jobs::enqueue(&mut tx, &RecordRun { label: "rolled-back".into(), fail_times: 0, fatal: false }).await.unwrap();
    tx.rollback().await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let first = jobs::enqueue(&mut conn, &job).await.unwrap();
    let again = jobs::enqueue(&mut conn, &job).await.unwrap();

    assert_eq!(first, again);
    let count: i64 = sqlx::query_scalar("select count(*) from job").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 1, "the rolled-back job is gone and the duplicate was not added");
}

/// A job that runs until it is stopped; `stopped` turns true when its run is dropped unfinished.
#[derive(Serialize, Deserialize)]
struct RunLong {
    label: String,
}

impl Job for RunLong {
    const KIND: &'static str = "test.run_long";
    const MAX_ATTEMPTS: i32 = 3;
}

/// Sets its flag when dropped: a run cut short drops its future without finishing it.
struct StopSignal(Arc<std::sync::atomic::AtomicBool>);

impl Drop for StopSignal {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn long_runs(started: Arc<AtomicUsize>, stopped: Arc<std::sync::atomic::AtomicBool>) -> Registry {
    Registry::default().register(move |_job: RunLong, _ctx: JobContext| {
        let started = started.clone();
        let signal = StopSignal(stopped.clone());
        async move {
            started.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(600)).await;
            // Finished: not a stop.
            std::mem::forget(signal);
            Ok(())
        }
    })
}

async fn wait_for(flag: impl Fn() -> bool, what: &str) {
    for _ in 0..200 {
        if flag() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn a_worker_told_its_job_is_anothers_stops_running_it() {
    let pool = setup().await;
    let mut conn = pool.acquire().await.unwrap();
    let id = jobs::enqueue(&mut conn, &RunLong { label: "taken-over".into() }).await.unwrap();
    drop(conn);
    let (started, stopped) = (Arc::new(AtomicUsize::new(0)), Arc::new(std::sync::atomic::AtomicBool::new(false)));
    let (stop, stopping) = watch::channel(false);
    let _workers = spawn_workers(pool.clone(), long_runs(started.clone(), stopped.clone()), fast(), 1, stopping);
    wait_for(|| started.load(Ordering::SeqCst) == 1, "the job to start").await;

    // Another worker holds it now (as after this one's lease ran out while it was stalled).
    sqlx::query("update job set locked_by = 'another-worker' where job_id = $1").bind(id).execute(&pool).await.unwrap();

    wait_for(|| stopped.load(Ordering::SeqCst), "the run to be stopped").await;
    stop.send(true).unwrap();
    // Its outcome was not recorded over the other worker's run.
    let (locked_by, state): (Option<String>, JobState) =
        sqlx::query_as("select locked_by, state from job where job_id = $1").bind(id).fetch_one(&pool).await.unwrap();
    assert_eq!((locked_by.as_deref(), state), (Some("another-worker"), JobState::Running));
}

#[tokio::test]
async fn a_worker_that_cannot_renew_its_lease_stops_the_job_before_the_lease_ends() {
    let pool = setup().await;
    let mut conn = pool.acquire().await.unwrap();
    let id = jobs::enqueue(&mut conn, &RunLong { label: "unrenewable".into() }).await.unwrap();
    drop(conn);
    let (started, stopped) = (Arc::new(AtomicUsize::new(0)), Arc::new(std::sync::atomic::AtomicBool::new(false)));
    let (stop, stopping) = watch::channel(false);
    // A lease long enough that its last sixth (when the worker stops the job) is not lost in a
    // busy machine's scheduling.
    let settings = WorkerSettings { lease: Duration::from_secs(3), ..fast() };
    let _workers = spawn_workers(pool.clone(), long_runs(started.clone(), stopped.clone()), settings, 1, stopping);
    wait_for(|| started.load(Ordering::SeqCst) == 1, "the job to start").await;

    // The job's row is locked elsewhere: every renewal waits, as on a database that does not answer.
    let mut blocker = pool.begin().await.unwrap();
    sqlx::query("select 1 from job where job_id = $1 for update").bind(id).execute(&mut *blocker).await.unwrap();

    wait_for(|| stopped.load(Ordering::SeqCst), "the run to be stopped").await;
    // Stopped while the lease (its last renewal, still what is committed) held: nobody else could
    // have taken the job yet.
    let lease_held: bool = sqlx::query_scalar("select clock_timestamp() < lease_expires_at from job where job_id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(lease_held, "the run was stopped only after its lease had ended");
    blocker.rollback().await.unwrap();
    stop.send(true).unwrap();
}
