//! Probes. `/healthz`: up only when the database answers, so a load balancer stops sending
//! traffic to a process that has lost it. `/readyz`: ready for the work this process was started
//! for: the database answers, its schema is the one this build migrates to, and the workers it
//! runs are running (an orchestrator holds traffic and a rolling deploy waits until then).

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;
use sqlx::PgPool;

use crate::worker::Running;

/// How long a probe waits for the database: a hung connection must not hang the probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz(State(pool): State<PgPool>) -> impl IntoResponse {
    let check = tokio::time::timeout(PROBE_TIMEOUT, sqlx::query_scalar!("select 1 as one").fetch_one(&pool)).await;
    match check {
        Ok(Ok(_)) => (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok" }))),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: database error");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "error" })))
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "timeout" }))),
    }
}

/// What `/readyz` checks with.
#[derive(Clone)]
pub struct Readiness {
    pub pool: PgPool,
    pub workers: Running,
}

/// The newest migration this build carries.
fn expected_migration() -> i64 {
    crate::db::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The newest migration applied to the database.
async fn applied_migration(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"select coalesce(max(version), 0) as "version!" from _sqlx_migrations where success"#)
        .fetch_one(pool)
        .await
}

pub async fn readyz(State(readiness): State<Readiness>) -> impl IntoResponse {
    let expected = expected_migration();
    let (database, migrations) = match tokio::time::timeout(PROBE_TIMEOUT, applied_migration(&readiness.pool)).await {
        Ok(Ok(applied)) if applied == expected => ("ok", "current"),
        // A newer build has migrated already (a rolling deploy): migrations only add, so this
        // build still works on it.
        Ok(Ok(applied)) if applied > expected => ("ok", "ahead"),
        Ok(Ok(_)) => ("ok", "behind"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check: database error");
            ("error", "unknown")
        }
        Err(_) => ("timeout", "unknown"),
    };
    let (expected_workers, alive) = (readiness.workers.expected(), readiness.workers.alive());
    let workers = if alive >= expected_workers { "ok" } else { "stopped" };
    let ready = database == "ok" && matches!(migrations, "current" | "ahead") && workers == "ok";
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "database": database,
        "migrations": migrations,
        "migration_expected": expected,
        "workers": workers,
        "workers_expected": expected_workers,
        "workers_running": alive,
    });
    (status, Json(body))
}
