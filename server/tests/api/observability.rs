//! What operators see: `/metrics` (Prometheus text, behind its token) moves with the work done,
//! and `/readyz` says whether the process can do its work.

use std::{collections::HashMap, time::Duration};

use reqwest::StatusCode;
use sqlx::{Connection, Executor, PgConnection};

use app::orders::OrderStatus;

use crate::{
    helpers::{FakeSmtp, TestApp, ok},
    provisioning::wait_for,
};

const TOKEN: &str = "test-metrics-token";

/// The samples of a scrape: `name{labels}` → value (label order as the exporter writes it).
struct Scrape(HashMap<String, f64>);

impl Scrape {
    async fn of(app: &TestApp) -> Self {
        let response =
            app.client.get(app.url("/metrics")).bearer_auth(TOKEN).send().await.expect("the scrape is answered");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        let text = response.text().await.unwrap();
        let samples = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let (series, value) = line.rsplit_once(' ')?;
                Some((series.to_owned(), value.parse().ok()?))
            })
            .collect();
        Self(samples)
    }

    /// The sum over every series of `name` whose labels include all of `labels`.
    fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0
            .iter()
            .filter(|(series, _)| {
                let (series_name, rest) = series.split_once('{').unwrap_or((series.as_str(), ""));
                series_name == name && labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
            })
            .map(|(_, value)| value)
            .sum()
    }

    fn has(&self, name: &str) -> bool {
        self.0.keys().any(|series| series.split_once('{').map_or(series.as_str(), |(n, _)| n) == name)
    }
}

/// A checkout through the HTTP interface, as the Control Panel does it: the demo customer
/// Contoso on its own tenant.
async fn checkout(app: &TestApp) -> i64 {
    ok(app.call("add_to_cart", &[("sku", "CFQ7TTC0LH18"), ("billing_cycle", "monthly"), ("quantity", "2")]).await)
        .await;
    let customer =
        [("customer_mode", "existing"), ("customer_id", "00000000-0000-4000-8000-000000000003"), ("mpn_id", "1234567")];
    ok(app.call("checkout_customer", &customer).await).await;
    ok(app.call("checkout_tenant", &[("tenant_mode", "existing"), ("domain", "contoso.onmicrosoft.com")]).await).await;
    let key = ok(app.call("checkout", &[]).await).await["idempotency_key"].as_str().unwrap().to_owned();
    let submitted = app.call("submit_order", &[("idempotency_key", &key), ("payment_method", "wire_transfer")]).await;
    ok(submitted).await.as_i64().expect("an order number")
}

#[tokio::test]
async fn metrics_move_with_a_checkout_a_provisioning_run_mail_and_sign_ins() {
    let smtp = FakeSmtp::start().await;
    let app = TestApp::spawn_with(|c| {
        c.workers = 1;
        c.metrics_token = Some(TOKEN.into());
        c.smtp_url = Some(smtp.url());
    })
    .await;
    let before = Scrape::of(&app).await;

    assert_eq!(
        app.login("partner@reseller.example", "not the password").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.login_ok("partner@reseller.example").await;
    // A webhook endpoint that is told of the order (issue #17).
    let receiver = crate::webhooks::Receiver::start(&[]).await;
    ok(app.call("create_webhook_endpoint", &[("url", &receiver.url), ("events[0]", "order.submitted")]).await).await;
    let number = checkout(&app).await;
    wait_for(&app, number, OrderStatus::Completed).await;
    receiver.wait_for(1).await;
    // The order's confirmation goes out through the fake mail server.
    for _ in 0..100 {
        if !smtp.received().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!smtp.received().is_empty(), "a mail was delivered");
    // A browser watching live progress, held open over the scrape.
    let stream = app.get("/live/progress").await;
    assert_eq!(stream.status(), StatusCode::OK);
    // A job nobody runs, so the queue has something waiting in it.
    sqlx::query!(
        "insert into job (job_id, kind, payload, max_attempts) values (gen_random_uuid(), 'metrics_probe', '{}', 1)"
    )
    .execute(&app.pool)
    .await
    .unwrap();

    // And a mail that could not be delivered, waiting for staff.
    sqlx::query!(
        "insert into email_outbox (outbox_id, recipient, subject, body_text, status)
         values (gen_random_uuid(), 'nobody@example.invalid', 'Undeliverable', 'x', 'failed')"
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let after = Scrape::of(&app).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        let moved = after.sum(name, labels) - before.sum(name, labels);
        if moved < 1.0 {
            let series: Vec<_> = after.0.keys().filter(|s| s.starts_with(name)).collect();
            eprintln!("{name} {labels:?} moved {moved}; its series: {series:?}");
        }
        moved
    };
    assert!(
        moved("cloudmarket_server_function_calls_total", &[("function", "/api/submit_order"), ("status", "200")])
            >= 1.0
    );
    // Server functions are routes of their own, so each is its own route label.
    assert!(moved("cloudmarket_http_requests_total", &[("route", "/api/submit_order"), ("method", "POST")]) >= 1.0);
    assert!(moved("cloudmarket_http_requests_total", &[("route", "/api/login"), ("status", "422")]) >= 1.0);
    assert!(moved("cloudmarket_http_request_duration_seconds_count", &[("route", "/api/submit_order")]) >= 1.0);
    assert!(moved("cloudmarket_job_runs_total", &[("kind", "provision_order"), ("outcome", "succeeded")]) >= 1.0);
    assert!(moved("cloudmarket_job_run_duration_seconds_count", &[("kind", "provision_order")]) >= 1.0);
    assert!(
        moved("cloudmarket_partner_center_calls_total", &[("operation", "create_order"), ("outcome", "ok")]) >= 1.0
    );
    assert!(moved("cloudmarket_partner_center_call_duration_seconds_count", &[("operation", "create_order")]) >= 1.0);
    assert!(moved("cloudmarket_mail_delivery_latency_seconds_count", &[]) >= 1.0);
    assert!(moved("cloudmarket_sign_in_failures_total", &[]) >= 1.0);
    assert!(moved("cloudmarket_webhook_deliveries_total", &[("outcome", "delivered")]) >= 1.0);
    assert!(moved("cloudmarket_webhook_delivery_duration_seconds_count", &[]) >= 1.0);
    assert!(moved("cloudmarket_webhook_delivery_latency_seconds_count", &[]) >= 1.0);
    assert!(after.sum("cloudmarket_live_streams_open", &[]) >= 1.0);
    assert_eq!(after.sum("cloudmarket_jobs", &[("kind", "metrics_probe"), ("state", "queued")]), 1.0);
    assert!(after.has("cloudmarket_job_oldest_age_seconds"));
    assert!(
        after.has("cloudmarket_outbox_mails") || after.has("cloudmarket_outbox_oldest_pending_age_seconds") || {
            // Every mail may be delivered already: then the outbox has no pending series yet.
            after.sum("cloudmarket_mail_delivery_latency_seconds_count", &[]) >= 1.0
        }
    );
    assert_eq!(after.sum("cloudmarket_db_pool_max_connections", &[]), 10.0);
    assert!(after.sum("cloudmarket_db_pool_connections", &[("state", "idle")]) >= 0.0);
    assert!(after.has("cloudmarket_db_pool_connections"));
    // A raw path never becomes a label: only the route it matched.
    assert!(!after.0.keys().any(|series| series.contains(&number.to_string())), "no order number in a label");

    // A queue that empties reads 0 again, not its last figure.
    sqlx::query!("delete from job where kind = 'metrics_probe'").execute(&app.pool).await.unwrap();
    let emptied = Scrape::of(&app).await;
    assert_eq!(emptied.sum("cloudmarket_jobs", &[("kind", "metrics_probe"), ("state", "queued")]), 0.0);
    assert!(emptied.0.keys().any(|s| s.starts_with("cloudmarket_jobs{") && s.contains("metrics_probe")));
    drop(stream);
}

#[tokio::test]
async fn metrics_are_private_by_default_and_need_their_token() {
    let closed = TestApp::spawn().await;
    assert_eq!(closed.get("/metrics").await.status(), StatusCode::NOT_FOUND, "no token set: no metrics");

    let app = TestApp::spawn_with(|c| c.metrics_token = Some(TOKEN.into())).await;
    assert_eq!(app.get("/metrics").await.status(), StatusCode::UNAUTHORIZED);
    let wrong = app.client.get(app.url("/metrics")).bearer_auth("not-the-token").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    // A signed-in member of staff is not a scraper either.
    app.login_ok("ops@distributor.example").await;
    assert_eq!(app.get("/metrics").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn readyz_answers_503_while_the_database_is_down_and_ready_again_after() {
    let app = TestApp::spawn_with(|c| c.workers = 1).await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["migrations"], "current");
    assert_eq!(body["workers"], "ok");
    // The product's worker and the webhook lane's (CLOUDMARKET_WEBHOOK_WORKERS, 4).
    assert_eq!(body["workers_running"], 5);

    // The database goes away: no new connections, and the open ones are cut.
    let name: String =
        sqlx::query_scalar!(r#"select current_database() as "name!""#).fetch_one(&app.pool).await.unwrap();
    let mut admin = PgConnection::connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();
    admin.execute(format!(r#"alter database "{name}" allow_connections false"#).as_str()).await.unwrap();
    admin
        .execute(format!("select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}'").as_str())
        .await
        .unwrap();
    let down = app.get("/readyz").await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = down.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_ne!(body["database"], "ok");
    // The liveness probe fails too: the process cannot serve without its database.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::SERVICE_UNAVAILABLE);

    admin.execute(format!(r#"alter database "{name}" allow_connections true"#).as_str()).await.unwrap();
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = app.get("/readyz").await.status();
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, StatusCode::OK, "ready again once the database is back");
}

#[tokio::test]
async fn while_the_database_is_down_calls_answer_503_with_retry_after_not_500() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;
    assert_eq!(app.call("my_orders", &[]).await.status(), StatusCode::OK);

    let name: String =
        sqlx::query_scalar!(r#"select current_database() as "name!""#).fetch_one(&app.pool).await.unwrap();
    let mut admin = PgConnection::connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();
    admin.execute(format!(r#"alter database "{name}" allow_connections false"#).as_str()).await.unwrap();
    admin
        .execute(format!("select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}'").as_str())
        .await
        .unwrap();
    // Reading the session (kept in the database) is the first thing that fails: a restart, not a bug.
    let down = app.call("my_orders", &[]).await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(down.headers()["retry-after"], "1");
    let error: app::error::AppError = down.json().await.unwrap();
    assert_eq!(error, app::error::AppError::Unavailable);
    assert!(error.to_string().contains("try again"), "{error}");
    // The event stream likewise.
    assert_eq!(app.get("/live/progress").await.status(), StatusCode::SERVICE_UNAVAILABLE);

    admin.execute(format!(r#"alter database "{name}" allow_connections true"#).as_str()).await.unwrap();
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = app.call("my_orders", &[]).await.status();
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, StatusCode::OK, "the same session works again once the database is back");
}
