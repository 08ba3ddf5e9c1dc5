//! The application error that crosses the wire from server functions to the browser.
//!
//! Each variant says what the user can do about it. Server-side failures (database, I/O) become
//! `Internal` with a generic message: the detail is logged with the request's span, never sent.

use serde::{Deserialize, Serialize};
use server_fn::{ServerFnError, codec::JsonEncoding, error::FromServerFnError};

use crate::i18n::{Locale, Say, Text};

/// A message tied to one form field, shown next to it. On the wire: `{"field", "key", "message",
/// "args"}`, the message rendered in the caller's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub message: Text,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<Text>) -> Self {
        Self { field: field.to_owned(), message: message.into() }
    }
}

/// Every message is a key with its arguments ([`Say`]), rendered in the reader's language when
/// shown; `Display` is English, for logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// 401: no session, or it expired.
    #[error("{}", Say::SignInToContinue)]
    Unauthenticated,
    /// 403: signed in, but this role may not do this.
    #[error("{}", Say::NoAccess)]
    Forbidden,
    /// 404: the thing does not exist or belongs to someone else (never say which).
    #[error("{0}")]
    NotFound(Text),
    /// 422: input that fails validation, with a message per field.
    #[error("{}", .0.first().map(|e| e.message.to_string()).unwrap_or_else(|| Say::CheckTheForm.to_string()))]
    Invalid(Vec<FieldError>),
    /// 409: the request conflicts with the current state.
    #[error("{0}")]
    Conflict(Text),
    /// 429: too many attempts.
    #[error("{0}")]
    TooManyRequests(Text),
    /// 500: logged on the server with its detail; the user sees only this.
    #[error("{}", Say::SomethingWentWrong)]
    Internal,
    /// The database did not answer (a restart, a failover): 503 with `Retry-After`, so clients
    /// and load balancers try again instead of taking it for a fault of ours.
    #[error("{}", Say::BrieflyUnavailable)]
    Unavailable,
    /// The request never reached the server or its answer could not be read (browser side). The
    /// detail is for the console; the user reads [`Say::ServerUnreachable`].
    #[error("{}", Say::ServerUnreachable)]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<Text>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn not_found(message: Say) -> Self {
        Self::NotFound(message.into())
    }

    pub fn conflict(message: Say) -> Self {
        Self::Conflict(message.into())
    }

    pub fn too_many(message: Say) -> Self {
        Self::TooManyRequests(message.into())
    }

    /// What the user reads, in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Self::Unauthenticated => Say::SignInToContinue.render(locale),
            Self::Forbidden => Say::NoAccess.render(locale),
            Self::NotFound(text) | Self::Conflict(text) | Self::TooManyRequests(text) => text.render(locale),
            Self::Invalid(errors) => match errors.first() {
                Some(error) => error.message.render(locale),
                None => Say::CheckTheForm.render(locale),
            },
            Self::Internal => Say::SomethingWentWrong.render(locale),
            Self::Unavailable => Say::BrieflyUnavailable.render(locale),
            Self::Transport(_) => Say::ServerUnreachable.render(locale),
        }
    }

    /// The message for one field, if this error carries one.
    pub fn field_text(&self, field: &str) -> Option<&Text> {
        match self {
            Self::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| &e.message),
            _ => None,
        }
    }

    /// The message for one field in the reader's language, if this error carries one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        self.field_text(field).map(|text| text.render(crate::i18n::current_locale()))
    }

    /// The HTTP status this error maps to.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound(_) => 404,
            Self::Invalid(_) => 422,
            Self::Conflict(_) => 409,
            Self::TooManyRequests(_) => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
            Self::Transport(_) => 502,
        }
    }
}

/// Refusals gathered from several checks, so that a request hears of every problem at once (the
/// partner API's `validate_only`, checkout's "Submit"), not of the first one only.
#[derive(Clone, Debug, Default)]
pub struct Refusals(Vec<FieldError>);

impl Refusals {
    /// The value of a check that passed, or `None` for one that refused fields (kept here). Any
    /// other error (not found, a conflict, a failure) ends the checking: it is the answer.
    pub fn check<T>(&mut self, result: Result<T, AppError>) -> Result<Option<T>, AppError> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(AppError::Invalid(errors)) => {
                self.0.extend(if errors.is_empty() {
                    vec![FieldError::new("form", Say::CheckTheForm)]
                } else {
                    errors
                });
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every refusal gathered, as one error; `Ok` when there was none.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() { Ok(()) } else { Err(AppError::Invalid(self.0)) }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        match value {
            // Arguments that do not even parse are the client's fault, not ours.
            #[cfg(feature = "ssr")]
            E::Args(detail) | E::MissingArg(detail) => {
                Self::invalid("form", Say::FormIncomplete { detail: clipped(detail) })
            }
            #[cfg(not(feature = "ssr"))]
            E::Args(_) | E::MissingArg(_) => Self::invalid("form", Say::CheckTheForm),
            // On the server, what fails to deserialize is the request: a malformed id, say.
            #[cfg(feature = "ssr")]
            E::Deserialization(detail) => Self::invalid("form", Say::FormUnreadable { detail: clipped(detail) }),
            #[cfg(not(feature = "ssr"))]
            E::Deserialization(msg) => Self::Transport(msg),
            E::Request(msg) | E::Serialization(msg) => Self::Transport(msg),
            _ => Self::Internal,
        }
    }
}

/// The parser's words about a refused argument, which quote what was sent: kept short, so a
/// megabyte posted in a field is not sent back (twice: in the message and its arguments).
#[cfg(feature = "ssr")]
fn clipped(detail: String) -> String {
    const SHOWN: usize = 200;
    match detail.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &detail[..at]),
        None => detail,
    }
}

impl From<ServerFnError> for AppError {
    fn from(value: ServerFnError) -> Self {
        match value {
            ServerFnError::Request(msg) | ServerFnError::Deserialization(msg) => Self::Transport(msg),
            _ => Self::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Server-side mapping of lower-layer errors into [`AppError`].
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        #[track_caller]
        fn from(err: sqlx::Error) -> Self {
            let at = std::panic::Location::caller();
            if is_outage(&err) {
                tracing::warn!(error = %err, at = %at, "database unreachable");
                return Self::Unavailable;
            }
            tracing::error!(error = %err, at = %at, "database error");
            Self::Internal
        }
    }

    /// Whether `err` says the database could not be reached or went away (restarting, failing
    /// over, out of connections), as opposed to a query it refused: the one is worth retrying
    /// in a moment, the other is a bug.
    pub fn is_outage(err: &sqlx::Error) -> bool {
        match err {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // SQLSTATE class 08 (connection exception) and 57P (the server shutting down,
            // crashed, or not accepting connections yet).
            sqlx::Error::Database(db) => {
                db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P"))
            }
            _ => false,
        }
    }

    /// Logs an unexpected failure with context and hides it from the client.
    #[track_caller]
    pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
        let at = std::panic::Location::caller();
        tracing::error!(error = %err, at = %at, "{context}");
        AppError::Internal
    }

    pub trait ResultExt<T> {
        /// Turns a violation of the named database constraint into a user-facing error.
        fn on_constraint(self, name: &str, map: impl FnOnce() -> AppError) -> Result<T, AppError>;
    }

    impl<T> ResultExt<T> for Result<T, sqlx::Error> {
        #[track_caller]
        fn on_constraint(self, name: &str, map: impl FnOnce() -> AppError) -> Result<T, AppError> {
            match self {
                Err(sqlx::Error::Database(db)) if db.constraint() == Some(name) => Err(map()),
                other => other.map_err(AppError::from),
            }
        }
    }

    /// True when the browser posted a form itself (JavaScript off or not loaded yet): it expects
    /// HTML back, so the answer must be a redirect rather than data.
    pub fn is_plain_form_post() -> bool {
        leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| accepts_html(&parts.headers))
    }

    /// The request asks for HTML back, as a browser posting a form by itself does.
    pub fn accepts_html(headers: &http::HeaderMap) -> bool {
        headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_error_reports_its_field_message() {
        let err = AppError::invalid("email", Say::EnterEmail);
        assert_eq!(err.field_message("email").as_deref(), Some("Enter your e-mail address."));
        assert_eq!(err.field_message("password"), None);
        assert_eq!(err.to_string(), "Enter your e-mail address.");
        assert_eq!(err.message(Locale::Tr), "E-posta adresinizi girin.");
        assert_eq!(err.status_code(), 422);
    }

    #[test]
    fn a_huge_refused_argument_is_not_echoed_back() {
        use server_fn::error::ServerFnErrorErr;
        let error =
            AppError::from_server_fn_error(ServerFnErrorErr::Args(format!("unknown `{}`", "x".repeat(100_000))));
        let body = serde_json::to_string(&error).expect("json");
        assert!(body.len() < 1_000, "{} bytes", body.len());
        assert_eq!(error.status_code(), 422);
    }

    #[test]
    fn a_field_error_is_flat_on_the_wire() {
        let json = serde_json::to_value(AppError::invalid("prefix", Say::PrefixTooLong { max: 27 })).expect("json");
        assert_eq!(json["Invalid"][0]["field"], "prefix");
        assert_eq!(json["Invalid"][0]["key"], "PrefixTooLong");
        assert_eq!(json["Invalid"][0]["message"], "The prefix can be at most 27 characters.");
    }

    #[test]
    fn an_unreachable_database_is_503_and_says_to_try_again() {
        assert_eq!(AppError::Unavailable.status_code(), 503);
        assert!(AppError::Unavailable.message(Locale::En).contains("try again"));
        #[cfg(feature = "ssr")]
        {
            assert!(ssr::is_outage(&sqlx::Error::PoolTimedOut));
            assert!(ssr::is_outage(&sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset))));
            assert!(!ssr::is_outage(&sqlx::Error::RowNotFound));
        }
    }

    #[test]
    fn refusals_gather_every_field_and_stop_at_anything_else() {
        let mut refusals = Refusals::default();
        assert_eq!(refusals.check(Ok::<_, AppError>(1)).unwrap(), Some(1));
        assert!(refusals.is_empty());
        assert_eq!(refusals.check(Err::<(), _>(AppError::invalid("a", Say::EnterEmail))).unwrap(), None);
        assert_eq!(refusals.check(Err::<(), _>(AppError::invalid("b", Say::EnterPhone))).unwrap(), None);
        assert!(refusals.check(Err::<(), _>(AppError::conflict(Say::CheckTheForm))).is_err());
        let error = refusals.finish().unwrap_err();
        assert!(error.field_text("a").is_some() && error.field_text("b").is_some());
        assert!(Refusals::default().finish().is_ok());
    }

    #[test]
    fn internal_error_never_carries_detail() {
        assert!(!AppError::Internal.to_string().contains("sqlx"));
        assert_eq!(AppError::Internal.status_code(), 500);
    }

    #[test]
    fn errors_round_trip_through_json() {
        let err = AppError::conflict(Say::CheckTheForm);
        let json = serde_json::to_string(&err).expect("serialise");
        let back: AppError = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back.status_code(), 409);
        assert_eq!(back.to_string(), err.to_string());
        assert!(matches!(back, AppError::Conflict(text) if text.is(&Say::CheckTheForm)));
    }
}
