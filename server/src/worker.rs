//! Workers that run queued jobs (see `app::jobs`). They run inside the server process and, with
//! the `worker` subcommand, as processes of their own; any number share one database.
//!
//! Each worker takes one job at a time. Idle workers sleep until a `job_queued` notification or
//! the poll interval, whichever comes first: notifications make pick-up immediate, polling
//! catches jobs whose retry time or expired lease came due without a notification.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use app::{
    jobs::{self, ClaimedJob, Job, JobError, JobState},
    listen::{self, Heard},
    metering,
};
use sqlx::PgPool;
use tokio::sync::{Notify, watch};

pub use crate::config::WorkerSettings;

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
type Handler = Arc<dyn Fn(serde_json::Value, JobContext) -> BoxFuture + Send + Sync>;

/// What a handler gets besides its payload.
#[derive(Clone)]
pub struct JobContext {
    pub pool: PgPool,
    pub job_id: uuid::Uuid,
    pub attempt: i32,
    /// The attempts the job has: a handler that keeps a record of its own (the outbox row of a
    /// mail) knows from `attempt == max_attempts` that a failure now is the last.
    pub max_attempts: i32,
}

/// The job kinds this process can run, and how.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Handler>,
}

impl Registry {
    pub fn register<J, F, Fut>(mut self, handler: F) -> Self
    where
        J: Job,
        F: Fn(J, JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        self.handlers.insert(
            J::KIND,
            Arc::new(move |payload, ctx| {
                let handler = handler.clone();
                Box::pin(async move {
                    // A payload that no longer parses will not parse on a retry either.
                    let job: J = serde_json::from_value(payload)
                        .map_err(|e| JobError::Fatal(format!("unreadable {} payload: {e}", J::KIND)))?;
                    handler(job, ctx).await
                })
            }),
        );
        self
    }

    pub fn kinds(&self) -> Vec<String> {
        self.handlers.keys().map(|k| (*k).to_owned()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.handlers.is_empty()
    }

    fn runs(&self, kind: &str) -> bool {
        self.handlers.contains_key(kind)
    }
}

/// The job kinds the product runs, with their handlers.
pub fn product_registry(engine: app::provisioning::ssr::Engine) -> Registry {
    use app::billing::ssr::{
        BillMonths, BillingRun, NoticeRenewalPrices, RenewSubscriptions, bill_months, bill_period,
        notice_renewal_prices, renew_due,
    };
    let change_engine = engine.clone();
    let partner_center = engine.partner_center.clone();
    let checker = engine.partner_center.clone();
    let gdap_checker = engine.partner_center.clone();
    Registry::default()
        .register::<RenewSubscriptions, _, _>(move |_job, ctx| {
            let partner_center = partner_center.clone();
            async move { renew_due(&ctx.pool, &partner_center).await.map(|_| ()) }
        })
        .register::<BillMonths, _, _>(|_job, ctx| async move {
            bill_months(&ctx.pool).await.map(|_| ()).map_err(|e| JobError::retryable(e.to_string()))
        })
        .register::<NoticeRenewalPrices, _, _>(|_job, ctx| async move {
            notice_renewal_prices(&ctx.pool).await.map(|_| ()).map_err(|e| JobError::retryable(e.to_string()))
        })
        .register::<BillingRun, _, _>(|job, ctx| async move {
            bill_period(&ctx.pool, job.period).await.map(|_| ()).map_err(|e| JobError::retryable(e.to_string()))
        })
        .register::<app::provisioning::ssr::ProvisionOrder, _, _>(move |job, ctx| {
            let engine = engine.clone();
            async move { engine.run(job, ctx.attempt).await }
        })
        .register::<app::provisioning::ssr::ChangeSubscription, _, _>(move |job, ctx| {
            let engine = change_engine.clone();
            async move { engine.run_change(job, ctx.attempt).await }
        })
        .register::<app::partners::ssr::CheckPartnersOfRecord, _, _>(move |_job, ctx| {
            let partner_center = checker.clone();
            async move { app::partners::ssr::check_partners_of_record(&ctx.pool, &partner_center).await.map(|_| ()) }
        })
        .register::<app::customers::ssr::RefreshGdap, _, _>(move |_job, ctx| {
            let partner_center = gdap_checker.clone();
            async move {
                app::customers::ssr::refresh_gdap(&ctx.pool, &partner_center, None)
                    .await
                    .map(|_| ())
                    .map_err(|e| JobError::retryable(e.to_string()))
            }
        })
}

/// Invoicing's jobs (issue #21): the hourly TCMB rates, sending an invoice, following statuses.
pub fn invoicing_jobs(registry: Registry, invoicing: crate::config::Invoicing) -> Registry {
    use app::invoicing::ssr::{LoadTcmbRates, PollInvoices, SendInvoice, poll, run_fetch_rates, send};
    let crate::config::Invoicing { tcmb, integrator } = invoicing;
    let sender = integrator.clone();
    registry
        .register::<LoadTcmbRates, _, _>(move |_job, ctx| {
            let tcmb = tcmb.clone();
            async move { run_fetch_rates(&ctx.pool, &tcmb).await }
        })
        .register::<SendInvoice, _, _>(move |job, ctx| {
            let integrator = sender.clone();
            async move {
                send(&ctx.pool, &integrator, job.invoice_id).await?;
                // The sandbox answers at once: look again now rather than at the next minute.
                poll(&ctx.pool, &integrator).await.map(|_| ())
            }
        })
        .register::<PollInvoices, _, _>(move |_job, ctx| {
            let integrator = integrator.clone();
            async move { poll(&ctx.pool, &integrator).await.map(|_| ()) }
        })
}

/// Workers of one process that take the same job kinds. A process has a lane for the product's
/// jobs and, with mail configured, one for mail, so a ten-minute provisioning run never holds
/// up a one-time password.
pub struct Lane {
    pub registry: Registry,
    pub count: usize,
}

/// How many of a process's workers should run and how many do, for `/readyz`: a process whose
/// workers have stopped (shutting down, or not started yet) is not ready for the work it was
/// started for.
#[derive(Clone, Debug, Default)]
pub struct Running {
    expected: Arc<AtomicUsize>,
    alive: Arc<AtomicUsize>,
}

impl Running {
    pub fn expected(&self) -> usize {
        self.expected.load(Ordering::Relaxed)
    }

    pub fn alive(&self) -> usize {
        self.alive.load(Ordering::Relaxed)
    }

    /// Counts one worker as alive for as long as the returned guard lives: it is dropped when the
    /// worker's task ends, however it ends.
    fn enlist(&self) -> Alive {
        self.alive.fetch_add(1, Ordering::Relaxed);
        Alive(self.alive.clone())
    }
}

struct Alive(Arc<AtomicUsize>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Workers started by a process, stopped together.
pub struct WorkerPool {
    stop: watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl WorkerPool {
    /// Starts the lanes' workers, one listener for all of them and, when a lane runs billing or
    /// retention, the scheduler that queues those; `None` when no lane has a worker.
    pub fn start(pool: PgPool, lanes: Vec<Lane>, settings: WorkerSettings, running: &Running) -> Option<Self> {
        let lanes: Vec<Lane> = lanes.into_iter().filter(|lane| lane.count > 0 && !lane.registry.is_empty()).collect();
        if lanes.is_empty() {
            return None;
        }
        running.expected.store(lanes.iter().map(|lane| lane.count).sum(), Ordering::Relaxed);
        let (stop, stopped) = watch::channel(false);
        let runs = |kind: &str| lanes.iter().any(|lane| lane.registry.runs(kind));
        let schedules = Schedules {
            billing: runs(<app::billing::ssr::BillingRun as Job>::KIND),
            retention: runs(<crate::retention::PurgeHistory as Job>::KIND),
            invoicing: runs(<app::invoicing::ssr::LoadTcmbRates as Job>::KIND),
            partners_of_record: runs(<app::partners::ssr::CheckPartnersOfRecord as Job>::KIND),
            gdap: runs(<app::customers::ssr::RefreshGdap as Job>::KIND),
        };
        let mut handles = spawn_lanes(pool.clone(), lanes, settings, stopped.clone(), running);
        if schedules.billing
            || schedules.retention
            || schedules.invoicing
            || schedules.partners_of_record
            || schedules.gdap
        {
            handles.push(tokio::spawn(schedule(pool, schedules, stopped)));
        }
        Some(Self { stop, handles })
    }

    /// Lets each worker finish the job in hand.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for handle in self.handles {
            let _ = handle.await;
        }
    }
}

/// What the scheduler of a process queues: only jobs a worker of this process can run, so a
/// process started for mail alone queues no billing.
#[derive(Clone, Copy)]
struct Schedules {
    billing: bool,
    retention: bool,
    invoicing: bool,
    partners_of_record: bool,
    gdap: bool,
}

/// Queues the renewals and billing runs that fall due (by the marketplace's clock, so a sandbox
/// clock moved forward is followed within a minute), the day's retention run and the day's
/// Partner-of-Record check of every partner and refresh of every GDAP relationship (the first
/// minute after midnight UTC: nightly),
/// every minute.
/// Each is deduplicated by the job engine, so any number of processes may schedule.
async fn schedule(pool: PgPool, schedules: Schedules, mut shutdown: watch::Receiver<bool>) {
    loop {
        if schedules.billing
            && let Err(err) = app::billing::ssr::schedule(&pool).await
        {
            tracing::warn!(error = %err, "could not queue renewals and billing runs");
        }
        if schedules.retention
            && let Err(err) = crate::retention::schedule(&pool).await
        {
            tracing::warn!(error = %err, "could not queue the retention run");
        }
        if schedules.invoicing
            && let Err(err) = app::invoicing::ssr::schedule(&pool).await
        {
            tracing::warn!(error = %err, "could not queue the exchange-rate fetch and invoice statuses");
        }
        if schedules.partners_of_record
            && let Err(err) = app::partners::ssr::schedule_partner_of_record_checks(&pool).await
        {
            tracing::warn!(error = %err, "could not queue the nightly Partner-of-Record check");
        }
        if schedules.gdap
            && let Err(err) = app::customers::ssr::schedule_gdap_refresh(&pool).await
        {
            tracing::warn!(error = %err, "could not queue the nightly GDAP refresh");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Starts `count` workers and one listener that wakes them. They stop when `shutdown` turns true,
/// each after finishing the job in hand.
pub fn spawn_workers(
    pool: PgPool,
    registry: Registry,
    settings: WorkerSettings,
    count: usize,
    shutdown: watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    spawn_lanes(pool, vec![Lane { registry, count }], settings, shutdown, &Running::default())
}

/// Starts the workers of every lane and one listener: a `job_queued` notification (its payload
/// is the job's kind) wakes the lane that runs that kind; a (re)connected listener wakes them
/// all, since notifications may have been missed meanwhile.
pub fn spawn_lanes(
    pool: PgPool,
    lanes: Vec<Lane>,
    settings: WorkerSettings,
    shutdown: watch::Receiver<bool>,
    running: &Running,
) -> Vec<tokio::task::JoinHandle<()>> {
    let process = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let mut wakers: Vec<(Registry, Arc<Notify>)> = Vec::new();
    let mut handles = Vec::new();
    for (l, lane) in lanes.into_iter().enumerate() {
        let wake = Arc::new(Notify::new());
        for n in 0..lane.count {
            let worker = Worker {
                id: format!("{process}-{l}.{n}"),
                pool: pool.clone(),
                registry: lane.registry.clone(),
                settings: settings.clone(),
                wake: wake.clone(),
            };
            let alive = running.enlist();
            let shutdown = shutdown.clone();
            handles.push(tokio::spawn(async move {
                let _alive = alive;
                worker.run(shutdown).await
            }));
        }
        wakers.push((lane.registry, wake));
    }
    handles.push(tokio::spawn(listen::listen(pool, &[jobs::NOTIFY_CHANNEL], shutdown, move |heard| {
        for (registry, wake) in &wakers {
            match &heard {
                Heard::Notification(n) if !registry.runs(n.payload()) => {}
                // One idle worker per notification, not all of them: every woken worker runs a
                // claim, and waking a lane of 16 for each job made 15 claims find nothing (in the
                // soak, most of PostgreSQL's time). A worker that takes a job wakes the next
                // (`Worker::run`), so a burst announced by one notification still fans out.
                Heard::Notification(_) => wake.notify_one(),
                // (Re)connected: whatever was announced meanwhile was missed, so everyone looks.
                Heard::Listening => wake.notify_waiters(),
            }
        }
    })));
    handles
}

struct Worker {
    id: String,
    pool: PgPool,
    registry: Registry,
    settings: WorkerSettings,
    wake: Arc<Notify>,
}

impl Worker {
    async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let kinds = self.registry.kinds();
        while !*shutdown.borrow() {
            // Registered before looking, so a notification between the look and the wait is kept.
            let woken = self.wake.notified();
            // Before the claim is sent: the lease the database grants runs from a later moment,
            // so a deadline counted from here is never later than the real one.
            let asked = tokio::time::Instant::now();
            match jobs::claim(&self.pool, &self.id, &kinds, self.settings.lease).await {
                Ok(Some(job)) => {
                    // There may be more where this came from: the next idle worker looks too.
                    self.wake.notify_one();
                    self.execute(job, asked, shutdown.clone()).await
                }
                Ok(None) => {
                    let nap = match jobs::next_due(&self.pool, &kinds).await {
                        // A floor, so a due job another worker is just taking is not polled in a spin.
                        Ok(Some(due)) => due.max(Duration::from_millis(10)).min(self.settings.poll_interval),
                        _ => self.settings.poll_interval,
                    };
                    tokio::select! {
                        () = woken => {},
                        () = tokio::time::sleep(nap) => {},
                        _ = shutdown.changed() => {},
                    }
                }
                Err(err) => {
                    tracing::error!(worker = %self.id, error = %err, "cannot take a job");
                    tokio::time::sleep(self.settings.poll_interval).await;
                }
            }
        }
    }

    #[tracing::instrument(name = "job", skip(self, job, leased_at, shutdown), fields(kind = %job.kind, job_id = %job.job_id, attempt = job.attempts))]
    async fn execute(&self, job: ClaimedJob, leased_at: tokio::time::Instant, shutdown: watch::Receiver<bool>) {
        let Some(handler) = self.registry.handlers.get(job.kind.as_str()).cloned() else {
            return;
        };
        let ctx = JobContext {
            pool: self.pool.clone(),
            job_id: job.job_id,
            attempt: job.attempts,
            max_attempts: job.max_attempts,
        };
        let started = std::time::Instant::now();
        let mut heartbeat =
            tokio::spawn(heartbeat(self.pool.clone(), job.job_id, self.id.clone(), self.settings.lease, leased_at));
        let mut task = tokio::spawn(handler(job.payload.clone(), ctx));
        let joined = tokio::select! {
            joined = &mut task => Some(joined),
            () = grace_over(shutdown, self.settings.shutdown_grace) => None,
            _ = &mut heartbeat => {
                // The lease is gone, or about to be: another worker may take the job (and send its
                // mail, call the vendor) at any moment, so this run stops here. Its outcome is not
                // ours to record; the job's steps are recorded as it goes, so the next run resumes.
                task.abort();
                let _ = task.await;
                // Given back if it is still ours (the renewals were slow, not refused): another
                // worker takes it now, and this stop is not counted as one of its attempts. Not
                // waited on for long: the database is what was too slow.
                let _ = tokio::time::timeout(self.settings.lease / 6, jobs::release(&self.pool, job.job_id, &self.id)).await;
                metering::job_attempt(&job.kind, metering::JobOutcome::LeaseLost, started.elapsed());
                return;
            }
        };
        heartbeat.abort();
        let Some(joined) = joined else {
            // Stopping, and the job is still running: cut it short and give it back, so another
            // process takes it now rather than after the lease. Jobs are written to be resumed
            // (each step is recorded, vendor calls carry their request id), as after a crash.
            task.abort();
            let _ = task.await;
            match jobs::release(&self.pool, job.job_id, &self.id).await {
                Ok(true) => tracing::info!("job given back to the queue at shutdown"),
                Ok(false) => tracing::warn!("job was no longer ours at shutdown"),
                Err(err) => tracing::error!(error = %err, "cannot give a job back; it runs again after its lease"),
            }
            return;
        };
        // A panicking handler is a failed attempt, not a dead worker.
        let outcome = joined.unwrap_or_else(|panic| Err(JobError::retryable(format!("the job panicked: {panic}"))));
        let took = started.elapsed();

        // A database restarting as the job ends would leave the outcome to the lease (the job
        // run again in 30 s, resumed where it stopped): it is recorded once the database is back,
        // within half the lease, while the heartbeat has ended and nobody else may take it yet.
        let recording = std::time::Instant::now();
        let delay = match &outcome {
            Err(JobError::Retryable { after, .. }) => Some(after.unwrap_or_else(|| {
                jobs::backoff(job.attempts, self.settings.backoff_base, self.settings.backoff_cap, rand::random())
            })),
            _ => None,
        };
        let recorded = loop {
            let recorded = match &outcome {
                Ok(()) => jobs::succeed(&self.pool, job.job_id, &self.id).await.map(|()| JobState::Succeeded),
                Err(JobError::Retryable { message, .. }) => {
                    jobs::fail(&self.pool, job.job_id, &self.id, message, delay).await
                }
                Err(JobError::Fatal(message)) => jobs::fail(&self.pool, job.job_id, &self.id, message, None).await,
            };
            match recorded {
                Err(err) if app::error::ssr::is_outage(&err) && recording.elapsed() < self.settings.lease / 2 => {
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                recorded => break recorded,
            }
        };
        if let Ok(state) = &recorded {
            let counted = match state {
                JobState::Succeeded => metering::JobOutcome::Succeeded,
                JobState::Dead => metering::JobOutcome::Dead,
                JobState::Queued | JobState::Running => metering::JobOutcome::Retry,
            };
            metering::job_attempt(&job.kind, counted, took);
        }
        match (recorded, outcome) {
            (Ok(state), Ok(())) => tracing::info!(?state, "job done"),
            (Ok(state), Err(err)) => tracing::warn!(?state, error = %err, "job failed"),
            (Err(err), _) => {
                tracing::error!(error = %err, "cannot record a job's outcome; it runs again after its lease")
            }
        }
    }
}

/// Resolves `grace` after shutdown begins (never, if it does not).
async fn grace_over(mut shutdown: watch::Receiver<bool>, grace: Duration) {
    if shutdown.wait_for(|stopping| *stopping).await.is_err() {
        // The pool was dropped without a stop: nobody will ask us to stop.
        std::future::pending::<()>().await;
    }
    tokio::time::sleep(grace).await;
}

/// Renews a running job's lease every third of it, and returns once the lease is lost: the
/// database says another worker holds the job, or no renewal got through and the lease is about to
/// run out. The caller then stops the job, so that no two workers ever run it at once, even while
/// the database or this process's connections are too slow to answer.
async fn heartbeat(pool: PgPool, job_id: uuid::Uuid, worker: String, lease: Duration, leased_at: tokio::time::Instant) {
    // Stopped this long before the lease's end: time for the stop to reach the job before another
    // worker could take it.
    let margin = lease / 6;
    // The lease ends `lease` after the database received the last renewal, which is no earlier
    // than the moment it was sent, so this is never later than the real end.
    let mut held_until = leased_at + lease;
    let mut tick = tokio::time::interval_at(leased_at + lease / 3, lease / 3);
    loop {
        let stop_at = held_until - margin;
        tokio::select! {
            biased;
            () = tokio::time::sleep_until(stop_at) => {
                tracing::warn!(%job_id, "cannot renew the lease of a running job; stopping it before another worker takes it");
                return;
            }
            _ = tick.tick() => {}
        }
        let sent = tokio::time::Instant::now();
        match tokio::time::timeout_at(stop_at, jobs::heartbeat(&pool, job_id, &worker, lease)).await {
            Ok(Ok(true)) => held_until = sent + lease,
            Ok(Ok(false)) => {
                tracing::warn!(%job_id, "lost the lease on a running job; stopping it");
                return;
            }
            Ok(Err(err)) => tracing::warn!(%job_id, error = %err, "heartbeat failed"),
            // The deadline passed while renewing: the next turn returns.
            Err(_) => {}
        }
    }
}
