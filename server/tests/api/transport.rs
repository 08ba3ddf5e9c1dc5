//! How responses travel: compressed as the browser accepts, event streams left as they are.

use reqwest::{StatusCode, header};

use crate::helpers::TestApp;

async fn encoding_of(app: &TestApp, path: &str, accept: Option<&str>) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut request = app.client.get(app.url(path));
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let response = request.send().await.expect("GET");
    let status = response.status();
    let encoding = response.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, encoding, response.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn pages_are_compressed_as_the_browser_accepts() {
    let app = TestApp::spawn().await;
    let (status, plain, html) = encoding_of(&app, "/login", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(plain, None, "a client that asks for nothing gets plain text");
    assert!(String::from_utf8_lossy(&html).contains("<form"));

    let (_, brotli, compressed) = encoding_of(&app, "/login", Some("gzip, deflate, br, zstd")).await;
    assert_eq!(brotli.as_deref(), Some("br"));
    assert!(compressed.len() * 2 < html.len(), "{} compressed vs {} plain", compressed.len(), html.len());

    let (_, gzip, _) = encoding_of(&app, "/login", Some("gzip")).await;
    assert_eq!(gzip.as_deref(), Some("gzip"));
}
