//! Delivers the e-mail outbox over SMTP. Mail is queued in the transaction that causes it (see
//! `app::notifications`); a sender in every server and worker process takes due mail in small
//! batches, so any number of processes share the outbox and a mail server that is down only
//! delays mail: a failed attempt is retried with backoff and kept, with its error, as `failed`
//! once the attempts are used up.
//!
//! Mail bodies carry one-time passwords: only the outbox id, recipient and subject are logged.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use app::notifications::{
    OutboxStatus,
    ssr::{self as outbox, DueMail},
};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use sqlx::PgPool;
use tokio::sync::{Notify, watch};

use crate::config::Config;

/// With the default 2 s base and the 1 h cap this is about four hours of retries, long enough to
/// ride out a mail server's maintenance window before a mail is given up as `failed`.
const MAX_ATTEMPTS: i32 = 15;
const RETRY_CAP: Duration = Duration::from_secs(3600);
/// A mail server that accepts the connection and then says nothing must not stall the outbox.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
const BATCH: i64 = 10;

#[derive(Clone)]
pub struct MailSettings {
    pub transport: AsyncSmtpTransport<Tokio1Executor>,
    pub from: Mailbox,
    pub retry_base: Duration,
    pub retry_cap: Duration,
    pub max_attempts: i32,
    /// Mails taken at a time.
    pub batch: i64,
    /// How long taken mails stay this sender's: longer than a batch can take to send.
    pub lease: Duration,
    /// How often an idle sender looks for due mail without a notification.
    pub poll_interval: Duration,
}

impl MailSettings {
    /// The delivery settings, or `None` when no mail server is configured: then mail stays
    /// pending and is read in the back office's outbox.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Self>> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .with_context(|| format!("CLOUDMARKET_MAIL_FROM is not a mail address: {:?}", config.mail_from))?;
        let Some(url) = config.smtp_url.as_deref() else {
            tracing::info!(
                "SMTP is not configured (CLOUDMARKET_SMTP_URL): mail stays pending; read it in Back office → Outbox"
            );
            return Ok(None);
        };
        // The URL may carry a password, so it is not repeated in the error.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("CLOUDMARKET_SMTP_URL is not a usable smtp:// or smtps:// URL")?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        tracing::info!(from = %from, "mail is delivered over SMTP");
        Ok(Some(Self {
            transport,
            from,
            retry_base: Duration::from_millis(config.mail_retry_base_ms),
            retry_cap: RETRY_CAP,
            max_attempts: MAX_ATTEMPTS,
            batch: BATCH,
            lease: SMTP_TIMEOUT.saturating_mul(u32::try_from(BATCH).unwrap_or(u32::MAX)) * 3,
            poll_interval: Duration::from_secs(5),
        }))
    }
}

/// The sender of one process and the listener that wakes it, stopped together.
pub struct Mailer {
    stop: watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Mailer {
    pub fn start(pool: PgPool, settings: MailSettings) -> Self {
        let (stop, stopped) = watch::channel(false);
        let wake = Arc::new(Notify::new());
        let handles = vec![
            tokio::spawn(crate::worker::listen(pool.clone(), outbox::NOTIFY_CHANNEL, wake.clone(), stopped.clone())),
            tokio::spawn(run(pool, settings, wake, stopped)),
        ];
        Self { stop, handles }
    }

    /// Lets the mail in hand finish; mail taken but not yet tried goes back to the outbox.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for handle in self.handles {
            let _ = handle.await;
        }
    }
}

async fn run(pool: PgPool, settings: MailSettings, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        // Registered before looking, so a notification between the look and the wait is kept.
        let woken = wake.notified();
        let pause = match deliver_due(&pool, &settings, &shutdown).await {
            // A full batch: more may be due.
            Ok(taken) if taken >= settings.batch => continue,
            Ok(_) => match outbox::seconds_until_next_due(&pool).await {
                // A retry coming due before the next poll is tried on time.
                Ok(Some(seconds)) => {
                    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::ZERO).min(settings.poll_interval)
                }
                Ok(None) => settings.poll_interval,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot look at the outbox");
                    settings.poll_interval
                }
            },
            Err(err) => {
                tracing::error!(error = %err, "cannot take mail from the outbox");
                settings.poll_interval
            }
        };
        tokio::select! {
            () = woken => {},
            () = tokio::time::sleep(pause) => {},
            _ = shutdown.changed() => {},
        }
    }
}

/// Sends the due mails of one batch; returns how many were taken.
async fn deliver_due(
    pool: &PgPool,
    settings: &MailSettings,
    shutdown: &watch::Receiver<bool>,
) -> Result<i64, sqlx::Error> {
    let mails = outbox::claim_due(pool, settings.batch, settings.lease).await?;
    let taken = i64::try_from(mails.len()).unwrap_or(i64::MAX);
    for (n, mail) in mails.iter().enumerate() {
        if *shutdown.borrow() {
            let rest: Vec<_> = mails[n..].iter().map(|m| m.outbox_id).collect();
            outbox::release(pool, &rest).await?;
            break;
        }
        deliver(pool, settings, mail).await;
    }
    Ok(taken)
}

#[tracing::instrument(name = "mail", skip_all, fields(outbox_id = %mail.outbox_id, recipient = %mail.recipient, subject = %mail.subject, attempt = mail.attempts + 1))]
async fn deliver(pool: &PgPool, settings: &MailSettings, mail: &DueMail) {
    let (error, retry_after) = match message(&settings.from, mail) {
        // An address that does not parse will not parse on a retry either.
        Err(reason) => (reason, None),
        Ok(message) => match settings.transport.send(message).await {
            Ok(_) => {
                match outbox::mark_sent(pool, mail.outbox_id).await {
                    Ok(()) => tracing::info!("mail sent"),
                    // It went out; recording that failed, so it may go out once more after the lease.
                    Err(err) => tracing::error!(error = %err, "mail sent but not recorded as sent"),
                }
                return;
            }
            Err(err) => {
                let delay =
                    app::jobs::backoff(mail.attempts + 1, settings.retry_base, settings.retry_cap, rand::random());
                (err.to_string(), Some(delay))
            }
        },
    };
    match outbox::mark_attempt_failed(pool, mail.outbox_id, &error, retry_after, settings.max_attempts).await {
        Ok(Some(OutboxStatus::Failed)) => tracing::error!(%error, "mail not sent; given up"),
        Ok(_) => tracing::warn!(%error, retry_in = ?retry_after, "mail not sent; retried later"),
        Err(err) => tracing::error!(%error, record_error = %err, "mail not sent, and that was not recorded"),
    }
}

fn message(from: &Mailbox, mail: &DueMail) -> Result<Message, String> {
    let to: Mailbox = mail.recipient.parse().map_err(|e| format!("invalid recipient address: {e}"))?;
    Message::builder()
        // Stable across retries, so a mail that goes out twice (sent, then not recorded) is one
        // message to the recipient's mail system.
        .message_id(Some(format!("<{}@{}>", mail.outbox_id, from.email.domain())))
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body_text.clone())
        .map_err(|e| format!("cannot build the message: {e}"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn settings(args: &[&str]) -> anyhow::Result<Option<MailSettings>> {
        let mut config = Config::try_parse_from(std::iter::once("server").chain(args.iter().copied()))?;
        if !args.contains(&"--smtp-url") {
            // The machine's environment must not decide what "unset" means here.
            config.smtp_url = None;
        }
        MailSettings::from_config(&config)
    }

    #[test]
    fn without_a_smtp_url_nothing_is_delivered() {
        assert!(settings(&[]).unwrap().is_none());
    }

    #[test]
    fn smtp_starttls_and_smtps_urls_are_accepted() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://user:secret@mail.example:587?tls=required",
            "smtps://user:secret@mail.example:465",
        ] {
            assert!(settings(&["--smtp-url", url]).unwrap().is_some(), "{url}");
        }
    }

    #[test]
    fn bad_mail_settings_stop_the_start() {
        assert!(settings(&["--smtp-url", "http://mail.example"]).is_err());
        let err = settings(&["--smtp-url", "smtp://h", "--mail-from", "not an address"]).err().unwrap();
        assert!(err.to_string().contains("CLOUDMARKET_MAIL_FROM"));
    }
}
