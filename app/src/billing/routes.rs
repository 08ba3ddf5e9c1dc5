//! The billing feature's plain HTTP routes (server only): a statement as a CSV download, from
//! the partner's billing and from the back office. `server/src/startup.rs` merges them.

use axum::{Router, routing::get};

use super::ssr;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cp/billing/statements/{number}/csv", get(ssr::statement_csv))
        .route("/backoffice/statements/{number}/csv", get(ssr::statement_csv))
}
