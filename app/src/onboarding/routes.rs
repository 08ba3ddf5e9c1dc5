//! The onboarding feature's plain HTTP routes (server only): the multipart application form,
//! which is not a server function (its handler is `ssr::submit_handler`), and the application
//! documents for credit control and for the applicant's secret link. `server/src/startup.rs`
//! merges them.

use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use uuid::Uuid;

use super::{
    SUBMIT_PATH,
    ssr::{self, StoredDocument},
};
use crate::{
    auth::{
        Permission,
        ssr::{SignInRejection, SignedIn},
    },
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            SUBMIT_PATH,
            // Six documents of up to 10 MB each, plus the text fields.
            post(ssr::submit_handler).layer(DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route("/backoffice/documents/{document_id}", get(staff_document))
        .route("/applications/{token}/documents/{document_id}", get(applicant_document))
}

#[derive(serde::Deserialize)]
struct DownloadQuery {
    #[serde(default)]
    download: bool,
}

/// `GET /backoffice/documents/{id}`: credit control only.
async fn staff_document(
    State(state): State<AppState>,
    signed_in: Result<SignedIn, SignInRejection>,
    Path(document_id): Path<Uuid>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    match signed_in {
        Ok(SignedIn(user)) if Permission::ControlCredit.allows(user.role) => {}
        Ok(_) => {
            return (StatusCode::FORBIDDEN, "Only credit control can open application documents.").into_response();
        }
        Err(SignInRejection::SignedOut) => return Redirect::to("/login").into_response(),
        Err(failed) => return failed.into_response(),
    }
    serve(ssr::document(&state.pool, document_id).await, query.download)
}

/// `GET /applications/{token}/documents/{id}`: the applicant, through its secret link.
async fn applicant_document(
    State(state): State<AppState>,
    Path((token, document_id)): Path<(String, Uuid)>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    serve(ssr::applicant_document(&state.pool, &token, document_id).await, query.download)
}

fn serve(document: Result<Option<StoredDocument>, sqlx::Error>, download: bool) -> Response {
    match document {
        Ok(Some(document)) => document_response(document, download),
        Ok(None) => (StatusCode::NOT_FOUND, "This document does not exist or is not yours to see.").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "reading a document");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.").into_response()
        }
    }
}

fn document_response(document: StoredDocument, download: bool) -> Response {
    let disposition = format!(
        "{}; filename=\"{}\"",
        if download { "attachment" } else { "inline" },
        document.file_name.replace(|c: char| !c.is_ascii() || c.is_ascii_control(), "_")
    );
    let mut response = (StatusCode::OK, Body::from(document.content)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&document.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}
