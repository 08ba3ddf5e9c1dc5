//! The site's files (the bundle under `/pkg`, the icons, the manifest, `robots.txt`) and how long
//! browsers may keep what this server sends.
//!
//! cargo-leptos builds with `hash-files`: the bundle's names carry a hash of their content
//! (`cloudmarket.<hash>.wasm`), so a browser may keep them for a year without asking again — a
//! new build has new names, which the next page names. Everything else is asked for again: pages
//! and files are revalidated (`no-cache`; a file that has not changed answers 304 Not Modified
//! from its `Last-Modified`), and answers with someone's data are not stored at all.

use std::path::Path;

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};
use leptos::config::LeptosOptions;
use tower_http::services::ServeDir;

/// Whether the bundle's file names carry their content's hash, so they may be kept for good.
#[derive(Clone, Copy, Debug)]
pub struct HashedNames(pub bool);

/// Hashed names when `LEPTOS_HASH_FILES` says so, or when the build left its hash file beside
/// this binary: then the built pages name the hashed files, and a server started by hand (not by
/// cargo-leptos, which sets the variable) must name them too, or the pages would load nothing.
pub fn detect_hashed_names(options: &mut LeptosOptions) {
    if options.hash_files {
        return;
    }
    let beside_binary = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf));
    if beside_binary.is_some_and(|dir| dir.join(options.hash_file.as_ref()).is_file()) {
        options.hash_files = true;
    }
}

/// The files under the site root, with the `.br`/`.gz` the release build writes beside each one
/// sent instead when the browser accepts them, `Last-Modified` and 304s for revalidation, and
/// ranges. A path that is no file (a page, an unknown address, a directory) goes to `not_a_file`.
pub fn site_files<F>(site_root: &str, not_a_file: F) -> ServeDir<F> {
    ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_a_file)
}

/// A year, the longest `max-age` browsers honour, for files whose name changes with them.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Kept, but asked for again each time: unchanged files answer 304 without their body.
const REVALIDATE: &str = "public, no-cache";
/// Pages depend on who is signed in and in which language: revalidated, and never shared.
const PAGE: &str = "private, no-cache";
/// Answers with a user's data (server functions, the API, event streams): never stored.
const NOTHING: &str = "no-store";

/// Sets `Cache-Control` on every response that did not choose its own.
pub async fn cache_control(State(HashedNames(hashed)): State<HashedNames>, request: Request, next: Next) -> Response {
    let bundle = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let status = response.status();
    let headers = response.headers();
    let is_file = headers.contains_key(header::LAST_MODIFIED);
    let is_page =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    let policy = if bundle && hashed && (status == StatusCode::OK || status == StatusCode::NOT_MODIFIED) {
        FOREVER
    } else if is_file || status == StatusCode::NOT_MODIFIED {
        REVALIDATE
    } else if is_page {
        PAGE
    } else {
        NOTHING
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

#[cfg(test)]
mod tests {
    use axum::{Router, body::Body, http::Request, middleware, response::Html, routing::get};
    use tower::ServiceExt;

    use super::*;

    /// A site root with a hashed bundle file and its brotli twin, an icon, and the app's pages.
    fn site(hashed: bool) -> (Router, std::path::PathBuf) {
        let root = std::env::temp_dir().join(format!("cloudmarket-assets-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::write(root.join("pkg/cloudmarket.0123abcd.wasm"), b"the bundle").unwrap();
        std::fs::write(root.join("pkg/cloudmarket.0123abcd.wasm.br"), b"the bundle, smaller").unwrap();
        std::fs::write(root.join("favicon.svg"), b"<svg/>").unwrap();
        let pages = Router::new()
            .route("/api/thing", get(|| async { axum::Json(1) }))
            .route("/nowhere", get(|| async { Html("<p>not found</p>") }));
        let router = Router::new()
            .fallback_service(site_files(root.to_str().unwrap(), pages))
            .layer(middleware::from_fn_with_state(HashedNames(hashed), cache_control));
        (router, root)
    }

    async fn get_with(router: &Router, path: &str, headers: &[(header::HeaderName, &str)]) -> Response {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap()
    }

    fn cache(response: &Response) -> &str {
        response.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    #[tokio::test]
    async fn a_hashed_bundle_file_is_kept_for_good_and_sent_as_its_brotli_twin() {
        let (router, root) = site(true);
        let response =
            get_with(&router, "/pkg/cloudmarket.0123abcd.wasm", &[(header::ACCEPT_ENCODING, "gzip, br")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(cache(&response), FOREVER);
        let modified = response.headers()[header::LAST_MODIFIED].to_str().unwrap().to_owned();
        let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        assert_eq!(&body[..], b"the bundle, smaller");

        // A browser without brotli gets the file itself; one that has it asks and gets a 304.
        let plain = get_with(&router, "/pkg/cloudmarket.0123abcd.wasm", &[]).await;
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let again =
            get_with(&router, "/pkg/cloudmarket.0123abcd.wasm", &[(header::IF_MODIFIED_SINCE, &modified)]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(cache(&again), FOREVER);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test]
    async fn pages_files_and_data_are_asked_for_again_or_not_kept() {
        let (router, root) = site(false);
        // Names without a hash may change under the same name: revalidated, like the icons.
        assert_eq!(cache(&get_with(&router, "/pkg/cloudmarket.0123abcd.wasm", &[]).await), REVALIDATE);
        let icon = get_with(&router, "/favicon.svg", &[]).await;
        assert_eq!(cache(&icon), REVALIDATE);
        let modified = icon.headers()[header::LAST_MODIFIED].to_str().unwrap().to_owned();
        let again = get_with(&router, "/favicon.svg", &[(header::IF_MODIFIED_SINCE, &modified)]).await;
        assert_eq!((again.status(), cache(&again)), (StatusCode::NOT_MODIFIED, REVALIDATE));

        // What is not a file goes on to the app: a page, revalidated and private; data, never kept.
        let page = get_with(&router, "/nowhere", &[]).await;
        assert_eq!((page.status(), cache(&page)), (StatusCode::OK, PAGE));
        assert_eq!(cache(&get_with(&router, "/api/thing", &[]).await), NOTHING);
        // A directory is not listed: it goes on to the app too, which has nothing there.
        assert_eq!(get_with(&router, "/pkg/", &[]).await.status(), StatusCode::NOT_FOUND);
        std::fs::remove_dir_all(root).unwrap();
    }
}
