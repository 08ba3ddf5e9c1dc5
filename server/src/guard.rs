//! Request guards that sit in front of every page and server function.
//!
//! * `require_area`: a page inside the Control Panel, the customer portal or the back office is
//!   served only to a signed-in user of that area's role. The check runs on the server for the
//!   page itself; each server function checks the role again for its data.
//! * `same_origin`: state-changing requests must come from our own pages (CSRF protection by
//!   Origin, falling back to Referer), on top of the `SameSite=Lax` session cookie.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use app::{
    auth::{
        Area,
        ssr::{GuardedUser, acting_as, user_from_session},
    },
    i18n::{Locale, Msg},
    state::AppState,
};

pub async fn require_area(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    // Another spelling of a path goes to its plain one first, so the checks below always see
    // the path the router will serve.
    if let Some(normal) = normalised_path(request.uri().path()) {
        let query = request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
        return Redirect::permanent(&format!("{normal}{query}")).into_response();
    }
    let path = request.uri().path().to_owned();
    let area = Area::of_path(&path);
    let account_page = path == "/account" || path.starts_with("/account/");
    if area.is_none() && !account_page {
        return next.run(request).await;
    }

    let user = match user_from_session(&state.pool, &session).await {
        Ok(user) => user,
        // Already logged with context by the error conversion.
        Err(_) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.").into_response();
        }
    };
    let Some(user) = user else {
        let target = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
        let next_param: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next_param}")).into_response();
    };
    if user.must_change_password && path != "/account/password" {
        return Redirect::to("/account/password").into_response();
    }
    // A partner admin who opened a customer's portal may be in that portal too.
    let acting = match area {
        Some(Area::CustomerPortal) => acting_as(&state.pool, &session, &user).await.ok().flatten().is_some(),
        _ => false,
    };
    if let Some(area) = area
        && !area.admits(user.role, acting)
    {
        tracing::warn!(user_id = %user.user_id, role = ?user.role, path, "refused a page outside the user's area");
        return forbidden_page(locale(request.headers()), user.role.area().home());
    }
    // The page's server functions take the caller from here instead of loading it again.
    request.extensions_mut().insert(GuardedUser(user));
    next.run(request).await
}

/// The language a request's cookie asks for, for answers written outside the app's render.
pub fn locale(headers: &HeaderMap) -> Locale {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Locale::from_cookie_header)
        .unwrap_or_default()
}

/// A complete page, so a refused user still sees where to go rather than a bare status.
fn forbidden_page(locale: Locale, home: &str) -> Response {
    let html = format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>403 · cloudmarket</title><link rel="stylesheet" href="/pkg/cloudmarket.css"></head><body><main id="main" class="error-page"><h1>403</h1><p>{message}</p><p><a class="button primary" href="{home}">{back}</a></p></main></body></html>"#,
        lang = locale.code(),
        message = Msg::Forbidden.text(locale),
        back = Msg::GoToWorkspace.text(locale),
    );
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], Body::from(html)).into_response()
}

/// Origins we accept for state-changing requests: the `Host` the request was sent to, and the
/// configured public URL (behind a proxy the two can differ).
#[derive(Clone, Debug, Default)]
pub struct AllowedOrigins {
    pub public_origin: Option<String>,
}

pub async fn same_origin(State(allowed): State<AllowedOrigins>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    if is_same_origin(request.headers(), allowed.public_origin.as_deref()) {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), uri = %request.uri(), "refused a cross-origin request");
        (StatusCode::FORBIDDEN, "This request did not come from a cloudmarket page. Reload the page and try again.")
            .into_response()
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).map_or(url.len(), |i| url.len() - rest.len() + i);
    Some(&url[..end])
}

pub fn is_same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null")
        .or_else(|| headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(origin_of));
    let Some(claimed) = claimed else { return false };
    let public = public_origin.and_then(origin_of);
    if public.is_some_and(|public| public.eq_ignore_ascii_case(claimed)) {
        return true;
    }
    // The host the request was sent to, with the scheme people reach us by: the public URL's
    // when one is configured (a proxy in front terminates TLS), else plain http, the only one
    // this server speaks. A page served over http cannot post as https://same-host and back.
    let scheme = public.and_then(|p| p.split_once("://")).map_or("http", |(scheme, _)| scheme);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|host| claimed.eq_ignore_ascii_case(&format!("{scheme}://{host}")))
}

/// The path as the router will read it, when the request spelt it otherwise: `.` and `..`
/// segments resolved, repeated slashes folded, and percent-escapes of letters, digits and
/// `-._~` decoded (RFC 3986 calls them equivalent). The area guard matches on prefixes, so
/// `/./backoffice` or `/%62ackoffice` must not reach the pages by another spelling.
pub fn normalised_path(path: &str) -> Option<String> {
    let decoded = decode_unreserved(path);
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut normal = format!("/{}", segments.join("/"));
    let trailing = decoded.len() > 1 && decoded.ends_with('/') && !segments.is_empty();
    if trailing {
        normal.push('/');
    }
    (normal != path).then_some(normal)
}

fn decode_unreserved(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = path.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
            && (byte.is_ascii_alphanumeric() || b"-._~".contains(&byte))
        {
            out.push(byte as char);
            i += 3;
            continue;
        }
        // Not an escape we decode: kept as it is (multi-byte characters are copied whole).
        let ch = path[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Compares without stopping at the first difference, so timing does not reveal the token.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len() && given.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_the_exact_token_passes() {
        assert!(same_secret(b"s3cret-token", b"s3cret-token"));
        assert!(!same_secret(b"s3cret-tokem", b"s3cret-token"));
        assert!(!same_secret(b"s3cret", b"s3cret-token"));
        assert!(!same_secret(b"", b"s3cret-token"));
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn same_host_origin_is_accepted() {
        let h = headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, "http://127.0.0.1:3000")]);
        assert!(is_same_origin(&h, None));
    }

    #[test]
    fn other_origins_and_missing_origins_are_refused() {
        let evil = headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, "http://evil.example")]);
        assert!(!is_same_origin(&evil, None));
        let none = headers(&[(header::HOST, "127.0.0.1:3000")]);
        assert!(!is_same_origin(&none, None));
        let null = headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, "null")]);
        assert!(!is_same_origin(&null, None));
    }

    #[test]
    fn referer_stands_in_for_a_missing_origin() {
        let ok =
            headers(&[(header::HOST, "localhost:3000"), (header::REFERER, "http://localhost:3000/login?next=/cp")]);
        assert!(is_same_origin(&ok, None));
        let bad =
            headers(&[(header::HOST, "localhost:3000"), (header::REFERER, "http://localhost:3000.evil.example/")]);
        assert!(!is_same_origin(&bad, None));
    }

    #[test]
    fn the_public_url_is_accepted_behind_a_proxy() {
        let h = headers(&[(header::HOST, "10.0.0.5:3000"), (header::ORIGIN, "https://market.example")]);
        assert!(is_same_origin(&h, Some("https://market.example/")));
        assert!(!is_same_origin(&h, Some("https://other.example")));
    }

    #[test]
    fn the_scheme_counts_as_well_as_the_host() {
        let https = headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, "https://127.0.0.1:3000")]);
        assert!(!is_same_origin(&https, None), "this server speaks http: an https origin is another origin");
        let other_port = headers(&[(header::HOST, "127.0.0.1:3000"), (header::ORIGIN, "http://127.0.0.1:3001")]);
        assert!(!is_same_origin(&other_port, None));
        let behind_tls = headers(&[(header::HOST, "market.example"), (header::ORIGIN, "https://market.example")]);
        assert!(is_same_origin(&behind_tls, Some("https://market.example")));
        let downgraded = headers(&[(header::HOST, "market.example"), (header::ORIGIN, "http://market.example")]);
        assert!(!is_same_origin(&downgraded, Some("https://market.example")));
    }

    #[test]
    fn odd_spellings_of_a_path_have_one_plain_form() {
        assert_eq!(normalised_path("/./backoffice/outbox").as_deref(), Some("/backoffice/outbox"));
        assert_eq!(normalised_path("//backoffice//outbox").as_deref(), Some("/backoffice/outbox"));
        assert_eq!(normalised_path("/cp/../backoffice/outbox").as_deref(), Some("/backoffice/outbox"));
        assert_eq!(normalised_path("/%62ackoffice/outbox").as_deref(), Some("/backoffice/outbox"));
        assert_eq!(normalised_path("/%2e/backoffice").as_deref(), Some("/backoffice"));
        assert_eq!(normalised_path("/../../etc").as_deref(), Some("/etc"));
        for plain in ["/", "/backoffice/outbox", "/cp/orders/1042", "/cp/", "/search/%20x", "/ü"] {
            assert_eq!(normalised_path(plain), None, "{plain} is already plain");
        }
    }

    #[test]
    fn origins_are_cut_from_urls() {
        assert_eq!(origin_of("http://a.example:8080/x?y#z"), Some("http://a.example:8080"));
        assert_eq!(origin_of("https://a.example"), Some("https://a.example"));
        assert_eq!(origin_of("nonsense"), None);
    }
}
