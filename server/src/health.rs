//! `/healthz`: up only when the database answers, so a load balancer stops sending traffic to a
//! process that has lost it.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;
use sqlx::PgPool;

pub async fn healthz(State(pool): State<PgPool>) -> impl IntoResponse {
    let check =
        tokio::time::timeout(Duration::from_secs(2), sqlx::query_scalar!("select 1 as one").fetch_one(&pool)).await;
    match check {
        Ok(Ok(_)) => (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok" }))),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: database error");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "error" })))
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "timeout" }))),
    }
}
