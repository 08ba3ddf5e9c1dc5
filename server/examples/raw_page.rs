//! The baseline `make bench` measures pages against: a bare axum handler answering every request
//! with the same bytes (a page the real server rendered), with nothing else in the way — no
//! routing of pages, sessions, guards, rendering or database. Connections get `TCP_NODELAY`, as
//! the real server's do, so the two differ only in what the product does per request.
//!
//!     raw_page ADDRESS FILE      # e.g. raw_page 127.0.0.1:3901 target/bench/login.html

use anyhow::Context;
use axum::{Router, http::header, response::IntoResponse, routing::get, serve::ListenerExt};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(address), Some(file)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: raw_page ADDRESS FILE");
    };
    let body = axum::body::Bytes::from(std::fs::read(&file).with_context(|| format!("reading {file}"))?);
    let page = move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response() }
    };
    let router = Router::new().route("/", get(page.clone())).fallback(get(page));
    let listener = tokio::net::TcpListener::bind(&address).await.with_context(|| format!("listening on {address}"))?;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router).await.context("serving")
}
