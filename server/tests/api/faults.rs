//! The sandbox's fault injection and what the product makes of it: throttling, server errors
//! and timeouts (some after the sandbox committed the write) are retried until every order
//! completes, and Partner Center still holds exactly one tenant and one subscription per line.

use std::time::Duration;

use app::{
    orders::OrderStatus,
    partner_center::{PartnerCenter, PartnerCenterError},
};
use reqwest::StatusCode;
use serde_json::json;

use crate::{
    helpers::{TestApp, json},
    provisioning::order_for,
};

async fn set_faults(app: &TestApp, faults: serde_json::Value) -> reqwest::Response {
    app.sandbox(reqwest::Method::PUT, "/sandbox/faults").json(&faults).send().await.expect("PUT /sandbox/faults")
}

async fn status_of(app: &TestApp, number: i64) -> OrderStatus {
    sqlx::query_scalar!(r#"select status as "status: OrderStatus" from sales_order where order_number = $1"#, number)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn faults_are_switched_at_runtime_and_spare_the_relationship_page() {
    let app = TestApp::spawn_with(|c| c.sandbox_latency_ms = 5).await;
    let shown = json(app.sandbox(reqwest::Method::GET, "/sandbox/faults").send().await.unwrap()).await;
    assert_eq!(shown["rate"], 0.0);
    assert_eq!(shown["latency_ms"], 5);
    assert_eq!(shown["kinds"], json!(["throttle", "error", "timeout"]));

    let refused = set_faults(&app, json!({ "rate": 1.5 })).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = set_faults(&app, json!({ "kinds": ["meteor"] })).await;
    assert!(refused.status().is_client_error());

    let set = set_faults(&app, json!({ "rate": 1.0, "kinds": ["throttle"], "retry_after_secs": 7 })).await;
    assert_eq!(set.status(), StatusCode::OK);
    let shown = json(app.sandbox(reqwest::Method::GET, "/sandbox/faults").send().await.unwrap()).await;
    assert_eq!(shown["rate"], 1.0);
    assert_eq!(shown["latency_ms"], 5, "a field left out keeps its value");

    let throttled = app.get("/sandbox/v1/profiles/mpn?mpnId=1234567").await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers()["retry-after"], "7");
    let connector = PartnerCenter::sandbox(&app.url("/sandbox"), Duration::from_secs(5)).unwrap();
    match connector.verify_mpn("1234567").await {
        Err(PartnerCenterError::Unavailable { retry_after, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)))
        }
        other => panic!("expected throttling, got {other:?}"),
    }
    // A person accepting the relationship never meets an injected fault.
    assert_eq!(app.get("/sandbox/relationship?partnerId=1").await.status(), StatusCode::OK);

    set_faults(&app, json!({ "rate": 0.0 })).await;
    assert!(connector.verify_mpn("1234567").await.is_ok());
}

#[tokio::test]
async fn a_timeout_after_the_write_is_unavailable_and_the_retry_finds_the_same_tenant() {
    let app = TestApp::spawn().await;
    set_faults(&app, json!({ "rate": 1.0, "kinds": ["timeout"], "hold_ms": 1500 })).await;
    let connector = PartnerCenter::sandbox(&app.url("/sandbox"), Duration::from_millis(300)).unwrap();
    let request = uuid::Uuid::new_v4();
    let first = connector.create_customer("timedout", "Timed Out Ltd", request).await;
    assert!(matches!(first, Err(PartnerCenterError::Unavailable { .. })), "{first:?}");
    // The sandbox made the tenant although the answer never came.
    let made = sqlx::query_scalar!("select count(*) from sandbox.tenant where domain_prefix = 'timedout'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(made, Some(1));

    set_faults(&app, json!({ "rate": 0.0 })).await;
    let again = connector.create_customer("timedout", "Timed Out Ltd", request).await.unwrap();
    let tenant = sqlx::query_scalar!("select tenant_id from sandbox.tenant where domain_prefix = 'timedout'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(again.tenant_id, tenant);
}

#[tokio::test]
async fn a_throttled_provisioning_job_waits_for_the_retry_after() {
    // Our own backoff would retry within a fraction of a second; Partner Center asks for 30 s.
    let app = TestApp::spawn_with(|c| {
        c.workers = 1;
        c.job_retry_base_ms = 20;
        c.job_retry_max_ms = 200;
    })
    .await;
    set_faults(&app, json!({ "rate": 1.0, "kinds": ["throttle"], "retry_after_secs": 30 })).await;
    let number = order_for(&app, "throttled", "1234567").await;

    for _ in 0..100 {
        let job = sqlx::query!(
            r#"select state::text as "state!", attempts, last_error,
                      extract(epoch from run_at - now())::float8 as "wait!"
               from job where kind = 'provision_order'"#
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if job.attempts >= 1 && job.state == "queued" {
            assert!(job.last_error.unwrap_or_default().contains("throttled"));
            assert!((25.0..=30.5).contains(&job.wait), "the retry waits the Retry-After, not {}s", job.wait);
            assert_eq!(status_of(&app, number).await, OrderStatus::Provisioning);
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the throttled job was never put back in the queue");
}

#[tokio::test]
async fn under_faults_every_order_completes_with_exactly_one_subscription_per_line() {
    let app = TestApp::spawn_with(|c| {
        c.workers = 3;
        c.sandbox_fault_rate = 0.5;
        c.partner_center_timeout_ms = Some(500);
        c.job_retry_base_ms = 20;
        c.job_retry_max_ms = 200;
    })
    .await;
    let prefixes = ["faultya", "faultyb", "faultyc", "faultyd", "faultye"];
    let mut numbers = Vec::new();
    for prefix in prefixes {
        numbers.push(order_for(&app, prefix, "1234567").await);
    }

    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    for &number in &numbers {
        loop {
            let status = status_of(&app, number).await;
            if status == OrderStatus::Completed {
                break;
            }
            assert_ne!(status, OrderStatus::ProvisioningFailed, "a fault is never a refusal");
            assert!(tokio::time::Instant::now() < deadline, "order {number} is still {status:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    for prefix in prefixes {
        let vendor = sqlx::query!(
            r#"select (select count(*) from sandbox.tenant t where t.domain_prefix = $1) as "tenants!",
                      (select count(*) from sandbox.customer_order o join sandbox.tenant t using (tenant_id)
                       where t.domain_prefix = $1) as "orders!",
                      (select count(*) from sandbox.subscription s join sandbox.tenant t using (tenant_id)
                       where t.domain_prefix = $1) as "subscriptions!""#,
            prefix
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(vendor.tenants, 1, "{prefix}: one tenant");
        assert_eq!(vendor.orders, 1, "{prefix}: one vendor order");
        assert_eq!(vendor.subscriptions, 2, "{prefix}: exactly one subscription per order line");
    }
    let active = sqlx::query_scalar!(
        "select count(*) from subscription where status = 'active' and vendor_subscription_id is not null"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(active, Some(10));
    let attempts = sqlx::query_scalar!(
        r#"select sum(attempts)::int8 as "attempts!" from job where kind = 'provision_order' and state = 'succeeded'"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(attempts > 5, "the faults made some attempts fail ({attempts} attempts for 5 orders)");
}

#[tokio::test]
async fn an_order_whose_vendor_never_recovers_fails_on_the_last_attempt_and_can_be_resubmitted() {
    let app = TestApp::spawn_with(|c| {
        c.workers = 1;
        c.job_retry_base_ms = 20;
        c.job_retry_max_ms = 50;
    })
    .await;
    set_faults(&app, json!({ "rate": 1.0, "kinds": ["error"] })).await;
    let number = order_for(&app, "neverup", "1234567").await;
    // Hours of retries compressed: the next attempt is the last one.
    sqlx::query!("update job set attempts = greatest(attempts, 29) where kind = 'provision_order'")
        .execute(&app.pool)
        .await
        .unwrap();
    crate::provisioning::wait_for(&app, number, OrderStatus::ProvisioningFailed).await;
    let failed = crate::provisioning::failure_of(&app, number).await;
    assert_eq!(failed.code, Some(503));
    assert!(failed.reason.to_string().contains("did not answer"));
    assert!(failed.fix.to_string().contains("Resubmit for Provisioning"));
    let job = sqlx::query_scalar!("select state::text from job where kind = 'provision_order'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(job.as_deref(), Some("succeeded"), "the order carries the failure, not a dead job");

    set_faults(&app, json!({ "rate": 0.0 })).await;
    app.login_ok("partner@reseller.example").await;
    let n = number.to_string();
    let resubmitted =
        app.call("resubmit_order", &[("order_number", &n), ("mpn_id", "1234567"), ("tenant", "neverup")]).await;
    assert_eq!(resubmitted.status(), StatusCode::OK);
    crate::provisioning::wait_for(&app, number, OrderStatus::Completed).await;
}
