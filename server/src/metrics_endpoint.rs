//! `/metrics`: the Prometheus text of what `app::metering` counts, plus figures read when scraped
//! (the shared job queue and outbox, this process's connection pool). Served only to a scraper
//! holding `CLOUDMARKET_METRICS_TOKEN` as its bearer token; without the setting it answers 404,
//! so nothing about the system's load is public by default.
//!
//! The `metrics` facade has one recorder per process (it is how the crate works: code anywhere
//! records without being handed a registry). It is installed once; the servers of one process
//! (the integration tests start many) share it, each rendering the same figures.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, LazyLock, Mutex, OnceLock},
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    extract::{MatchedPath, Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics::gauge;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;

use app::metering;

/// Latency buckets in seconds, from a cached page (milliseconds) to a slow Partner Center call.
const BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// The process's recorder, installed on first use.
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new().set_buckets(BUCKETS).unwrap_or_else(|_| PrometheusBuilder::new());
        let handle = match builder.install_recorder() {
            Ok(handle) => handle,
            // Another recorder is installed already (only a test harness would): render from a
            // recorder of our own, which then counts nothing but the scrape-time figures.
            Err(err) => {
                tracing::warn!(error = %err, "a metrics recorder was installed already");
                PrometheusBuilder::new().build_recorder().handle()
            }
        };
        for (name, help) in metering::DESCRIPTIONS {
            metrics::describe_counter!(*name, *help);
        }
        handle
    })
}

/// Installs the recorder (so counting starts with the first request) and what keeps it tidy.
pub fn install() {
    let handle = recorder().clone();
    // Histograms are summarised on upkeep; done on each scrape too, this bounds memory when
    // nobody scrapes.
    static UPKEEP: OnceLock<()> = OnceLock::new();
    UPKEEP.get_or_init(|| {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                handle.run_upkeep();
            }
        });
    });
}

/// The server functions this build registers: only these become labels.
fn server_function_paths() -> &'static HashSet<&'static str> {
    static PATHS: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect());
    &PATHS
}

/// Counts every request by the route it matched (never its raw path), and server-function calls
/// by name. The time is to the response's headers: an event stream is counted when it opens.
pub async fn count_requests(request: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let function = server_function_paths().get(request.uri().path()).copied();
    let response = next.run(request).await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    metering::http_request(route.unwrap_or_else(|| "unmatched".to_owned()), method, status, took);
    if let Some(function) = function {
        metering::server_function(function, status, took);
    }
    response
}

/// What `/metrics` answers with.
#[derive(Clone)]
pub struct Scrape {
    pub pool: PgPool,
    pub token: Option<String>,
    /// Label sets of the scrape-time gauges seen before, so one that empties reads 0, not its
    /// last value.
    seen: Arc<Mutex<HashSet<Series>>>,
}

/// One label set of a scrape-time gauge.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Series {
    Jobs { kind: String, state: String },
    Mail { status: String },
}

impl Scrape {
    pub fn new(pool: PgPool, token: Option<String>) -> Self {
        Self { pool, token: token.filter(|t| !t.is_empty()), seen: Arc::default() }
    }
}

fn authorised(headers: &HeaderMap, token: &str) -> bool {
    crate::guard::bearer(headers).is_some_and(|given| crate::guard::same_secret(given.as_bytes(), token.as_bytes()))
}

pub async fn metrics(State(scrape): State<Scrape>, headers: HeaderMap) -> Response {
    let Some(token) = scrape.token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !authorised(&headers, token) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response();
    }
    if let Err(err) = read_queue(&scrape).await {
        // The rest is still worth having: a scrape that fails entirely would hide exactly the
        // moment the database is in trouble.
        tracing::warn!(error = %err, "metrics: could not read the job queue and outbox");
    }
    let pool = &scrape.pool;
    let idle = pool.num_idle() as f64;
    gauge!(metering::DB_POOL_CONNECTIONS, "state" => "idle").set(idle);
    gauge!(metering::DB_POOL_CONNECTIONS, "state" => "in_use").set((f64::from(pool.size()) - idle).max(0.0));
    gauge!(metering::DB_POOL_MAX).set(f64::from(pool.options().get_max_connections()));
    let handle = recorder();
    handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

#[derive(sqlx::FromRow)]
struct Waiting {
    kind: String,
    state: String,
    count: i64,
    oldest_seconds: f64,
}

/// The queue as every process shares it: jobs not succeeded by kind and state, with the oldest's
/// age; mail not delivered by status.
async fn read_queue(scrape: &Scrape) -> Result<(), sqlx::Error> {
    let jobs = sqlx::query_as!(
        Waiting,
        r#"select kind as "kind!", state::text as "state!", count(*) as "count!",
                  coalesce(extract(epoch from now() - min(created_at))::float8, 0) as "oldest_seconds!"
           from job where state <> 'succeeded' group by kind, state"#
    )
    .fetch_all(&scrape.pool)
    .await?;
    let mail = sqlx::query_as!(
        Waiting,
        r#"select '' as "kind!", status::text as "state!", count(*) as "count!",
                  coalesce(extract(epoch from now() - min(created_at))::float8, 0) as "oldest_seconds!"
           from email_outbox where status <> 'sent' group by status"#
    )
    .fetch_all(&scrape.pool)
    .await?;
    let mut now: HashMap<Series, (f64, f64)> = HashMap::new();
    for row in jobs {
        now.insert(Series::Jobs { kind: row.kind, state: row.state }, (row.count as f64, row.oldest_seconds));
    }
    for row in mail {
        now.insert(Series::Mail { status: row.state }, (row.count as f64, row.oldest_seconds));
    }
    let mut seen = scrape.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    seen.extend(now.keys().cloned());
    for series in seen.iter() {
        let (count, oldest) = now.get(series).copied().unwrap_or((0.0, 0.0));
        match series.clone() {
            Series::Jobs { kind, state } => {
                gauge!(metering::JOBS_WAITING, "kind" => kind.clone(), "state" => state.clone()).set(count);
                gauge!(metering::JOB_OLDEST_AGE, "kind" => kind, "state" => state).set(oldest);
            }
            Series::Mail { status } => {
                if status == "pending" {
                    gauge!(metering::OUTBOX_OLDEST_PENDING_AGE).set(oldest);
                }
                gauge!(metering::OUTBOX_MAILS, "status" => status).set(count);
            }
        }
    }
    Ok(())
}
