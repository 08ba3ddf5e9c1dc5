use std::time::Duration;

use sqlx::PgExecutor;
use uuid::Uuid;

use super::{OutboxMail, OutboxStatus};

/// The channel the outbox's insert trigger notifies on (see the outbox delivery migration).
pub const NOTIFY_CHANNEL: &str = "mail_queued";

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

/// Queues a mail to every admin of a partner.
#[tracing::instrument(name = "outbox.enqueue_to_partner", skip(db, body_text))]
pub async fn enqueue_to_partner(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    subject: &str,
    body_text: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into email_outbox (outbox_id, recipient, subject, body_text)
         select gen_random_uuid(), email, $2, $3 from app_user where organisation_id = $1 and role = 'partner_admin'",
        partner_id,
        subject,
        body_text
    )
    .execute(db)
    .await?;
    Ok(())
}

#[tracing::instrument(name = "outbox.latest", skip(db))]
pub async fn latest(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<OutboxMail>, sqlx::Error> {
    sqlx::query_as!(
        OutboxMail,
        r#"select recipient, subject, body_text, status as "status: OutboxStatus", attempts, last_error, created_at
           from email_outbox order by created_at desc limit $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// A pending mail a sender has taken.
#[derive(Clone, Debug)]
pub struct DueMail {
    pub outbox_id: Uuid,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    /// Attempts before this one.
    pub attempts: i32,
}

/// Takes up to `limit` due pending mails for this sender. `SKIP LOCKED` lets several server
/// processes share the outbox; pushing `next_attempt_at` out by `lease` keeps the mails this
/// sender's while it talks to the mail server without holding a transaction open, and hands them
/// to another sender if this process dies mid-send.
#[tracing::instrument(name = "outbox.claim_due", skip(db))]
pub async fn claim_due(db: impl PgExecutor<'_>, limit: i64, lease: Duration) -> Result<Vec<DueMail>, sqlx::Error> {
    sqlx::query_as!(
        DueMail,
        r#"with due as (
               select outbox_id from email_outbox
               where status = 'pending' and next_attempt_at <= now()
               order by next_attempt_at
               limit $1
               for update skip locked
           )
           update email_outbox o set next_attempt_at = now() + make_interval(secs => $2)
           from due where o.outbox_id = due.outbox_id
           returning o.outbox_id, o.recipient, o.subject, o.body_text, o.attempts"#,
        limit,
        lease.as_secs_f64()
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(name = "outbox.mark_sent", skip(db))]
pub async fn mark_sent(db: impl PgExecutor<'_>, outbox_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update email_outbox set status = 'sent', attempts = attempts + 1, sent_at = now()
         where outbox_id = $1 and status = 'pending'",
        outbox_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records a failed attempt: the mail is tried again after `retry_after`, or, with `retry_after`
/// `None` or the attempts used up, stays `Failed` with its error for staff to see.
#[tracing::instrument(name = "outbox.mark_attempt_failed", skip(db, error))]
pub async fn mark_attempt_failed(
    db: impl PgExecutor<'_>,
    outbox_id: Uuid,
    error: &str,
    retry_after: Option<Duration>,
    max_attempts: i32,
) -> Result<Option<OutboxStatus>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"update email_outbox
           set attempts = attempts + 1,
               last_error = $2,
               status = case when $3::float8 is null or attempts + 1 >= $4
                             then 'failed'::outbox_status else 'pending'::outbox_status end,
               next_attempt_at = now() + make_interval(secs => coalesce($3, 0))
           where outbox_id = $1 and status = 'pending'
           returning status as "status: OutboxStatus""#,
        outbox_id,
        error,
        retry_after.map(|d| d.as_secs_f64()),
        max_attempts
    )
    .fetch_optional(db)
    .await
}

/// Hands mails a sender took but will not try now (it is stopping) back to the others at once
/// instead of after their lease.
pub async fn release(db: impl PgExecutor<'_>, outbox_ids: &[Uuid]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update email_outbox set next_attempt_at = now() where outbox_id = any($1) and status = 'pending'",
        outbox_ids
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Seconds until the next pending mail comes due (0 if one is due), by the database's clock so
/// that servers with skewed clocks agree; `None` with nothing pending.
pub async fn seconds_until_next_due(db: impl PgExecutor<'_>) -> Result<Option<f64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select greatest(extract(epoch from min(next_attempt_at) - now()), 0)::float8
           from email_outbox where status = 'pending'"#
    )
    .fetch_one(db)
    .await
}
