//! The provisioning feature's plain HTTP route (server only): the live progress event stream.
//! `server/src/startup.rs` merges it.

use axum::{Router, routing::get};

use super::progress_stream;
use crate::{live::STREAM_PATH, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route(STREAM_PATH, get(progress_stream::stream))
}
