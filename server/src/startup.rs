//! Builds the application (database, router, listener) so that `main` and the tests start the
//! very same thing.

use std::{
    net::SocketAddr,
    sync::{Arc, LazyLock},
};

use anyhow::Context;
use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    handler::Handler,
    http::HeaderName,
    middleware,
    response::IntoResponse,
    routing::get,
    serve::ListenerExt,
};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{
        CompressionLayer,
        predicate::{DefaultPredicate, NotForContentType, Predicate},
    },
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};
use tower_sessions_sqlx_store::PostgresStore;

use app::{
    app::{App, shell},
    state::AppState,
};

use crate::{
    background::Background,
    config::Config,
    db::{self, Database},
    demo,
    embedded_pg::EmbeddedPostgres,
    guard::{self, AllowedOrigins},
    health, metrics_endpoint,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub struct Application {
    listener: TcpListener,
    router: Router,
    embedded: Option<EmbeddedPostgres>,
    background: Background,
    pub state: AppState,
}

/// The database (the embedded cluster started if needed, migrated), the mail settings and the key
/// for secrets at rest: what the web server and a worker process both start with.
async fn open(config: &Config) -> anyhow::Result<Opened> {
    // Before connecting: a bad mail setting or a missing key is a configuration error, found at once.
    let mail = crate::mailer::MailSettings::from_config(config)?;
    for missing in config.missing_settings() {
        tracing::warn!("{}", missing.consequence());
    }
    let secrets = config.secret_key()?;
    let database =
        db::connect(config.database_url.as_deref(), &config.data_dir, config.db_max_connections, config.sandbox)
            .await?;
    Ok(Opened { database, mail, secrets })
}

struct Opened {
    database: Database,
    mail: Option<crate::mailer::MailSettings>,
    secrets: app::secrets::SecretKey,
}

/// `server worker`: background workers and mail only, no web server, against the configured
/// database and Partner Center (by default the sandbox of the server at LEPTOS_SITE_ADDR).
/// Stops on Ctrl-C or SIGTERM after the jobs in hand.
pub async fn run_worker(config: &Config) -> anyhow::Result<()> {
    // A worker listens nowhere: only the sandbox and Partner Center combination applies.
    config.refuse_unsafe(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let Opened { database: Database { pool, embedded }, mail, secrets } = open(config).await?;
    let site: SocketAddr = std::env::var("LEPTOS_SITE_ADDR")
        .ok()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
    let partner_center = app::partner_center::PartnerCenter::new(
        &config.partner_center_url(site),
        config.partner_center_timeout(),
        config.partner_center_credentials(site),
    )?;
    let invoicing = config.invoicing(site)?;
    // A worker process is for running jobs: at least one, whatever CLOUDMARKET_WORKERS says.
    let count = config.workers.max(1);
    tracing::info!(count, "workers running");
    let workers =
        Background::new(config, pool.clone(), partner_center, invoicing, mail, secrets, count)?.start().await?;
    crate::shutdown::shutdown_signal().await;
    if let Some(workers) = workers {
        workers.stop().await;
    }
    pool.close().await;
    if let Some(embedded) = embedded {
        embedded.stop().await?;
    }
    Ok(())
}

impl Application {
    /// Connects (starting the embedded database if needed), migrates, loads demo data when asked
    /// and binds the listener. `site_addr` overrides `LEPTOS_SITE_ADDR` (tests pass port 0).
    pub async fn build(config: &Config, site_addr: Option<SocketAddr>) -> anyhow::Result<Self> {
        let mut leptos_options = get_configuration(None).context("reading the Leptos configuration")?.leptos_options;
        if let Some(addr) = site_addr {
            leptos_options.site_addr = addr;
        }
        crate::assets::detect_hashed_names(&mut leptos_options);
        config.refuse_unsafe(leptos_options.site_addr)?;
        let Opened { database: Database { pool, embedded }, mail, secrets } = open(config).await?;
        if config.demo {
            demo::load(&pool).await?;
        }

        let listener = TcpListener::bind(leptos_options.site_addr)
            .await
            .with_context(|| format!("cannot listen on {}", leptos_options.site_addr))?;
        let bound = listener.local_addr().unwrap_or(leptos_options.site_addr);
        let partner_center = app::partner_center::PartnerCenter::new(
            &config.partner_center_url(bound),
            config.partner_center_timeout(),
            config.partner_center_credentials(bound),
        )
        .context("building the Partner Center client")?;
        let invoicing = config.invoicing(bound)?;
        let state = AppState::new(app::state::AppStateFields {
            leptos_options,
            pool,
            settings: Arc::new(config.settings(bound, secrets.clone())),
            partner_center,
            live: app::live::hub::Hub::default(),
            limits: app::limits::Limits::new(config.limits()),
            reference: app::state::ReferenceCache::default(),
            tcmb: invoicing.tcmb.clone(),
            integrator: invoicing.integrator.clone(),
        });
        let background = Background::new(
            config,
            state.pool.clone(),
            state.partner_center.clone(),
            invoicing,
            mail,
            secrets,
            config.workers,
        )?;
        let router = router(state.clone(), config, background.running.clone()).await?;
        Ok(Self { listener, router, embedded, background, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.leptos_options.site_addr)
    }

    /// Serves until `shutdown` resolves, lets requests in flight finish, then stops the embedded
    /// database if this process started it.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let Self { listener, router, embedded, background, state } = self;
        let workers = background.start().await?;
        let relay = tokio::spawn(state.live.clone().relay(state.pool.clone()));
        let live = state.live.clone();
        let (begun, mut began) = tokio::sync::watch::channel(false);
        // Event streams never end by themselves: close them as shutdown starts, or the graceful
        // shutdown would wait for every watching browser.
        let shutdown = async move {
            shutdown.await;
            live.close();
            begun.send_replace(true);
        };
        // Without TCP_NODELAY a response written in more than one piece waits for the client's
        // delayed ACK (about 40 ms on Linux) before its last piece leaves: every page paid it.
        let listener = listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(error = %err, "could not set TCP_NODELAY on a connection");
            }
        });
        // The peer address is the client the per-IP limits count (`app::limits`).
        let serving = async {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(shutdown)
                .await
        };
        // The workers stop as shutdown begins, while requests drain, so a job in hand gets the
        // whole grace period (`CLOUDMARKET_SHUTDOWN_GRACE_MS`) and is then given back. (Should
        // serving end by itself, the channel closes and they stop then.)
        let stopping = async move {
            let _ = began.wait_for(|begun| *begun).await;
            if let Some(workers) = workers {
                workers.stop().await;
            }
        };
        let (served, ()) = tokio::join!(serving, stopping);
        let _ = relay.await;
        state.pool.close().await;
        if let Some(embedded) = embedded {
            embedded.stop().await?;
        }
        served.context("serving HTTP")
    }
}

/// The app's page routes, generated once per process. Generating them renders the app with every
/// resource held back by a process-wide switch (`leptos_server::SuppressResourceLoad`), so a
/// resource that first runs meanwhile in another server of the same process never finishes and
/// its page never ends: a second server started beside a serving one (as the integration tests
/// do, many per process) must not generate them again.
pub fn page_routes() -> &'static [AxumRouteListing] {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));
    &ROUTES
}

async fn router(state: AppState, config: &Config, workers: crate::worker::Running) -> anyhow::Result<Router> {
    metrics_endpoint::install();
    let session_store = PostgresStore::new(state.pool.clone());
    session_store.migrate().await.context("creating the session table")?;
    let sessions = SessionManagerLayer::new(session_store)
        .with_name("cm_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::hours(8)));

    let routes = page_routes().to_vec();
    let allowed = AllowedOrigins { public_origin: config.public_url.clone() };

    let router = Router::new()
        .route("/api/{*fn_name}", get(server_fn_handler).post(server_fn_handler))
        // Each feature's plain HTTP routes (downloads, the event stream, the multipart form).
        .merge(app::onboarding::routes::router())
        .merge(app::billing::routes::router())
        .merge(app::provisioning::routes::router())
        .merge(app::invoicing::routes::router())
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let state = state.clone();
                move || shell(&state.leptos_options)
            },
        )
        .fallback_service(crate::assets::site_files(
            &state.leptos_options.site_root,
            leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                {
                    let state = state.clone();
                    move || provide_context(state.clone())
                },
                |options: LeptosOptions| shell(&options),
            )
            .with_state(state.clone()),
        ))
        .layer(middleware::from_fn_with_state(state.clone(), guard::require_area))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(middleware::from_fn(crate::input_hygiene::refuse_control_characters))
        .layer(middleware::from_fn(crate::headers::complete_page_csp))
        .layer(middleware::from_fn(crate::form_echo::remember_refused))
        .layer(middleware::from_fn(crate::form_echo::hand_to_page))
        .layer(sessions.clone())
        .layer(middleware::from_fn_with_state(allowed, guard::same_origin))
        .with_state(state.clone())
        // The partner API authenticates each call by its key, not a session: it sits outside
        // sessions, the CSRF guard (no cookie, so nothing to forge) and the server functions'
        // error and input handling, which it does its own way (problem+json). `/api/v1/…` is its
        // own, whatever the server functions under `/api/…` are called.
        .merge(app::partner_api::v1::router(state.clone()))
        // Probes and the scraper sit outside sessions and guards: they carry no cookies and must
        // stay cheap.
        .route("/healthz", get(health::healthz).with_state(state.pool.clone()))
        .route("/readyz", get(health::readyz).with_state(health::Readiness { pool: state.pool.clone(), workers }))
        .route(
            "/metrics",
            get(metrics_endpoint::metrics)
                .with_state(metrics_endpoint::Scrape::new(state.pool.clone(), config.metrics_token.clone())),
        )
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                    let request_id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                // A handler that panics answers 500 like any other failure, logged in its
                // request's span, instead of dropping the connection.
                .layer(CatchPanicLayer::custom(answer_panic))
                // Pages, server-function answers, scripts and styles go out compressed (brotli
                // or gzip, as the browser accepts); event streams and images are left alone, and
                // so is the wasm bundle: compressing megabytes on every request costs seconds of
                // CPU, so it is served precompressed (`.br`/`.gz` beside it) when the build made
                // them, as is.
                .layer(
                    CompressionLayer::new()
                        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("application/wasm"))),
                ),
        );
    // The sandbox stands in for Microsoft: outside sessions and guards, like the real service;
    // its test controls need an operations user (so the session layer) or the sandbox token.
    let router = if config.sandbox {
        let faults = crate::sandbox::faults::FaultSwitch::new(config.sandbox_faults());
        let access = crate::sandbox::control::ControlAccess {
            state: state.clone(),
            token: config.sandbox_token.clone().filter(|t| !t.is_empty()),
            public_origin: config.public_url.clone(),
        };
        let entra = crate::sandbox::entra::Entra::default();
        let controls = crate::sandbox::control_router(state.pool.clone(), faults.clone(), entra.clone())
            .layer(middleware::from_fn_with_state(access, crate::sandbox::control::allow))
            .layer(sessions);
        router.nest("/sandbox", crate::sandbox::router(state.pool.clone(), faults, entra).merge(controls))
    } else {
        router
    };
    // Last, so the sandbox's pages get them too.
    let https = crate::headers::Https(config.secure_cookies());
    let hashed = crate::assets::HashedNames(state.leptos_options.hash_files);
    Ok(router
        // Applied to every route after routing, so it counts each by the route it matched.
        .layer(middleware::from_fn(metrics_endpoint::count_requests))
        .layer(middleware::from_fn_with_state(hashed, crate::assets::cache_control))
        .layer(middleware::from_fn_with_state(https, crate::headers::security)))
}

/// The answer to a request whose handler panicked: the generic message of a 500 (as JSON, which
/// server-function callers read and a browser shows as text), with the panic logged.
fn answer_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    tracing::error!(panic = message, "a request handler panicked");
    let body = serde_json::to_string(&app::error::AppError::Internal).unwrap_or_default();
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, [(axum::http::header::CONTENT_TYPE, "application/json")], body)
        .into_response()
}

async fn server_fn_handler(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), request).await
}

/// The one place a server function's error gets its HTTP status. The framework answers every
/// error with 500, whether the function refused (403, 404, 422…) or its arguments did not even
/// parse (422: a malformed id is the client's mistake, not ours); here the status follows the
/// `AppError` in the body. Plain form posts are answered with a redirect back to the form and
/// are left as they are. Pages get theirs from the error they render (`components::loaded`).
async fn server_fn_error_status(request: Request<Body>, next: middleware::Next) -> axum::response::Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !api || response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes)
        && let Ok(status) = axum::http::StatusCode::from_u16(error.status_code())
    {
        parts.status = status;
        // The database is restarting or failing over: seconds, as a rule.
        if status == axum::http::StatusCode::SERVICE_UNAVAILABLE {
            parts.headers.insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
        }
    }
    axum::response::Response::from_parts(parts, Body::from(bytes))
}

/// Resolves on Ctrl-C or SIGTERM (kept here for callers of the application's start).
pub use crate::shutdown::shutdown_signal;
