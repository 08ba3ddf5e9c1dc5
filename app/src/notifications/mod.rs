//! E-mail notifications. Mail is written to the outbox in the transaction that causes it; the
//! back office shows the outbox, which is also how demos and tests read mail without SMTP. With
//! SMTP configured, the server's sender delivers it (see `server::mailer`).

mod outbox_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use outbox_page::OutboxPage;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

/// A mail's words, as a template writes them: each feature's `mails.rs` has pure functions
/// returning these (unit-tested without a database), and `ssr::send` queues one to a recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub body: String,
}

impl MailText {
    pub fn new(subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self { subject: subject.into(), body: body.into() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "outbox_status", rename_all = "snake_case"))]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub status: OutboxStatus,
    /// Delivery attempts so far, and why the last one failed (mail is retried, then `Failed`).
    pub attempts: i32,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[server(prefix = "/api", endpoint = "outbox")]
pub async fn list_outbox() -> Result<Vec<OutboxMail>, AppError> {
    crate::error::ssr::respond(async {
        let (_, state) = crate::auth::ssr::caller(Permission::Oversee).await?;
        Ok(ssr::latest(&state.pool, 200).await?)
    })
    .await
}
