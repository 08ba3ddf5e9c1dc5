//! The background work of a process, built the same way by the web server (`startup`) and by
//! `server worker`: the product's job workers (with billing and retention scheduled) and, with a
//! mail server configured, a mail worker of its own.

use std::time::Duration;

use app::partner_center::PartnerCenter;
use sqlx::PgPool;

use crate::{
    config::Config,
    mailer::{self, MailSettings},
    worker::{self, Lane, Registry, WorkerPool, WorkerSettings},
};

/// The workers a process will run, not started yet.
pub struct Background {
    pool: PgPool,
    lanes: Vec<Lane>,
    settings: WorkerSettings,
    mail: bool,
    /// Shared with `/readyz` before the workers start.
    pub running: worker::Running,
}

impl Background {
    /// `workers` product workers (0: this process runs none; mail still goes out when configured,
    /// as before jobs delivered it).
    pub fn new(
        config: &Config,
        pool: PgPool,
        partner_center: PartnerCenter,
        invoicing: crate::config::Invoicing,
        mail: Option<MailSettings>,
        secrets: app::secrets::SecretKey,
        workers: usize,
    ) -> anyhow::Result<Self> {
        let engine = app::provisioning::ssr::Engine {
            pool: pool.clone(),
            partner_center,
            secrets: secrets.clone(),
            step_pause: Duration::from_millis(config.provisioning_step_ms),
        };
        let retention = config.retention();
        let product = worker::product_registry(engine).register::<crate::retention::PurgeHistory, _, _>(
            move |_job, ctx| async move { crate::retention::run(&ctx.pool, retention).await },
        );
        let product = worker::invoicing_jobs(product, invoicing);
        let mut lanes = vec![Lane { registry: product, count: workers }];
        // Webhooks have workers of their own: a delivery waits on someone else's server (up to
        // its timeout), and a ten-minute provisioning run must not hold one back.
        let deliverer = app::webhooks::ssr::Deliverer::new(secrets.clone(), config.webhook_delivery())?;
        let webhooks = Registry::default().register::<app::webhooks::ssr::DeliverWebhook, _, _>(move |job, ctx| {
            let deliverer = deliverer.clone();
            async move { deliverer.deliver(&ctx.pool, job, ctx.attempt, ctx.max_attempts).await }
        });
        lanes.push(Lane { registry: webhooks, count: if workers > 0 { config.webhook_workers } else { 0 } });
        let mail_on = mail.is_some();
        if let Some(settings) = mail {
            // One sender per process, as the outbox had: mail is small and SMTP answers fast.
            lanes.push(Lane { registry: mailer::register(Registry::default(), settings, secrets), count: 1 });
        }
        Ok(Self { pool, lanes, settings: config.worker_settings(), mail: mail_on, running: worker::Running::default() })
    }

    /// Starts the workers; with mail configured, first turns delivery on for the database (see
    /// `app::notifications::ssr::enable_delivery`), so mail queued without a sender goes out now.
    pub async fn start(self) -> anyhow::Result<Option<WorkerPool>> {
        if self.mail {
            let caught_up = app::notifications::ssr::enable_delivery(&self.pool).await?;
            if caught_up > 0 {
                tracing::info!(count = caught_up, "pending mail queued for delivery");
            }
        }
        Ok(WorkerPool::start(self.pool, self.lanes, self.settings, &self.running))
    }
}
