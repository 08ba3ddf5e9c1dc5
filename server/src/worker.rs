//! Workers that run queued jobs (see `app::jobs`). They run inside the server process and, with
//! the `worker` subcommand, as processes of their own; any number share one database.
//!
//! Each worker takes one job at a time. Idle workers sleep until a `job_queued` notification or
//! the poll interval, whichever comes first: notifications make pick-up immediate, polling
//! catches jobs whose retry time or expired lease came due without a notification.

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc, time::Duration};

use app::jobs::{self, ClaimedJob, Job, JobError, JobState};
use sqlx::{PgPool, postgres::PgListener};
use tokio::sync::{Notify, watch};

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
type Handler = Arc<dyn Fn(serde_json::Value, JobContext) -> BoxFuture + Send + Sync>;

/// What a handler gets besides its payload.
#[derive(Clone)]
pub struct JobContext {
    pub pool: PgPool,
    pub job_id: uuid::Uuid,
    pub attempt: i32,
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
}

/// The job kinds the product runs, with their handlers.
pub fn product_registry(engine: app::provisioning::ssr::Engine) -> Registry {
    use app::billing::ssr::{BillingRun, RenewSubscriptions, bill_period, renew_due};
    let change_engine = engine.clone();
    let partner_center = engine.partner_center.clone();
    Registry::default()
        .register::<RenewSubscriptions, _, _>(move |_job, ctx| {
            let partner_center = partner_center.clone();
            async move { renew_due(&ctx.pool, &partner_center).await.map(|_| ()) }
        })
        .register::<BillingRun, _, _>(|job, ctx| async move {
            bill_period(&ctx.pool, job.period).await.map(|_| ()).map_err(|e| JobError::retryable(e.to_string()))
        })
        .register::<app::orders::ssr::ProvisionOrder, _, _>(move |job, ctx| {
            let engine = engine.clone();
            async move { engine.run(job, ctx.attempt).await }
        })
        .register::<app::subscriptions::ssr::ChangeSubscription, _, _>(move |job, ctx| {
            let engine = change_engine.clone();
            async move { engine.run_change(job, ctx.attempt).await }
        })
}

/// Workers started by a process, stopped together.
pub struct WorkerPool {
    stop: watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl WorkerPool {
    pub fn start(pool: PgPool, registry: Registry, settings: WorkerSettings, count: usize) -> Option<Self> {
        if count == 0 {
            return None;
        }
        let (stop, stopped) = watch::channel(false);
        let scheduled = registry.kinds().iter().any(|kind| kind == <app::billing::ssr::BillingRun as Job>::KIND);
        let mut handles = spawn_workers(pool.clone(), registry, settings, count, stopped.clone());
        if scheduled {
            handles.push(tokio::spawn(schedule(pool, stopped)));
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

/// Queues the renewals and billing runs that fall due, every minute (by the marketplace's clock,
/// so a sandbox clock moved forward is followed within a minute).
async fn schedule(pool: PgPool, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(err) = app::billing::ssr::schedule(&pool).await {
            tracing::warn!(error = %err, "could not queue renewals and billing runs");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// How long a job stays this worker's without a heartbeat.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs without a notification.
    pub poll_interval: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(5),
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(600),
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
    let wake = Arc::new(Notify::new());
    let mut handles = vec![tokio::spawn(listen(pool.clone(), jobs::NOTIFY_CHANNEL, wake.clone(), shutdown.clone()))];
    let process = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    for n in 0..count {
        let worker = Worker {
            id: format!("{process}-{n}"),
            pool: pool.clone(),
            registry: registry.clone(),
            settings: settings.clone(),
            wake: wake.clone(),
        };
        handles.push(tokio::spawn(worker.run(shutdown.clone())));
    }
    handles
}

/// Wakes everyone waiting on `wake` whenever `channel` is notified, reconnecting as needed; the
/// waiters poll as well, so a lost connection only slows them down.
pub(crate) async fn listen(
    pool: PgPool,
    channel: &'static str,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(channel, error = %err, "listener cannot connect; falling back to polling");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => continue,
                    _ = shutdown.changed() => return,
                }
            }
        };
        if let Err(err) = listener.listen(channel).await {
            tracing::warn!(channel, error = %err, "cannot LISTEN");
            // Not at once: a database refusing LISTEN refuses the next one too.
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(5)) => continue,
                _ = shutdown.changed() => return,
            }
        }
        loop {
            tokio::select! {
                notification = listener.recv() => match notification {
                    Ok(_) => wake.notify_waiters(),
                    Err(err) => {
                        tracing::warn!(channel, error = %err, "listener lost its connection; reconnecting");
                        break;
                    }
                },
                _ = shutdown.changed() => return,
            }
        }
    }
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
            match jobs::claim(&self.pool, &self.id, &kinds, self.settings.lease).await {
                Ok(Some(job)) => self.execute(job).await,
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

    #[tracing::instrument(name = "job", skip(self, job), fields(kind = %job.kind, job_id = %job.job_id, attempt = job.attempts))]
    async fn execute(&self, job: ClaimedJob) {
        let Some(handler) = self.registry.handlers.get(job.kind.as_str()).cloned() else {
            return;
        };
        let ctx = JobContext { pool: self.pool.clone(), job_id: job.job_id, attempt: job.attempts };
        let heartbeat = tokio::spawn(heartbeat(self.pool.clone(), job.job_id, self.id.clone(), self.settings.lease));
        // A panicking handler is a failed attempt, not a dead worker.
        let outcome = tokio::spawn(handler(job.payload.clone(), ctx))
            .await
            .unwrap_or_else(|panic| Err(JobError::retryable(format!("the job panicked: {panic}"))));
        heartbeat.abort();

        let recorded = match &outcome {
            Ok(()) => jobs::succeed(&self.pool, job.job_id, &self.id).await.map(|()| JobState::Succeeded),
            Err(JobError::Retryable { message, after }) => {
                let delay = after.unwrap_or_else(|| {
                    jobs::backoff(job.attempts, self.settings.backoff_base, self.settings.backoff_cap, rand::random())
                });
                jobs::fail(&self.pool, job.job_id, &self.id, message, Some(delay)).await
            }
            Err(JobError::Fatal(message)) => jobs::fail(&self.pool, job.job_id, &self.id, message, None).await,
        };
        match (recorded, outcome) {
            (Ok(state), Ok(())) => tracing::info!(?state, "job done"),
            (Ok(state), Err(err)) => tracing::warn!(?state, error = %err, "job failed"),
            (Err(err), _) => {
                tracing::error!(error = %err, "cannot record a job's outcome; it runs again after its lease")
            }
        }
    }
}

async fn heartbeat(pool: PgPool, job_id: uuid::Uuid, worker: String, lease: Duration) {
    let mut tick = tokio::time::interval(lease / 3);
    tick.tick().await;
    loop {
        tick.tick().await;
        match jobs::heartbeat(&pool, job_id, &worker, lease).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(%job_id, "lost the lease on a running job");
                return;
            }
            Err(err) => tracing::warn!(%job_id, error = %err, "heartbeat failed"),
        }
    }
}

/// `server worker`: workers and the mail sender only, against the configured database and Partner
/// Center (by default the sandbox of the server at LEPTOS_SITE_ADDR). Stops on Ctrl-C or SIGTERM
/// after the jobs in hand.
pub async fn run_standalone(config: &crate::config::Config) -> anyhow::Result<()> {
    let mail = crate::mailer::MailSettings::from_config(config)?;
    let database =
        crate::db::connect(config.database_url.as_deref(), &config.data_dir, config.db_max_connections).await?;
    let site: std::net::SocketAddr = std::env::var("LEPTOS_SITE_ADDR")
        .ok()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 3000)));
    let partner_center =
        app::partner_center::PartnerCenter::new(&config.partner_center_url(site), config.partner_center_timeout())?;
    let engine = app::provisioning::ssr::Engine {
        pool: database.pool.clone(),
        partner_center,
        step_pause: Duration::from_millis(config.provisioning_step_ms),
    };
    let count = config.workers.max(1);
    tracing::info!(count, "workers running");
    let workers = WorkerPool::start(database.pool.clone(), product_registry(engine), config.worker_settings(), count);
    // Worker processes deliver mail too, so mail keeps going out with the web servers scaled down.
    let mailer = mail.map(|settings| crate::mailer::Mailer::start(database.pool.clone(), settings));
    crate::startup::shutdown_signal().await;
    if let Some(workers) = workers {
        workers.stop().await;
    }
    if let Some(mailer) = mailer {
        mailer.stop().await;
    }
    database.pool.close().await;
    if let Some(embedded) = database.embedded {
        embedded.stop().await?;
    }
    Ok(())
}
