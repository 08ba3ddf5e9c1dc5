//! Plain form posts that are refused keep what the user typed (see `app::forms`).
//!
//! * [`remember_refused`] sits in front of the server functions: when a form posted without
//!   JavaScript is answered with the framework's redirect back to the form carrying the error
//!   (`__err`), the posted fields (less secrets) are kept in the session.
//! * [`hand_to_page`] sits in front of the pages: the form page that redirect lands on takes them
//!   out of the session (they are shown once) and into the request, where the render reads them.

use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{Method, header},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

use app::forms::{RefusedForm, SESSION_KEY};

/// Larger plain form posts are passed on untouched: nothing typed by hand is that long.
const MAX_REMEMBERED_BODY: usize = 256 * 1024;

fn is_plain_form_post(request: &Request) -> bool {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && app::error::ssr::accepts_html(request.headers())
        && content_type.starts_with("application/x-www-form-urlencoded")
}

fn declared_length(request: &Request) -> Option<usize> {
    request.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

fn redirects_with_error(response: &Response) -> bool {
    response.status().is_redirection()
        && response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .is_some_and(|location| location.contains("__err="))
}

pub async fn remember_refused(session: Session, request: Request, next: Next) -> Response {
    if !is_plain_form_post(&request) || declared_length(&request).is_none_or(|len| len > MAX_REMEMBERED_BODY) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_REMEMBERED_BODY).await {
        Ok(bytes) => bytes,
        // The client stopped sending or lied about the length: what arrived cannot be answered.
        Err(_) => return Response::builder().status(400).body(Body::empty()).unwrap_or_default(),
    };
    let response = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
    if redirects_with_error(&response) {
        let form = RefusedForm::from_fields(form_urlencoded::parse(&bytes).into_owned());
        if let Err(err) = session.insert(SESSION_KEY, form).await {
            // The refusal still reaches the user; only the typed values are lost.
            tracing::warn!(error = %err, "could not keep a refused form's values");
        }
    }
    response
}

pub async fn hand_to_page(session: Session, mut request: Request, next: Next) -> Response {
    let refused_page = request.method() == Method::GET
        && !request.uri().path().starts_with("/api/")
        && request.uri().query().is_some_and(|q| q.contains("__err="));
    if refused_page {
        match session.remove::<RefusedForm>(SESSION_KEY).await {
            Ok(Some(form)) => {
                request.extensions_mut().insert(form);
            }
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, "could not read a refused form's values"),
        }
    }
    next.run(request).await
}
