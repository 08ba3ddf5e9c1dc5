//! Configuration from the command line and environment variables (all listed in the README).

use std::{path::PathBuf, time::Duration};

use app::domain::MissingSetting;
use clap::{Parser, Subcommand, builder::BoolishValueParser};

/// The demo's key for secrets at rest: public (it is in the source), so used only with the demo
/// on and no `CLOUDMARKET_SECRET_KEY` set. (The SHA-256 of "cloudmarket demo secret key".)
/// Microsoft's Entra ID, where a real Partner Center's tokens come from.
const MICROSOFT_AUTHORITY: &str = "https://login.microsoftonline.com";

const DEMO_SECRET_KEY: &str = "bdf433476661669127c808957760ab6f5ce4c41529dabfc51c77cceeb64bf07f";

#[derive(Clone, Debug, Parser)]
#[command(name = "cloudmarket", about = "cloudmarket: the cloud-services marketplace server")]
pub struct Config {
    /// PostgreSQL to use. Without it the server runs its own private cluster in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Where the embedded PostgreSQL cluster (and later, uploaded documents) are kept.
    #[arg(long, env = "CLOUDMARKET_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Load the demo organisations, users and catalog at start (idempotent).
    #[arg(long, env = "CLOUDMARKET_DEMO", value_parser = BoolishValueParser::new())]
    pub demo: bool,

    /// The address users reach the product at, e.g. https://marketplace.example. An https URL
    /// turns on `Secure` cookies; its origin is also accepted for state-changing requests.
    #[arg(long, env = "CLOUDMARKET_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Database connections per server process.
    #[arg(long, env = "CLOUDMARKET_DB_MAX_CONNECTIONS", default_value_t = 20)]
    pub db_max_connections: u32,

    /// Wrong passwords allowed for one address from one client (IP address) in the window
    /// below; then that client waits for the oldest to leave the window. Other clients are not
    /// affected, so guessing cannot lock the real user out.
    #[arg(long, env = "CLOUDMARKET_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: i64,

    #[arg(long, env = "CLOUDMARKET_LOGIN_WINDOW_MINUTES", default_value_t = 15)]
    pub login_window_minutes: i64,

    /// Sign-in attempts accepted from one client IP address per minute, whatever the address
    /// typed (a burst of as many, then one every 60/N seconds).
    #[arg(long, env = "CLOUDMARKET_SIGN_IN_PER_IP_PER_MINUTE", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_in_per_ip_per_minute: u32,

    /// Password hashes (argon2, about 19 MiB each) computed at once; further sign-ins wait
    /// their turn, so a flood of them cannot exhaust memory.
    #[arg(long, env = "CLOUDMARKET_PASSWORD_HASHES_AT_ONCE", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub password_hashes_at_once: u32,

    /// "Become a partner" applications accepted from one client IP address per day.
    #[arg(long, env = "CLOUDMARKET_APPLICATIONS_PER_IP_PER_DAY", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub applications_per_ip_per_day: u32,

    /// Applications accepted for one contact e-mail address per day (each one mails it).
    #[arg(long, env = "CLOUDMARKET_APPLICATIONS_PER_EMAIL_PER_DAY", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub applications_per_email_per_day: u32,

    /// Application forms (up to six 10 MB documents) read at once; more are asked to retry.
    #[arg(long, env = "CLOUDMARKET_APPLICATION_UPLOADS_AT_ONCE", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
    pub application_uploads_at_once: u32,

    /// Live provisioning streams one browser session may hold open at once.
    #[arg(long, env = "CLOUDMARKET_LIVE_STREAMS_PER_SESSION", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..))]
    pub live_streams_per_session: u32,

    /// Partner API calls one key may make a minute, per server process (more get 429).
    #[arg(long, env = "CLOUDMARKET_API_REQUESTS_PER_MINUTE", default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..))]
    pub api_requests_per_minute: u32,

    /// Serve the bundled Partner Center sandbox under /sandbox, with its test clock and fault
    /// switch. Off unless set here or CLOUDMARKET_DEMO is on; production runs without it.
    #[arg(long = "sandbox", env = "CLOUDMARKET_SANDBOX", value_parser = BoolishValueParser::new(), action = clap::ArgAction::Set)]
    pub sandbox_setting: Option<bool>,

    /// Whether the sandbox is on: [`Self::sandbox_setting`], else [`Self::demo`]
    /// (set by [`Config::resolved`]).
    #[arg(skip)]
    pub sandbox: bool,

    /// A bearer token that may move the sandbox's clock and switch its faults (scripts, browser
    /// tests); without it only a signed-in operations user may.
    #[arg(long, env = "CLOUDMARKET_SANDBOX_TOKEN", hide_env_values = true)]
    pub sandbox_token: Option<String>,

    /// The bearer token a Prometheus scraper sends for `/metrics`. Without it `/metrics`
    /// answers 404: the figures (load, queue depth, failures) are not public.
    #[arg(long, env = "CLOUDMARKET_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Start on a non-loopback address although the public URL is plain http (cookies and
    /// passwords then cross the network unencrypted unless a proxy in front adds TLS).
    #[arg(long, env = "CLOUDMARKET_ALLOW_PLAIN_HTTP", value_parser = BoolishValueParser::new())]
    pub allow_plain_http: bool,

    /// Partner Center's API base URL. Without it the bundled sandbox on this server is used.
    #[arg(long, env = "CLOUDMARKET_PARTNER_CENTER_URL")]
    pub partner_center_url: Option<String>,

    /// The distributor's Entra ID tenant (its id or a verified domain), where the marketplace's
    /// app is registered. With the sandbox, the sandbox's own app is used unless these are set.
    #[arg(long, env = "CLOUDMARKET_PARTNER_CENTER_TENANT")]
    pub partner_center_tenant: Option<String>,
    /// The app's (client) id.
    #[arg(long, env = "CLOUDMARKET_PARTNER_CENTER_APP_ID")]
    pub partner_center_app_id: Option<String>,
    /// The app's client secret: never logged, never shown.
    #[arg(long, env = "CLOUDMARKET_PARTNER_CENTER_APP_SECRET", hide_env_values = true)]
    pub partner_center_app_secret: Option<app::partner_center::auth::Secret>,
    /// The App+User refresh token (the secure application model: consented once by a partner
    /// admin signing in with MFA). The calls that act on a customer need it.
    #[arg(long, env = "CLOUDMARKET_PARTNER_CENTER_REFRESH_TOKEN", hide_env_values = true)]
    pub partner_center_refresh_token: Option<app::partner_center::auth::Secret>,
    /// Where tokens come from. Default: Microsoft's (https://login.microsoftonline.com), or the
    /// sandbox's stand-in when Partner Center is the sandbox.
    #[arg(long, env = "CLOUDMARKET_ENTRA_AUTHORITY")]
    pub entra_authority: Option<String>,

    /// Where customers accept the distributor as their CSP reseller. Without it, the sandbox's
    /// acceptance page on this server.
    #[arg(long, env = "CLOUDMARKET_RELATIONSHIP_LINK")]
    pub relationship_link: Option<String>,

    /// Seconds before a Partner Center call is given up (and retried later where that is safe).
    #[arg(long, env = "CLOUDMARKET_PARTNER_CENTER_TIMEOUT_SECS", default_value_t = 15)]
    pub partner_center_timeout_secs: u64,

    /// Where "Log into O365" leads (the tenant's domain is added as `?domain=`). Default: the
    /// sandbox's portal page when the sandbox is on, else the Microsoft 365 admin center.
    #[arg(long, env = "CLOUDMARKET_O365_PORTAL_URL")]
    pub o365_portal_url: Option<String>,

    /// The same in milliseconds, taking precedence (tests and fault demos want less than a second).
    #[arg(long, env = "CLOUDMARKET_PARTNER_CENTER_TIMEOUT_MS")]
    pub partner_center_timeout_ms: Option<u64>,

    /// Milliseconds the sandbox adds to every API call.
    #[arg(long, env = "CLOUDMARKET_SANDBOX_LATENCY_MS", default_value_t = 0)]
    pub sandbox_latency_ms: u64,

    /// Share of sandbox API calls that fail (0.0 to 1.0), with a fault drawn from the kinds below.
    #[arg(long, env = "CLOUDMARKET_SANDBOX_FAULT_RATE", default_value_t = 0.0, value_parser = crate::sandbox::faults::parse_rate)]
    pub sandbox_fault_rate: f64,

    /// The faults to draw from, comma-separated: throttle (429 with Retry-After), error
    /// (503 before or 500 after the call's work), timeout (answer held past the connector's timeout).
    #[arg(long, env = "CLOUDMARKET_SANDBOX_FAULTS", value_delimiter = ',', default_value = "throttle,error,timeout")]
    pub sandbox_faults: Vec<crate::sandbox::faults::FaultKind>,

    /// The first retry delay of a failed background job, in milliseconds; it doubles per
    /// attempt (with jitter) up to the maximum below.
    #[arg(long, env = "CLOUDMARKET_JOB_RETRY_BASE_MS", default_value_t = 2000)]
    pub job_retry_base_ms: u64,

    /// Milliseconds a stopping process (SIGTERM) lets the jobs in hand run on before giving them
    /// back to the queue for another process. Keep it under the orchestrator's own grace period
    /// (Kubernetes: 30 s) so the release happens before a SIGKILL.
    #[arg(long, env = "CLOUDMARKET_SHUTDOWN_GRACE_MS", default_value_t = 20_000)]
    pub shutdown_grace_ms: u64,

    /// The longest delay between two attempts of a job, in milliseconds.
    #[arg(long, env = "CLOUDMARKET_JOB_RETRY_MAX_MS", default_value_t = 600_000)]
    pub job_retry_max_ms: u64,

    /// Longest prefix accepted for a new tenant's <prefix>.onmicrosoft.com (Microsoft: 27).
    #[arg(long, env = "CLOUDMARKET_TENANT_PREFIX_MAX", default_value_t = 27, value_parser = clap::value_parser!(u16).range(1..=63))]
    pub tenant_prefix_max: u16,

    /// Background workers in this process (0: jobs run only in separate `worker` processes).
    #[arg(long, env = "CLOUDMARKET_WORKERS", default_value_t = 2)]
    pub workers: usize,

    /// How long each provisioning step takes in the sandbox demo, in milliseconds (Microsoft
    /// takes about ten minutes in all; 100000 gives a realistic run).
    #[arg(long, env = "CLOUDMARKET_PROVISIONING_STEP_MS", default_value_t = 3000)]
    pub provisioning_step_ms: u64,

    /// Mail server the outbox is delivered to, e.g. `smtp://127.0.0.1:2525`,
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.
    /// Without it mail stays pending and is read in Back office → Outbox.
    #[arg(long, env = "CLOUDMARKET_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of the product's mail.
    #[arg(long, env = "CLOUDMARKET_MAIL_FROM", default_value = "cloudmarket <no-reply@cloudmarket.example>")]
    pub mail_from: String,

    /// Wait before the first retry of a mail the mail server did not take, in milliseconds;
    /// doubles with each further attempt.
    #[arg(long, env = "CLOUDMARKET_MAIL_RETRY_BASE_MS", default_value_t = 2000)]
    pub mail_retry_base_ms: u64,

    /// Days a finished (succeeded or dead) job is kept before the daily retention run deletes
    /// it; a job whose order is still open is kept regardless.
    #[arg(long, env = "CLOUDMARKET_JOB_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub job_retention_days: u32,

    /// Days a sent mail stays in the outbox (pending and failed mail is kept).
    #[arg(long, env = "CLOUDMARKET_MAIL_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub mail_retention_days: u32,

    /// Days a sign-in attempt is kept (never less than the sign-in window above).
    #[arg(long, env = "CLOUDMARKET_LOGIN_ATTEMPT_RETENTION_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..))]
    pub login_attempt_retention_days: u32,

    /// 64 hexadecimal digits (`openssl rand -hex 32`) that seal the secrets waiting in the
    /// database: new tenants' one-time admin passwords and sign-in links in the outbox. Required
    /// unless the demo is on (which has a built-in, public one); keep it across restarts, or
    /// mail still waiting with a secret cannot be sent.
    #[arg(long, env = "CLOUDMARKET_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    // Webhooks (issue #17).
    /// Accept webhook endpoints on private, loopback and link-local addresses, and plain
    /// `http://`, for tests and demos with a receiver on this machine. Off unless set here or
    /// CLOUDMARKET_DEMO is on: otherwise a partner could make the server call its own network.
    #[arg(long = "webhooks-allow-private", env = "CLOUDMARKET_WEBHOOKS_ALLOW_PRIVATE", value_parser = BoolishValueParser::new(), action = clap::ArgAction::Set)]
    pub webhooks_allow_private_setting: Option<bool>,

    /// Whether private webhook endpoints are allowed: [`Self::webhooks_allow_private_setting`],
    /// else [`Self::demo`] (set by [`Config::resolved`]).
    #[arg(skip)]
    pub webhooks_allow_private: bool,

    /// Seconds a webhook endpoint has to answer a delivery before the attempt counts as failed.
    #[arg(long, env = "CLOUDMARKET_WEBHOOK_TIMEOUT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub webhook_timeout_secs: u64,

    /// The first retry delay of a failed webhook delivery, in milliseconds; it doubles per
    /// attempt (with jitter) up to six hours, so the 16 attempts span about a day.
    #[arg(long, env = "CLOUDMARKET_WEBHOOK_RETRY_BASE_MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_retry_base_ms: u64,

    /// Workers of this process that deliver webhooks, apart from the product's (so a long
    /// provisioning run never holds a delivery back). None when CLOUDMARKET_WORKERS is 0.
    #[arg(long, env = "CLOUDMARKET_WEBHOOK_WORKERS", default_value_t = 4)]
    pub webhook_workers: usize,
    // Invoicing (issue #21): TCMB's rate feed and the e-Fatura integrator.
    /// TCMB's exchange-rate feed: the directory holding `today.xml` and the dated archive
    /// (`YYYYMM/DDMMYYYY.xml`). Default: the sandbox's stand-in when the sandbox is on, else
    /// https://www.tcmb.gov.tr/kurlar.
    #[arg(long, env = "CLOUDMARKET_TCMB_URL")]
    pub tcmb_url: Option<String>,

    /// The e-Fatura integrator's API base URL. Default: the sandbox integrator when the sandbox is
    /// on; without either, invoices are issued and archived but stay drafts.
    #[arg(long, env = "CLOUDMARKET_INTEGRATOR_URL")]
    pub integrator_url: Option<String>,

    /// The integrator account's username.
    #[arg(long, env = "CLOUDMARKET_INTEGRATOR_USERNAME", default_value = "cloudmarket")]
    pub integrator_username: String,

    /// The integrator account's password (never logged or shown).
    #[arg(long, env = "CLOUDMARKET_INTEGRATOR_PASSWORD", hide_env_values = true)]
    pub integrator_password: Option<app::secrets::Concealed>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Log as JSON lines (for log collectors) instead of human-readable text.
    #[arg(long, env = "CLOUDMARKET_LOG_JSON", value_parser = BoolishValueParser::new())]
    pub log_json: bool,
}

#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// Run background workers only, no web server; any number of these share one database.
    Worker,
    /// A throwaway PostgreSQL for tests and tools, started by the same code as the server's
    /// embedded one.
    #[command(subcommand)]
    Pg(PgCommand),
}

#[derive(Clone, Debug, Subcommand)]
pub enum PgCommand {
    /// Start (initialising on first use) a cluster kept in DIR, on the first free TCP port from
    /// 55432 of 127.0.0.1, with durability off; prints its URL
    /// (`postgres://postgres@127.0.0.1:PORT/postgres`) alone on stdout.
    Start { dir: PathBuf },
    /// Stop the cluster kept in DIR (before deleting DIR: a deleted live cluster keeps its port).
    Stop { dir: PathBuf },
}

impl Config {
    /// The configuration from the process's arguments and environment.
    pub fn from_env() -> Self {
        Self::parse().resolved()
    }

    /// Settings that follow from others: the sandbox comes with the demo unless set itself.
    pub fn resolved(mut self) -> Self {
        self.sandbox = self.sandbox_setting.unwrap_or(self.demo);
        self.webhooks_allow_private = self.webhooks_allow_private_setting.unwrap_or(self.demo);
        self
    }

    /// How this process delivers webhooks.
    pub fn webhook_delivery(&self) -> app::webhooks::ssr::DeliverySettings {
        app::webhooks::ssr::DeliverySettings {
            allow_private: self.webhooks_allow_private,
            timeout: Duration::from_secs(self.webhook_timeout_secs),
            retry_base: Duration::from_millis(self.webhook_retry_base_ms),
            ..app::webhooks::ssr::DeliverySettings::default()
        }
    }

    /// Refuses combinations that are unsafe on a real deployment, naming the setting to change.
    /// `site_addr` is where the server listens.
    pub fn refuse_unsafe(&self, site_addr: std::net::SocketAddr) -> anyhow::Result<()> {
        if self.sandbox
            && let Some(url) = &self.partner_center_url
            && !is_loopback_url(url)
        {
            anyhow::bail!(
                "the Partner Center sandbox is on (CLOUDMARKET_DEMO or CLOUDMARKET_SANDBOX) while \
                 CLOUDMARKET_PARTNER_CENTER_URL points at {url}: its test clock would move a real \
                 marketplace's time. Turn the sandbox off (CLOUDMARKET_SANDBOX=0, and unset CLOUDMARKET_DEMO) \
                 or unset CLOUDMARKET_PARTNER_CENTER_URL"
            );
        }
        if let Some(url) = self.partner_center_url.as_deref().filter(|url| !is_loopback_url(url)) {
            let missing = self.missing_credentials();
            if !missing.is_empty() {
                anyhow::bail!(
                    "CLOUDMARKET_PARTNER_CENTER_URL points at {url}, and Partner Center takes no call without                      the marketplace's Entra ID app: set {}",
                    missing.join(", ")
                );
            }
        }
        if self.sandbox
            && let Some(url) = &self.integrator_url
            && !is_loopback_url(url)
        {
            anyhow::bail!(
                "the sandbox is on (CLOUDMARKET_DEMO or CLOUDMARKET_SANDBOX) while CLOUDMARKET_INTEGRATOR_URL points at \
                 {url}: demo invoices would reach GİB. Turn the sandbox off or unset CLOUDMARKET_INTEGRATOR_URL"
            );
        }
        let https = self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"));
        if !site_addr.ip().is_loopback() && !https && !self.allow_plain_http {
            anyhow::bail!(
                "listening on {site_addr}, reachable from other machines, while the public URL is {}: \
                 sign-in cookies and passwords would cross the network unencrypted. Set \
                 CLOUDMARKET_PUBLIC_URL to the https:// address users reach (behind a TLS proxy), \
                 listen on 127.0.0.1 (LEPTOS_SITE_ADDR), or set CLOUDMARKET_ALLOW_PLAIN_HTTP=1 to start anyway",
                self.public_url.as_deref().unwrap_or("not set (CLOUDMARKET_PUBLIC_URL)")
            );
        }
        Ok(())
    }

    /// Settings some features need that are missing, each with what it costs: reported at
    /// start, never a reason to refuse one.
    pub fn missing_settings(&self) -> Vec<MissingSetting> {
        let mut missing = Vec::new();
        if self.smtp_url.is_none() {
            missing.push(MissingSetting::MailServer);
        }
        if !self.sandbox && self.partner_center_url.is_none() {
            missing.push(MissingSetting::PartnerCenter);
        }
        if !self.sandbox && self.integrator_url.is_none() {
            missing.push(MissingSetting::Integrator);
        }
        missing
    }

    /// TCMB's feed: the configured one, or this server's stand-in (see [`Self::partner_center_url`]).
    pub fn tcmb_url(&self, site_addr: std::net::SocketAddr) -> String {
        match (&self.tcmb_url, self.sandbox) {
            (Some(url), _) => url.trim_end_matches('/').to_owned(),
            (None, true) => format!("{}/tcmb", self.sandbox_base(site_addr)),
            (None, false) => "https://www.tcmb.gov.tr/kurlar".to_owned(),
        }
    }

    /// The integrator: the configured one, or this server's sandbox integrator; `None` when
    /// there is neither (invoices then wait as drafts).
    pub fn integrator(&self, site_addr: std::net::SocketAddr) -> anyhow::Result<app::gib::Integrator> {
        use app::gib::{Credentials, Integrator, RestIntegrator};
        let url = match (&self.integrator_url, self.sandbox) {
            (Some(url), _) => url.clone(),
            (None, true) => format!("{}/integrator", self.sandbox_base(site_addr)),
            // Nowhere to send to: a port nothing listens on, so the send jobs wait and retry (the
            // missing setting is reported) until one is configured.
            (None, false) => "http://127.0.0.1:9".to_owned(),
        };
        let credentials = Credentials {
            username: self.integrator_username.clone(),
            password: self.integrator_password.clone().unwrap_or_else(|| app::secrets::Concealed::new("")),
        };
        let connector = RestIntegrator::new(&url, credentials, self.partner_center_timeout())
            .map_err(|e| anyhow::anyhow!("building the integrator client: {e}"))?;
        Ok(Integrator::new(connector))
    }

    /// Invoicing's outside services: TCMB's feed and the integrator (see [`Invoicing`]).
    pub fn invoicing(&self, site_addr: std::net::SocketAddr) -> anyhow::Result<Invoicing> {
        let tcmb = app::gib::TcmbFeed::new(&self.tcmb_url(site_addr), self.partner_center_timeout())
            .map_err(|e| anyhow::anyhow!("building the TCMB feed client: {e}"))?;
        Ok(Invoicing { tcmb, integrator: self.integrator(site_addr)? })
    }

    /// This server's own sandbox, reached over loopback.
    fn sandbox_base(&self, site_addr: std::net::SocketAddr) -> String {
        let host = if site_addr.ip().is_unspecified() {
            std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), site_addr.port())
        } else {
            site_addr
        };
        format!("http://{host}/sandbox")
    }

    pub fn partner_center_timeout(&self) -> Duration {
        match self.partner_center_timeout_ms {
            Some(ms) => Duration::from_millis(ms),
            None => Duration::from_secs(self.partner_center_timeout_secs),
        }
    }

    /// The sandbox's fault settings at start; a timeout fault holds its answer a second longer
    /// than this server's connector waits.
    pub fn sandbox_faults(&self) -> crate::sandbox::faults::Faults {
        let hold = self.partner_center_timeout() + Duration::from_secs(1);
        crate::sandbox::faults::Faults {
            rate: self.sandbox_fault_rate,
            latency_ms: self.sandbox_latency_ms,
            kinds: self.sandbox_faults.clone(),
            retry_after_secs: 1,
            hold_ms: u64::try_from(hold.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// How the workers of this process retry failed jobs.
    pub fn worker_settings(&self) -> WorkerSettings {
        WorkerSettings {
            backoff_base: Duration::from_millis(self.job_retry_base_ms),
            backoff_cap: Duration::from_millis(self.job_retry_max_ms.max(self.job_retry_base_ms)),
            shutdown_grace: Duration::from_millis(self.shutdown_grace_ms),
            ..WorkerSettings::default()
        }
    }

    /// How old history may get before the daily retention run deletes it.
    pub fn retention(&self) -> RetentionSettings {
        const DAY: Duration = Duration::from_secs(24 * 3600);
        let window = Duration::from_secs(u64::try_from(self.login_window_minutes.max(0)).unwrap_or(0) * 60);
        RetentionSettings {
            jobs: DAY * self.job_retention_days,
            mail: DAY * self.mail_retention_days,
            // Attempts inside the window are what refuses the next guess.
            login_attempts: (DAY * self.login_attempt_retention_days).max(window),
        }
    }

    /// The key secrets at rest are sealed with: `CLOUDMARKET_SECRET_KEY`, or with the demo on and
    /// no key set, the demo's public one. Without either the server does not start: a secret it
    /// could not seal would have to rest readable.
    pub fn secret_key(&self) -> anyhow::Result<app::secrets::SecretKey> {
        match self.secret_key.as_deref() {
            // The value is never repeated in the message.
            Some(hex) => app::secrets::SecretKey::from_hex(hex).map_err(|why| {
                anyhow::anyhow!("CLOUDMARKET_SECRET_KEY is not usable: {why}; `openssl rand -hex 32` makes one")
            }),
            None if self.demo => {
                tracing::warn!(
                    "CLOUDMARKET_SECRET_KEY is not set: the demo's public key seals secrets at rest; set one before real use"
                );
                app::secrets::SecretKey::from_hex(DEMO_SECRET_KEY).map_err(|why| anyhow::anyhow!("demo key: {why}"))
            }
            None => anyhow::bail!(
                "CLOUDMARKET_SECRET_KEY is not set: it seals new tenants' one-time passwords and sign-in links while they \
                 wait in the database. Set it to 64 hexadecimal digits (`openssl rand -hex 32`), the same in every server \
                 and worker process, or turn the demo on (CLOUDMARKET_DEMO=1)"
            ),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }

    /// `site_addr` stands in for the public URL when none is configured.
    pub fn settings(&self, site_addr: std::net::SocketAddr, secrets: app::secrets::SecretKey) -> app::state::Settings {
        let public_url = match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{site_addr}"),
        };
        let relationship_link_base = match &self.relationship_link {
            Some(link) => link.clone(),
            None => format!("{public_url}/sandbox/relationship"),
        };
        let o365_portal_base = match (&self.o365_portal_url, self.sandbox) {
            (Some(url), _) => url.clone(),
            (None, true) => format!("{public_url}/sandbox/portal"),
            (None, false) => "https://admin.microsoft.com".to_owned(),
        };
        // Microsoft's approval page for a GDAP relationship in the admin centre; the sandbox's own.
        let gdap_approval_base = if self.sandbox {
            format!("{public_url}/sandbox/gdap")
        } else {
            "https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships".to_owned()
        };
        // Microsoft's page of the agreement checkout attests to, or the sandbox's stand-in of it.
        let agreement_link_base = if self.sandbox {
            format!("{public_url}/sandbox/agreements/mca")
        } else {
            "https://www.microsoft.com/licensing/docs/customeragreement".to_owned()
        };
        app::state::Settings {
            agreement_link_base,
            relationship_link_base,
            o365_portal_base,
            gdap_approval_base,
            tenant_prefix_max: usize::from(self.tenant_prefix_max),
            public_url,
            login_max_failures: self.login_max_failures,
            login_window_minutes: self.login_window_minutes,
            secure_cookies: self.secure_cookies(),
            applications_per_email_per_day: i64::from(self.applications_per_email_per_day),
            secrets,
            missing: self.missing_settings(),
            webhooks_allow_private: self.webhooks_allow_private,
        }
    }

    /// The sizes of this process's abuse limits (`app::limits`).
    pub fn limits(&self) -> app::limits::LimitSettings {
        app::limits::LimitSettings {
            sign_in_per_ip_per_minute: self.sign_in_per_ip_per_minute,
            password_hashes_at_once: self.password_hashes_at_once,
            applications_per_ip_per_day: self.applications_per_ip_per_day,
            application_uploads_at_once: self.application_uploads_at_once,
            live_streams_per_session: self.live_streams_per_session,
            api_calls_per_minute: self.api_requests_per_minute,
        }
    }

    /// The credential variables not set (the App+User refresh token may be missing: the calls
    /// that need it are then refused, each saying so).
    fn missing_credentials(&self) -> Vec<&'static str> {
        [
            (self.partner_center_tenant.is_none(), "CLOUDMARKET_PARTNER_CENTER_TENANT"),
            (self.partner_center_app_id.is_none(), "CLOUDMARKET_PARTNER_CENTER_APP_ID"),
            (self.partner_center_app_secret.is_none(), "CLOUDMARKET_PARTNER_CENTER_APP_SECRET"),
        ]
        .into_iter()
        .filter_map(|(missing, name)| missing.then_some(name))
        .collect()
    }

    /// Who the connector is to Entra ID: the configured app, or, for a sandbox (this server's or
    /// one on this machine) without one configured, the sandbox's own registration.
    pub fn partner_center_credentials(
        &self,
        site_addr: std::net::SocketAddr,
    ) -> app::partner_center::auth::Credentials {
        let url = self.partner_center_url(site_addr);
        let sandbox = app::partner_center::auth::Credentials::sandbox(&url);
        match (&self.partner_center_tenant, &self.partner_center_app_id, &self.partner_center_app_secret) {
            (Some(tenant), Some(app_id), Some(secret)) => app::partner_center::auth::Credentials {
                authority: self.entra_authority.clone().unwrap_or_else(|| {
                    if is_loopback_url(&url) { sandbox.authority.clone() } else { MICROSOFT_AUTHORITY.to_owned() }
                }),
                tenant: tenant.clone(),
                app_id: app_id.clone(),
                app_secret: secret.clone(),
                refresh_token: self.partner_center_refresh_token.clone(),
            },
            // The sandbox's app; a refresh token set alone is used with it (the sandbox's
            // consent without MFA is how 900421 is tried).
            _ => app::partner_center::auth::Credentials {
                authority: self.entra_authority.clone().unwrap_or(sandbox.authority.clone()),
                refresh_token: self.partner_center_refresh_token.clone().or(sandbox.refresh_token.clone()),
                ..sandbox
            },
        }
    }

    /// The Partner Center base URL: the configured one, or this server's own sandbox reached
    /// over loopback (a wildcard bind address is not a place to connect to).
    pub fn partner_center_url(&self, site_addr: std::net::SocketAddr) -> String {
        match &self.partner_center_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let host = if site_addr.ip().is_unspecified() {
                    std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), site_addr.port())
                } else {
                    site_addr
                };
                format!("http://{host}/sandbox")
            }
        }
    }
}

/// Whether a URL's host is this machine (a stand-in Partner Center for tests, not Microsoft).
fn is_loopback_url(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// How the job workers of a process take, hold and retry jobs (see `worker`). Here rather than
/// in `worker` so that the configuration builds it without depending on what it configures.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// How long a job stays this worker's without a heartbeat.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs without a notification.
    pub poll_interval: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// How long a stopping process lets a job in hand run on; then the job is given back to the
    /// queue (its lease released) for another process, instead of waiting for the lease to expire.
    pub shutdown_grace: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(5),
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(600),
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// Invoicing's outside services (issue #21): TCMB's rate feed and the e-Fatura integrator, real or
/// the sandbox's, as the web server and a worker process both use them. Here, like
/// [`WorkerSettings`], so the configuration builds it without depending on its users.
#[derive(Clone)]
pub struct Invoicing {
    pub tcmb: app::gib::TcmbFeed,
    pub integrator: app::gib::Integrator,
}

/// How old each kind of history may get before the daily retention run (`retention`) deletes
/// it. Here, like [`WorkerSettings`], so the configuration builds it without depending on its user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionSettings {
    pub jobs: Duration,
    pub mail: Duration,
    pub login_attempts: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Config {
        Config::try_parse_from(std::iter::once("server").chain(args.iter().copied())).unwrap().resolved()
    }

    #[test]
    fn the_sandbox_is_off_unless_the_demo_or_its_own_setting_turns_it_on() {
        assert!(!parsed(&[]).sandbox);
        assert!(parsed(&["--demo"]).sandbox);
        assert!(parsed(&["--sandbox", "true"]).sandbox);
        assert!(!parsed(&["--demo", "--sandbox", "false"]).sandbox);
    }

    #[test]
    fn a_real_partner_center_needs_the_app_and_its_secret_is_never_shown() {
        let site: std::net::SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let refusal = parsed(&["--partner-center-url", "https://api.partnercenter.microsoft.com"])
            .refuse_unsafe(site)
            .unwrap_err()
            .to_string();
        for variable in [
            "CLOUDMARKET_PARTNER_CENTER_TENANT",
            "CLOUDMARKET_PARTNER_CENTER_APP_ID",
            "CLOUDMARKET_PARTNER_CENTER_APP_SECRET",
        ] {
            assert!(refusal.contains(variable), "{refusal}");
        }

        let real = parsed(&[
            "--partner-center-url",
            "https://api.partnercenter.microsoft.com",
            "--partner-center-tenant",
            "distributor.onmicrosoft.com",
            "--partner-center-app-id",
            "11111111-2222-4333-8444-555555555555",
            "--partner-center-app-secret",
            "the-app-secret",
            "--partner-center-refresh-token",
            "the-refresh-token",
        ]);
        let credentials = real.partner_center_credentials(site);
        assert_eq!(credentials.authority, "https://login.microsoftonline.com");
        assert_eq!(credentials.tenant, "distributor.onmicrosoft.com");
        for shown in [format!("{real:?}"), format!("{credentials:?}")] {
            assert!(!shown.contains("the-app-secret") && !shown.contains("the-refresh-token"), "{shown}");
        }

        // The demo's own sandbox: its app, its token endpoint.
        let demo = parsed(&["--demo"]).partner_center_credentials(site);
        assert_eq!(demo.authority, "http://127.0.0.1:3000/sandbox/entra");
        assert_eq!(demo.app_id, app::partner_center::auth::sandbox::APP_ID);
    }

    #[test]
    fn unsafe_combinations_are_refused_naming_the_setting() {
        let loopback: std::net::SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let everywhere: std::net::SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let real = parsed(&["--demo", "--partner-center-url", "https://api.partnercenter.microsoft.com"]);
        let refusal = real.refuse_unsafe(loopback).unwrap_err().to_string();
        assert!(
            refusal.contains("CLOUDMARKET_SANDBOX") && refusal.contains("CLOUDMARKET_PARTNER_CENTER_URL"),
            "{refusal}"
        );
        // A stand-in Partner Center on this machine is a test, not Microsoft.
        assert!(parsed(&["--demo", "--partner-center-url", "http://127.0.0.1:9/pc"]).refuse_unsafe(loopback).is_ok());
        assert!(
            parsed(&[
                "--partner-center-url",
                "https://api.partnercenter.microsoft.com",
                "--partner-center-tenant",
                "distributor.onmicrosoft.com",
                "--partner-center-app-id",
                "app",
                "--partner-center-app-secret",
                "secret",
            ])
            .refuse_unsafe(loopback)
            .is_ok()
        );

        let refusal = parsed(&[]).refuse_unsafe(everywhere).unwrap_err().to_string();
        assert!(
            refusal.contains("CLOUDMARKET_PUBLIC_URL") && refusal.contains("CLOUDMARKET_ALLOW_PLAIN_HTTP"),
            "{refusal}"
        );
        assert!(parsed(&["--public-url", "http://market.example"]).refuse_unsafe(everywhere).is_err());
        assert!(parsed(&["--public-url", "https://market.example"]).refuse_unsafe(everywhere).is_ok());
        assert!(parsed(&["--allow-plain-http"]).refuse_unsafe(everywhere).is_ok());
        assert!(parsed(&[]).refuse_unsafe(loopback).is_ok());
    }

    #[test]
    fn missing_mail_and_partner_center_are_reported_not_refused() {
        let missing = parsed(&[]).missing_settings();
        assert_eq!(missing, [MissingSetting::MailServer, MissingSetting::PartnerCenter, MissingSetting::Integrator]);
        assert!(missing[0].consequence().contains(missing[0].variable()));
        assert_eq!(parsed(&["--demo", "--smtp-url", "smtp://127.0.0.1:2525"]).missing_settings(), []);
    }

    #[test]
    fn private_webhook_endpoints_come_with_the_demo_or_their_own_setting() {
        assert!(!parsed(&[]).webhooks_allow_private);
        assert!(parsed(&["--demo"]).webhooks_allow_private);
        assert!(parsed(&["--webhooks-allow-private", "true"]).webhooks_allow_private);
        assert!(!parsed(&["--demo", "--webhooks-allow-private", "false"]).webhooks_allow_private);
        let delivery = parsed(&["--webhook-retry-base-ms", "20"]).webhook_delivery();
        assert_eq!(delivery.retry_base, Duration::from_millis(20));
        assert_eq!(delivery.timeout, Duration::from_secs(15));
        assert!(!delivery.allow_private);
    }

    #[test]
    fn demo_is_off_unless_asked_for() {
        // CLOUDMARKET_DEMO=1 (how `make run` asks) is covered by the browser tests' server.
        assert!(Config::try_parse_from(["server", "--demo"]).unwrap().demo);
        assert!(!Config::try_parse_from(["server"]).unwrap().demo);
    }

    #[test]
    fn the_sandbox_is_reached_over_loopback_by_default() {
        let config = Config::try_parse_from(["server"]).unwrap();
        assert_eq!(config.partner_center_url("0.0.0.0:3000".parse().unwrap()), "http://127.0.0.1:3000/sandbox");
        assert_eq!(config.partner_center_url("127.0.0.1:4000".parse().unwrap()), "http://127.0.0.1:4000/sandbox");
        let config =
            Config::try_parse_from(["server", "--partner-center-url", "https://api.partnercenter.example/"]).unwrap();
        assert_eq!(config.partner_center_url("0.0.0.0:3000".parse().unwrap()), "https://api.partnercenter.example");
    }

    #[test]
    fn sandbox_faults_are_off_by_default_and_their_rate_is_a_share() {
        let config = Config::try_parse_from(["server"]).unwrap();
        let faults = config.sandbox_faults();
        assert_eq!(faults.rate, 0.0);
        assert_eq!(faults.latency_ms, 0);
        assert_eq!(faults.kinds, crate::sandbox::faults::all_kinds());
        assert_eq!(config.worker_settings().backoff_base, Duration::from_secs(2));
        let config = Config::try_parse_from([
            "server",
            "--sandbox-fault-rate",
            "0.25",
            "--sandbox-faults",
            "throttle,timeout",
            "--partner-center-timeout-ms",
            "300",
        ])
        .unwrap();
        assert_eq!(config.sandbox_fault_rate, 0.25);
        assert_eq!(config.sandbox_faults().kinds.len(), 2);
        assert_eq!(config.sandbox_faults().hold_ms, 1300);
        assert!(Config::try_parse_from(["server", "--sandbox-fault-rate", "1.5"]).is_err());
        assert!(Config::try_parse_from(["server", "--sandbox-faults", "meteor"]).is_err());
    }

    #[test]
    fn retention_defaults_and_the_sign_in_window_floor() {
        let day = Duration::from_secs(24 * 3600);
        let config = Config::try_parse_from(["server"]).unwrap();
        let retention = config.retention();
        assert_eq!((retention.jobs, retention.mail, retention.login_attempts), (day * 30, day * 30, day * 7));
        let config = Config::try_parse_from([
            "server",
            "--login-attempt-retention-days",
            "1",
            "--login-window-minutes",
            "2880",
            "--job-retention-days",
            "3",
        ])
        .unwrap();
        assert_eq!(config.retention().login_attempts, day * 2, "never shorter than the sign-in window");
        assert_eq!(config.retention().jobs, day * 3);
        assert!(Config::try_parse_from(["server", "--mail-retention-days", "0"]).is_err());
    }

    #[test]
    fn secrets_need_a_key_unless_the_demo_is_on() {
        let mut config = Config::try_parse_from(["server"]).unwrap();
        // The machine's environment must not decide what "unset" means here.
        config.secret_key = None;
        let refused = config.secret_key().unwrap_err().to_string();
        assert!(refused.contains("CLOUDMARKET_SECRET_KEY is not set"), "{refused}");
        config.demo = true;
        assert!(config.secret_key().is_ok(), "the demo has its own key");
        config.secret_key = Some("0123".into());
        let bad = config.secret_key().unwrap_err().to_string();
        assert!(bad.contains("not usable") && !bad.contains("0123"), "{bad}");
        config.secret_key = Some("ab".repeat(32));
        config.demo = false;
        assert!(config.secret_key().is_ok());
    }

    #[test]
    fn secure_cookies_follow_an_https_public_url() {
        let mut config = Config::try_parse_from(["server"]).unwrap();
        assert!(!config.secure_cookies());
        config.public_url = Some("https://market.example".into());
        assert!(config.secure_cookies());
    }
}
