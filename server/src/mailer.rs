//! Delivers the e-mail outbox over SMTP, as `deliver_mail` jobs of the job engine. Mail is
//! queued in the transaction that causes it, with its job (see `app::notifications::ssr`); a
//! mail worker in every server and worker process with a mail server configured runs those
//! jobs, so a mail server that is down only delays mail: a failed attempt is retried with the
//! job engine's backoff and kept, with its error, as `failed` once the attempts are used up.
//!
//! A mail with a secret (a set-password link, a tenant's one-time password) has it sealed in its
//! outbox row; the job opens it into the body only to hand the message to the mail server, and
//! the row's secret is wiped once it is sent. Bodies are never logged: only the outbox id,
//! recipient and subject.

use std::time::Duration;

use anyhow::Context;
use app::{
    jobs::JobError,
    notifications::{
        OutboxStatus,
        ssr::{self as outbox, DeliverMail, MailToSend},
    },
};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};

use crate::{
    config::Config,
    worker::{JobContext, Registry},
};

/// Retries of a mail wait at most this long (the job's attempts are `DeliverMail::MAX_ATTEMPTS`).
const RETRY_CAP: Duration = Duration::from_secs(3600);
/// A mail server that accepts the connection and then says nothing must not hold a worker.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub struct MailSettings {
    pub transport: AsyncSmtpTransport<Tokio1Executor>,
    pub from: Mailbox,
    /// The first retry's delay; the job engine's backoff doubles it per attempt up to the cap.
    pub retry_base: Duration,
    pub retry_cap: Duration,
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
        }))
    }
}

/// The mail job's handler, added to `registry`; `secrets` opens the secrets mails carry.
pub fn register(registry: Registry, settings: MailSettings, secrets: app::secrets::SecretKey) -> Registry {
    registry.register::<DeliverMail, _, _>(move |job, ctx| {
        let settings = settings.clone();
        let secrets = secrets.clone();
        async move { deliver(&settings, &secrets, job, ctx).await }
    })
}

/// Sends one mail and records the outcome on its outbox row; the returned error tells the job
/// engine whether and when to try again.
#[tracing::instrument(name = "mail", skip_all, fields(outbox_id = %job.outbox_id, attempt = ctx.attempt))]
async fn deliver(
    settings: &MailSettings,
    secrets: &app::secrets::SecretKey,
    job: DeliverMail,
    ctx: JobContext,
) -> Result<(), JobError> {
    let pool = &ctx.pool;
    let retryable = |e: sqlx::Error| JobError::retryable(e.to_string());
    // The mail's row stays locked while the mail server takes the mail, and `sent` is written
    // before and committed the moment the server says yes. A second run of this job (its lease
    // taken over while this one stalled) waits for the lock and then finds the mail sent; a kill
    // can only send it twice if it falls in the commit's round trip.
    let mut tx = pool.begin().await.map_err(retryable)?;
    let Some(mail) = outbox::to_send(&mut *tx, job.outbox_id).await.map_err(retryable)? else {
        return Ok(());
    };
    let waited = outbox::mark_sent(&mut *tx, mail.outbox_id).await.map_err(retryable)?;
    let (error, retry_after) = match mail.body(secrets).and_then(|body| message(&settings.from, &mail, body)) {
        // An address that does not parse, or a secret that does not open, will not on a retry either.
        Err(reason) => (reason, None),
        Ok(message) => match settings.transport.send(message).await {
            Ok(_) => {
                let waited = match tx.commit().await {
                    Ok(()) => waited,
                    // It went out; the connection did not last (a database restart). Recorded on
                    // a new one once the database is back; failing that, the job runs again and it
                    // may go out once more (with the same Message-ID).
                    Err(err) => {
                        tracing::warn!(error = %err, "mail sent; recording it waits for the database");
                        record_sent(pool, mail.outbox_id)
                            .await
                            .map_err(|e| JobError::retryable(format!("mail sent but not recorded as sent: {e}")))?
                    }
                };
                if let Some(waited) = waited {
                    app::metering::mail_delivered(waited);
                }
                tracing::info!(recipient = %mail.recipient, subject = %mail.subject, "mail sent");
                return Ok(());
            }
            Err(err) => {
                let delay = app::jobs::backoff(ctx.attempt, settings.retry_base, settings.retry_cap, rand::random());
                (err.to_string(), Some(delay))
            }
        },
    };
    // Not sent: the `sent` written above is undone (and the row unlocked) before the failure is
    // recorded on another connection.
    let _ = tx.rollback().await;
    let given_up = retry_after.is_none() || ctx.attempt >= ctx.max_attempts;
    match outbox::mark_attempt_failed(pool, mail.outbox_id, &error, given_up).await {
        Ok(Some(OutboxStatus::Failed)) => {
            tracing::error!(recipient = %mail.recipient, subject = %mail.subject, %error, "mail not sent; given up")
        }
        Ok(_) => {
            tracing::warn!(recipient = %mail.recipient, %error, retry_in = ?retry_after, "mail not sent; retried later")
        }
        Err(err) => tracing::error!(%error, record_error = %err, "mail not sent, and that was not recorded"),
    }
    Err(match retry_after {
        Some(after) => JobError::Retryable { message: error, after: Some(after) },
        None => JobError::Fatal(error),
    })
}

/// How long a sent mail's record is retried while the database is unreachable.
const RECORD_PATIENCE: Duration = Duration::from_secs(30);

/// Records a mail the mail server took as sent. A database restarting at that moment would
/// otherwise fail the job, and its retry send the mail a second time: the record is tried
/// again for a while (a restart takes seconds) before that is left to happen.
async fn record_sent(pool: &sqlx::PgPool, outbox_id: uuid::Uuid) -> Result<Option<Duration>, sqlx::Error> {
    let give_up = std::time::Instant::now() + RECORD_PATIENCE;
    loop {
        match outbox::mark_sent(pool, outbox_id).await {
            Err(err) if app::error::ssr::is_outage(&err) && std::time::Instant::now() < give_up => {
                tracing::warn!(error = %err, "mail sent; recording it waits for the database");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            recorded => return recorded,
        }
    }
}

fn message(from: &Mailbox, mail: &MailToSend, body: String) -> Result<Message, String> {
    let to: Mailbox = mail.recipient.parse().map_err(|e| format!("invalid recipient address: {e}"))?;
    Message::builder()
        // Stable across retries, so a mail that goes out twice (sent, then not recorded) is one
        // message to the recipient's mail system.
        .message_id(Some(format!("<{}@{}>", mail.outbox_id, from.email.domain())))
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(body)
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
