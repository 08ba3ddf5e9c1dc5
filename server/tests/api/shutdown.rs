//! Stopping a server (what SIGTERM does): its event streams close, the job in hand runs on for
//! the grace period and is then given back to the queue, and another process finishes it.

use std::time::Duration;

use app::orders::OrderStatus;

use crate::{
    helpers::{TestApp, fresh_database},
    provisioning::{order_for, wait_for},
};

/// The provisioning job's state, who holds it and its attempts.
async fn provisioning_job(pool: &sqlx::PgPool) -> (String, Option<String>, i32) {
    let row =
        sqlx::query!(r#"select state::text as "state!", locked_by, attempts from job where kind = 'provision_order'"#)
            .fetch_one(pool)
            .await
            .unwrap();
    (row.state, row.locked_by, row.attempts)
}

#[tokio::test]
async fn a_stopping_server_closes_its_streams_and_gives_its_job_to_another_process() {
    // Partner Center is a server of its own here, so it stays up while the first one stops.
    let vendor = TestApp::spawn().await;
    let partner_center = Some(format!("{}/sandbox", vendor.address));
    let database = fresh_database().await;
    let (first, stop, served) = TestApp::start_on(database.clone(), |c| {
        c.workers = 1;
        c.partner_center_url = partner_center.clone();
        // Steps slow enough for the stop to find the job running, a grace shorter than a step.
        c.provisioning_step_ms = 3000;
        c.shutdown_grace_ms = 300;
    })
    .await;
    // The test's own connections: the first server's pool closes with it.
    let pool = sqlx::PgPool::connect(&database).await.unwrap();
    first.login_ok("partner@reseller.example").await;
    let mut stream = first.get("/live/progress").await;
    assert_eq!(stream.status(), reqwest::StatusCode::OK);
    let number = order_for(&first, "graceful", "1234567").await;
    for _ in 0..100 {
        if provisioning_job(&pool).await.0 == "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(provisioning_job(&pool).await.0, "running", "the first server's worker has the job");

    stop.send(()).unwrap();
    let exited = tokio::time::timeout(Duration::from_secs(15), served)
        .await
        .expect("the server exits within its grace period, not at the end of the job")
        .expect("the server's task ends without a panic");
    exited.expect("the server stops cleanly");
    // The stream was ended by the server, not left for the browser to time out.
    let ended =
        tokio::time::timeout(Duration::from_secs(5), async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(ended.is_ok(), "the event stream was closed at shutdown");

    // Given back, not left to its lease: queued, nobody's, and the cut-short attempt not counted.
    let (state, holder, attempts) = provisioning_job(&pool).await;
    assert_eq!((state.as_str(), holder), ("queued", None));
    assert_eq!(attempts, 0, "an attempt cut short by a shutdown does not use up the job's attempts");

    let (second, _stop_second, _served_second) = TestApp::start_on(database, |c| {
        c.workers = 1;
        c.partner_center_url = partner_center.clone();
    })
    .await;
    wait_for(&second, number, OrderStatus::Completed).await;
    let subscriptions = sqlx::query_scalar!(
        "select count(*) from subscription s join sales_order o on o.order_id = s.order_id where o.order_number = $1",
        number
    )
    .fetch_one(&second.pool)
    .await
    .unwrap();
    assert_eq!(subscriptions, Some(2), "each line provisioned once, though two processes ran the job");
}
