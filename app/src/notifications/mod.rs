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

/// A mail written in both languages: the outbox picks the recipient's (see
/// `recipient_language` in the migrations) when it queues it, so a caller never needs to know
/// who reads which.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub en: MailText,
    pub tr: MailText,
}

impl Mail {
    /// The template, written in each language.
    pub fn written(template: impl Fn(crate::i18n::Locale) -> MailText) -> Self {
        Self { en: template(crate::i18n::Locale::En), tr: template(crate::i18n::Locale::Tr) }
    }

    pub fn text(&self, locale: crate::i18n::Locale) -> &MailText {
        match locale {
            crate::i18n::Locale::En => &self.en,
            crate::i18n::Locale::Tr => &self.tr,
        }
    }
}

/// A mail's words in one language, as a template writes them: each feature's `mails.rs` has pure
/// functions returning these (unit-tested without a database), and `ssr::send` queues one, as a
/// [`Mail`] in both languages, to a recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub body: String,
}

impl MailText {
    pub fn new(subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self { subject: subject.into(), body: body.into() }
    }

    /// For the templates' tests: this Turkish mail is written (not empty, not the English one)
    /// and still says every value it was given.
    #[cfg(test)]
    pub fn assert_translates(&self, english: &MailText, values: &[&str]) {
        assert!(!self.subject.trim().is_empty() && !self.body.trim().is_empty(), "{self:?}");
        assert_ne!(self.subject, english.subject);
        assert_ne!(self.body, english.body);
        for value in values {
            assert!(self.body.contains(value), "{value} missing: {}", self.body);
        }
    }
}

/// Where a mail's secret goes in its body. A template writes this slot; the outbox keeps the body
/// with it, and the secret beside it only sealed, until the mail is delivered.
pub const SECRET_SLOT: &str = "⟦secret⟧";

/// What secret a mail carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "mail_secret_kind", rename_all = "snake_case"))]
pub enum MailSecretKind {
    /// A new partner admin's single-use link to set its password.
    SetPasswordLink,
    /// A new tenant's one-time admin password (shown to the partner once by "View Password").
    AdminPassword,
}

/// A mail with a secret in its [`SECRET_SLOT`]: queued by `ssr::send_secret`, never by `send`.
/// Its `Debug` leaves the secret out, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretMail {
    pub text: Mail,
    pub kind: MailSecretKind,
    pub secret: String,
}

impl std::fmt::Debug for SecretMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretMail").field("text", &self.text).field("kind", &self.kind).finish_non_exhaustive()
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

/// A mail as the back office lists it. Operations see who it went to, its subject and how its
/// delivery stands; credit control also reads the body, with any secret left out — except an
/// undelivered set-password link while no mail server is configured (demos and tests: the link
/// cannot reach the new partner any other way).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    pub recipient: String,
    pub subject: String,
    /// With the secret's [`SECRET_SLOT`] still in it; `None` for a reader who sees no bodies.
    pub body_text: Option<String>,
    /// What secret the mail carries (or carried, before delivery wiped it).
    pub secret_kind: Option<MailSecretKind>,
    /// The secret for the slot, in the one case above.
    pub revealed_secret: Option<String>,
    pub status: OutboxStatus,
    /// Delivery attempts so far, and why the last one failed (mail is retried, then `Failed`).
    pub attempts: i32,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[server(prefix = "/api", endpoint = "outbox")]
pub async fn list_outbox() -> Result<Vec<OutboxMail>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Oversee).await?;
    let reader = if Permission::ControlCredit.allows(user.role) {
        ssr::OutboxReader::CreditControl
    } else {
        ssr::OutboxReader::Operations
    };
    Ok(ssr::latest(&state.pool, &state.settings.secrets, reader, 200).await?)
}
