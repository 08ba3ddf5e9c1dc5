//! Control characters never reach a server function. NUL and the other C0/C1 characters are
//! typed by nobody and stored by nothing (PostgreSQL refuses NUL in text, which used to surface
//! as a 500 from whichever query met it first). Checking each argument of each function would
//! leave the next new one unguarded; here every server-function call is read once, before it
//! runs, and a refused field is answered like any refusal of that field: 422 with the message
//! at the field for the hydrated page, or the framework's redirect back to the form (`__err`)
//! for a plain form post, which `form_echo` then fills in again.

use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::server_fn::error::{FromServerFnError, ServerFnUrlError};

use app::{domain::is_refused_control, error::AppError, i18n::Say};

/// Server-function bodies are small forms; larger ones are left to the framework's own limit.
const MAX_CHECKED_BODY: usize = 1024 * 1024;

/// The first field (name, or value) holding a refused character.
fn refused_field(pairs: form_urlencoded::Parse<'_>) -> Option<String> {
    pairs
        .into_iter()
        .find(|(name, value)| name.chars().chain(value.chars()).any(is_refused_control))
        .map(|(name, _)| name.chars().filter(|c| !is_refused_control(*c)).collect())
}

pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !path.starts_with("/api/") {
        return next.run(request).await;
    }
    if let Some(field) = request.uri().query().and_then(|q| refused_field(form_urlencoded::parse(q.as_bytes()))) {
        return refuse(&request, &path, &field);
    }
    let form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if request.method() != Method::POST || !form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_CHECKED_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let error = AppError::invalid("form", Say::FormTooLarge);
            return json_refusal(StatusCode::PAYLOAD_TOO_LARGE, &error);
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    match refused_field(form_urlencoded::parse(&bytes)) {
        Some(field) => refuse(&request, &path, &field),
        None => next.run(request).await,
    }
}

fn refuse(request: &Request, path: &str, field: &str) -> Response {
    tracing::info!(path, field, "refused a control character in a server function's argument");
    let error = AppError::invalid(field, Say::ControlCharacterRefused);
    // A browser posting the form by itself: back to the form with the error, as the framework
    // does for any refusal (the same `__path`/`__err` query).
    let referer = request.headers().get(header::REFERER).and_then(|v| v.to_str().ok());
    if app::error::ssr::accepts_html(request.headers())
        && let Some(referer) = referer
        && let Ok(url) = ServerFnUrlError::new(path, error.clone()).to_url(referer)
        && let Ok(location) = HeaderValue::from_str(url.as_str())
    {
        return (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
    }
    json_refusal(StatusCode::UNPROCESSABLE_ENTITY, &error)
}

fn json_refusal(status: StatusCode, error: &AppError) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], error.ser()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field_with_a_control_character() {
        assert_eq!(refused_field(form_urlencoded::parse(b"email=a%00b&password=x")), Some("email".into()));
        assert_eq!(refused_field(form_urlencoded::parse(b"sku=CFQ7%1B&quantity=1")), Some("sku".into()));
        assert_eq!(refused_field(form_urlencoded::parse(b"na%00me=x")), Some("name".into()));
        assert_eq!(refused_field(form_urlencoded::parse(b"address=Line+1%0D%0ALine+2%09x&x=%C3%BC")), None);
    }
}
