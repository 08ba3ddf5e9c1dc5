use sqlx::PgExecutor;
use uuid::Uuid;

use super::{OutboxMail, OutboxStatus};

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

#[tracing::instrument(name = "outbox.latest", skip(db))]
pub async fn latest(db: impl PgExecutor<'_>, limit: i64) -> Result<Vec<OutboxMail>, sqlx::Error> {
    sqlx::query_as!(
        OutboxMail,
        r#"select recipient, subject, body_text, status as "status: OutboxStatus", created_at
           from email_outbox order by created_at desc limit $1"#,
        limit
    )
    .fetch_all(db)
    .await
}
