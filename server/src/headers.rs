//! Security headers on every response. Pages rendered by Leptos set their own
//! Content-Security-Policy (with the render's nonce, see `app::app::page_csp`); everything else
//! (downloads, JSON, the event stream, static files, error pages) gets the fallback below, which
//! allows no scripts, plugins or framing at all.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use sha2::{Digest, Sha256};

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

/// A page is larger than this only by mistake; it is then sent without reading it here.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// A page whose render did not name its policy (seen once in the browser tests, under load, and
/// not understood yet) would get the fallback above, which blocks its own hydration script and
/// leaves the page inert. Such a page gets the page policy with the hashes of the inline scripts
/// it actually carries instead, which allows exactly those; the warning says which page it was.
/// Sits inside compression, so it reads the HTML as rendered.
pub async fn complete_page_csp(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || response.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let hashes = inline_script_hashes(&String::from_utf8_lossy(&bytes));
    if !hashes.is_empty() {
        tracing::warn!(
            path,
            scripts = hashes.len(),
            "a page was rendered without its CSP: allowing its inline scripts by hash"
        );
    }
    let sources = if hashes.is_empty() { "'none'".to_owned() } else { hashes.join(" ") };
    if let Ok(value) = HeaderValue::from_str(&app::app::page_csp_allowing(&sources)) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// `'sha256-…'` of the text of every inline `<script>` (one without `src`), as CSP hashes it.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else { break };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&after.as_bytes()[body_start..body_start + close]);
            hashes.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &after[body_start + close..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<head><script src="/pkg/x.js"></script><script type="module">import('/pkg/x.js')</script></head><body><script>a=1</script></body>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"a=1"));
        assert_eq!(hashes[1], format!("'sha256-{expected}'"));
    }
}
