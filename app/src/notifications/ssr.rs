//! The e-mail outbox. Mail is written here in the transaction that causes it; the job engine
//! delivers it: with delivery on (a process with a mail server configured has started, see
//! [`enable_delivery`]), every row inserted into `email_outbox`, by [`send`],
//! [`send_to_partner`] or checkout's single statement alike, gets its [`DeliverMail`] job from
//! the table's insert trigger, in the same transaction. The job's handler (`server::mailer`)
//! sends it and keeps the row's status, attempts and last error truthful for the outbox page.
//!
//! A mail with a secret (a set-password link, a tenant's one-time password) is queued by
//! [`send_secret`]: its body keeps a slot, the secret rests only sealed beside it, is opened by
//! the delivery job alone and wiped once sent ([`mark_sent`]). [`latest`] never shows it, but for
//! the demo's one exception (see `OutboxMail`).

use serde::{Deserialize, Serialize};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::{Mail, MailSecretKind, OutboxMail, OutboxStatus, SECRET_SLOT, SecretMail};
use crate::{i18n::Locale, jobs::Job, secrets::SecretKey};

/// Delivers one outbox mail. Its rows are written by the outbox's insert trigger (in SQL, so
/// that no insert path can forget it), with the kind and attempts [`enable_delivery`] stored
/// from this type, and the payload `{"outbox_id": …}` this type reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverMail {
    pub outbox_id: Uuid,
}

impl Job for DeliverMail {
    const KIND: &'static str = "deliver_mail";
    /// With a 2 s first retry and a 1 h cap, about four hours of retries: long enough to ride
    /// out a mail server's maintenance window before a mail is given up as `failed`.
    const MAX_ATTEMPTS: i32 = 15;

    /// One job per mail, however often it is queued (the trigger and [`enable_delivery`]'s
    /// catch-up may both try).
    fn dedup_key(&self) -> Option<String> {
        Some(self.outbox_id.to_string())
    }
}

/// Turns delivery on for this database: from now on every mail queued gets its delivery job,
/// and every pending mail queued before (while no process could send mail) gets one now.
/// Called by each process with a mail server configured, as it starts its mail worker.
///
/// The `share` lock waits for transactions that are inserting mail to commit, and holds new
/// inserts back until this commits: a mail is then either committed before the catch-up sees
/// it, or inserted after its trigger can see delivery is on. Nothing is lost in between.
pub async fn enable_delivery(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!("lock table email_outbox in share mode").execute(&mut *tx).await?;
    sqlx::query!(
        "insert into mail_delivery (job_kind, max_attempts) values ($1, $2)
         on conflict (singleton) do update set job_kind = excluded.job_kind, max_attempts = excluded.max_attempts",
        DeliverMail::KIND,
        DeliverMail::MAX_ATTEMPTS
    )
    .execute(&mut *tx)
    .await?;
    // The same rows as the trigger writes (see the migration that added it).
    let caught_up = sqlx::query!(
        "insert into job (job_id, kind, payload, max_attempts, dedup_key)
         select gen_random_uuid(), $1, jsonb_build_object('outbox_id', outbox_id), $2, outbox_id::text
         from email_outbox where status = 'pending'
         on conflict (kind, dedup_key) do nothing",
        DeliverMail::KIND,
        DeliverMail::MAX_ATTEMPTS
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(caught_up)
}

/// A mail as its `email_outbox` row (the columns a caller sets; the rest are the table's
/// defaults). For statements that queue mail among other rows (checkout's `place_order`), read
/// as `jsonb_populate_recordset(null::email_outbox, $n)`; [`enqueue`] writes the same columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxRow {
    pub outbox_id: Uuid,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
}

impl OutboxRow {
    /// The row of a mail to a recipient whose language the caller read with the rest of its row.
    pub fn new(recipient: &str, language: Locale, mail: &Mail) -> Self {
        let text = mail.text(language);
        Self {
            outbox_id: Uuid::new_v4(),
            recipient: recipient.to_owned(),
            subject: text.subject.clone(),
            body_text: text.body.clone(),
        }
    }
}

/// Queues a mail. Call it with the transaction of the change that causes the mail.
#[tracing::instrument(name = "outbox.enqueue", skip(db, body_text))]
pub async fn enqueue(
    db: impl PgExecutor<'_>,
    recipient: &str,
    subject: &str,
    body_text: &str,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into email_outbox (outbox_id, recipient, subject, body_text) values ($1, $2, $3, $4)",
        id,
        recipient,
        subject,
        body_text
    )
    .execute(db)
    .await?;
    Ok(id)
}

/// Queues `mail` to `recipient`, in the caller's transaction, in the recipient's language.
#[tracing::instrument(name = "outbox.send", skip(db, mail))]
pub async fn send(db: impl PgExecutor<'_>, recipient: &str, mail: &Mail) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into email_outbox (outbox_id, recipient, subject, body_text)
         select $1, $2, case when l = 'tr' then $5 else $3 end, case when l = 'tr' then $6 else $4 end
         from recipient_language($2) as l",
        id,
        recipient,
        mail.en.subject,
        mail.en.body,
        mail.tr.subject,
        mail.tr.body
    )
    .execute(db)
    .await?;
    Ok(id)
}

/// Queues a mail with a secret, in the caller's transaction: the body with its slot, the secret
/// sealed for this row only. The mail job opens it to deliver and then wipes it.
#[tracing::instrument(name = "outbox.send_secret", skip(db, key, mail), fields(kind = ?mail.kind))]
pub async fn send_secret(
    db: impl PgExecutor<'_>,
    key: &SecretKey,
    recipient: &str,
    mail: &SecretMail,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    let sealed = key.seal(&mail.secret, id.as_bytes());
    sqlx::query!(
        "insert into email_outbox (outbox_id, recipient, subject, body_text, secret_kind, secret)
         select $1, $2, case when l = 'tr' then $7 else $3 end, case when l = 'tr' then $8 else $4 end, $5, $6
         from recipient_language($2) as l",
        id,
        recipient,
        mail.text.en.subject,
        mail.text.en.body,
        mail.kind as MailSecretKind,
        sealed,
        mail.text.tr.subject,
        mail.text.tr.body
    )
    .execute(db)
    .await?;
    Ok(id)
}

/// Queues `mail` to every admin of a partner, each in their language.
#[tracing::instrument(name = "outbox.send_to_partner", skip(db, mail))]
pub async fn send_to_partner(db: impl PgExecutor<'_>, partner_id: Uuid, mail: &Mail) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into email_outbox (outbox_id, recipient, subject, body_text)
         select gen_random_uuid(), email,
                case when language = 'tr' then $4 else $2 end, case when language = 'tr' then $5 else $3 end
         from app_user where organisation_id = $1 and role = 'partner_admin'",
        partner_id,
        mail.en.subject,
        mail.en.body,
        mail.tr.subject,
        mail.tr.body
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Queues `mail` to every credit controller (an order waiting for their decision), each in their
/// language.
pub async fn send_to_credit_control(db: impl PgExecutor<'_>, mail: &Mail) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into email_outbox (outbox_id, recipient, subject, body_text)
         select gen_random_uuid(), email,
                case when language = 'tr' then $3 else $1 end, case when language = 'tr' then $4 else $2 end
         from app_user where role = 'credit_control'",
        mail.en.subject,
        mail.en.body,
        mail.tr.subject,
        mail.tr.body
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Who reads the outbox: what `latest` shows depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxReader {
    /// Subjects, recipients and delivery state; no bodies.
    Operations,
    /// Bodies too, secrets left out, but for the demo's one exception (see [`OutboxMail`]).
    CreditControl,
}

#[tracing::instrument(name = "outbox.latest", skip(db, key))]
pub async fn latest(
    db: impl PgExecutor<'_>,
    key: &SecretKey,
    reader: OutboxReader,
    limit: i64,
) -> Result<Vec<OutboxMail>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select outbox_id, recipient, subject, body_text, status as "status: OutboxStatus", attempts, last_error,
                  created_at, secret_kind as "secret_kind: MailSecretKind", secret,
                  exists(select 1 from mail_delivery) as "delivery_on!"
           from email_outbox order by created_at desc limit $1"#,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let readable = reader == OutboxReader::CreditControl;
            // Nothing else can bring the link to the new partner: no mail server will send it.
            let undeliverable_link = readable
                && !r.delivery_on
                && r.status == OutboxStatus::Pending
                && r.secret_kind == Some(MailSecretKind::SetPasswordLink);
            let revealed_secret =
                r.secret.filter(|_| undeliverable_link).and_then(|sealed| key.open(&sealed, r.outbox_id.as_bytes()));
            OutboxMail {
                recipient: r.recipient,
                subject: r.subject,
                body_text: readable.then_some(r.body_text),
                secret_kind: r.secret_kind,
                revealed_secret,
                status: r.status,
                attempts: r.attempts,
                last_error: r.last_error,
                created_at: r.created_at,
            }
        })
        .collect())
}

/// A mail its delivery job is to send.
#[derive(Clone)]
pub struct MailToSend {
    pub outbox_id: Uuid,
    pub recipient: String,
    pub subject: String,
    body_text: String,
    secret_kind: Option<MailSecretKind>,
    secret: Option<Vec<u8>>,
}

/// Leaves the body out: it may be about to carry a secret.
impl std::fmt::Debug for MailToSend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailToSend")
            .field("outbox_id", &self.outbox_id)
            .field("recipient", &self.recipient)
            .field("subject", &self.subject)
            .field("secret_kind", &self.secret_kind)
            .finish_non_exhaustive()
    }
}

impl MailToSend {
    /// The body as the recipient reads it, its secret opened into the slot; an error (without the
    /// secret) when the secret cannot be opened: another `CLOUDMARKET_SECRET_KEY` sealed it, or
    /// it is gone.
    pub fn body(&self, key: &SecretKey) -> Result<String, String> {
        match (self.secret_kind, &self.secret) {
            (None, _) => Ok(self.body_text.clone()),
            (Some(_), Some(sealed)) => key
                .open(sealed, self.outbox_id.as_bytes())
                .map(|secret| self.body_text.replace(SECRET_SLOT, &secret))
                .ok_or_else(|| "the mail's secret does not open with this server's CLOUDMARKET_SECRET_KEY".to_owned()),
            (Some(_), None) => Err("the mail's secret is no longer kept".to_owned()),
        }
    }
}

/// The mail, unless it is already sent (a job that ran again after sending, or one retried by
/// hand) or gone (deleted by retention): then there is nothing to do. A failed mail is sent
/// again: its job was put back in the queue by operations. The row is locked for the caller's
/// transaction, which the mail job holds open while the mail server takes the mail.
#[tracing::instrument(name = "outbox.to_send", skip(db))]
pub async fn to_send(db: impl PgExecutor<'_>, outbox_id: Uuid) -> Result<Option<MailToSend>, sqlx::Error> {
    sqlx::query_as!(
        MailToSend,
        r#"select outbox_id, recipient, subject, body_text, secret_kind as "secret_kind: MailSecretKind", secret
           from email_outbox where outbox_id = $1 and status <> 'sent'
           for update"#,
        outbox_id
    )
    .fetch_optional(db)
    .await
}

/// Records the mail as delivered and answers how long it waited in the outbox (for operators'
/// delivery latency), or `None` when it was already recorded as sent.
#[tracing::instrument(name = "outbox.mark_sent", skip(db))]
pub async fn mark_sent(db: impl PgExecutor<'_>, outbox_id: Uuid) -> Result<Option<std::time::Duration>, sqlx::Error> {
    let waited_ms = sqlx::query_scalar!(
        // Delivered, its secret is wiped: the recipient has it now, and nobody else ever may.
        r#"update email_outbox set status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = null, secret = null
         where outbox_id = $1 and status <> 'sent'
         returning (extract(epoch from sent_at - created_at) * 1000)::bigint as "waited_ms!""#,
        outbox_id
    )
    .fetch_optional(db)
    .await?;
    Ok(waited_ms.map(|ms| std::time::Duration::from_millis(ms.max(0).unsigned_abs())))
}

/// Records a failed attempt: the mail stays `Pending` (its job retries it), or, when `given_up`
/// (the error cannot pass on a retry, or this was the job's last attempt), becomes `Failed` with
/// its error for staff to see.
#[tracing::instrument(name = "outbox.mark_attempt_failed", skip(db, error))]
pub async fn mark_attempt_failed(
    db: impl PgExecutor<'_>,
    outbox_id: Uuid,
    error: &str,
    given_up: bool,
) -> Result<Option<OutboxStatus>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"update email_outbox
           set attempts = attempts + 1,
               last_error = $2,
               status = case when $3 then 'failed'::outbox_status else 'pending'::outbox_status end
           where outbox_id = $1 and status <> 'sent'
           returning status as "status: OutboxStatus""#,
        outbox_id,
        error,
        given_up
    )
    .fetch_optional(db)
    .await
}
