//! The connection pool: to `DATABASE_URL`, or to the embedded cluster started on demand.

use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    Connection, PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::embedded_pg::EmbeddedPostgres;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The pool, and the embedded cluster behind it when there is one (stopped at shutdown).
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedPostgres>,
}

/// The session setting `market_now()` reads: only connections of a process with the sandbox on
/// follow the sandbox's clock. Set on every connection either way, so no database or role
/// default can turn it on in production.
pub const SANDBOX_CLOCK_SETTING: &str = "cloudmarket.sandbox_clock";

/// A pooled connection idle for this long is pinged before it is used again (see [`pool_options`]).
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// How every process pools its connections; the benchmarks use it too, so they measure what
/// production runs.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings every connection it hands out by default: one more round trip per query
        // (a signed-in catalog page makes several). Only a connection that sat idle is pinged;
        // one in steady use has just proved it works, and a broken one is closed after its error.
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for >= IDLE_BEFORE_PING {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
}

pub async fn connect(
    database_url: Option<&str>,
    data_dir: &Path,
    max_connections: u32,
    sandbox_clock: bool,
) -> anyhow::Result<Database> {
    let (options, embedded) = match database_url {
        Some(url) => (PgConnectOptions::from_str(url).context("DATABASE_URL is not a valid PostgreSQL URL")?, None),
        None => {
            let embedded = EmbeddedPostgres::start(data_dir, "cloudmarket").await?;
            tracing::info!(url = %embedded.url(), "using the embedded PostgreSQL");
            (embedded.connect_options(), Some(embedded))
        }
    };
    let options = options.options([(SANDBOX_CLOCK_SETTING, if sandbox_clock { "on" } else { "off" })]);
    let pool = pool_options(max_connections).connect_with(options).await.context("cannot connect to PostgreSQL")?;
    MIGRATOR.run(&pool).await.context("running database migrations")?;
    Ok(Database { pool, embedded })
}
