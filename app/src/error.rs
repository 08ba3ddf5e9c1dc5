//! The application error that crosses the wire from server functions to the browser.
//!
//! Each variant says what the user can do about it. Server-side failures (database, I/O) become
//! `Internal` with a generic message: the detail is logged with the request's span, never sent.

use serde::{Deserialize, Serialize};
use server_fn::{ServerFnError, codec::JsonEncoding, error::FromServerFnError};

/// A message tied to one form field, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// 401: no session, or it expired.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// 403: signed in, but this role may not do this.
    #[error("Your account does not have access to this.")]
    Forbidden,
    /// 404: the thing does not exist or belongs to someone else (never say which).
    #[error("{0} was not found.")]
    NotFound(String),
    /// 422: input that fails validation, with a message per field.
    #[error("{}", .0.first().map(|e| e.message.as_str()).unwrap_or("Please check the form."))]
    Invalid(Vec<FieldError>),
    /// 409: the request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 429: too many attempts.
    #[error("{0}")]
    TooManyRequests(String),
    /// 500: logged on the server with its detail; the user sees only this.
    #[error("Something went wrong on our side. Please try again; if it keeps happening, contact support.")]
    Internal,
    /// The request never reached the server or its answer could not be read (browser side).
    #[error("The server could not be reached. Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    /// The message for one field, if this error carries one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
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
            Self::Transport(_) => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        match value {
            // Arguments that do not even parse are the client's fault, not ours.
            E::Args(msg) | E::MissingArg(msg) => Self::invalid("form", format!("The form was incomplete: {msg}")),
            // On the server, what fails to deserialize is the request: a malformed id, say.
            #[cfg(feature = "ssr")]
            E::Deserialization(msg) => Self::invalid("form", format!("The form could not be read: {msg}")),
            #[cfg(not(feature = "ssr"))]
            E::Deserialization(msg) => Self::Transport(msg),
            E::Request(msg) | E::Serialization(msg) => Self::Transport(msg),
            _ => Self::Internal,
        }
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
            tracing::error!(error = %err, at = %at, "database error");
            Self::Internal
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
        let err = AppError::invalid("email", "Enter your e-mail address.");
        assert_eq!(err.field_message("email").as_deref(), Some("Enter your e-mail address."));
        assert_eq!(err.field_message("password"), None);
        assert_eq!(err.to_string(), "Enter your e-mail address.");
        assert_eq!(err.status_code(), 422);
    }

    #[test]
    fn internal_error_never_carries_detail() {
        assert!(!AppError::Internal.to_string().contains("sqlx"));
        assert_eq!(AppError::Internal.status_code(), 500);
    }

    #[test]
    fn errors_round_trip_through_json() {
        let err = AppError::TooManyRequests("Try again in 15 minutes.".into());
        let json = serde_json::to_string(&err).expect("serialise");
        let back: AppError = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, err);
    }
}
