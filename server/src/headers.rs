//! Security headers on every response. Pages rendered by Leptos set their own
//! Content-Security-Policy (with the render's nonce, see `app::app::page_csp`); everything else
//! (downloads, JSON, the event stream, static files, error pages) gets the fallback below, which
//! allows no scripts, plugins or framing at all.

use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// For responses that are not pages: nothing runs, nothing frames them.
const FALLBACK_CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Whether browsers reach this server over https (its public URL says so): only then is HSTS
/// sent, since on plain http it would be ignored, and on a loopback demo it would be wrong.
#[derive(Clone, Copy, Debug)]
pub struct Https(pub bool);

pub async fn security(State(Https(https)): State<Https>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    // `frame-ancestors 'none'` in the CSP says the same to current browsers; this to older ones.
    headers.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("DENY"));
    headers.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(FALLBACK_CSP));
    if https {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}
