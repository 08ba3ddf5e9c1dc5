//! The onboarding feature's plain HTTP routes (server only): the multipart application form,
//! which is not a server function, and the application documents for credit control and for
//! the applicant's secret link. `server/src/startup.rs` merges them.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};

use super::{SUBMIT_PATH, ssr};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            SUBMIT_PATH,
            // Six documents of up to 10 MB each, plus the text fields.
            post(ssr::submit_handler).layer(DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route("/backoffice/documents/{document_id}", get(ssr::staff_document_handler))
        .route("/applications/{token}/documents/{document_id}", get(ssr::applicant_document_handler))
}
