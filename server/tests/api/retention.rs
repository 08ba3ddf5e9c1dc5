//! Retention: old finished jobs, sent mail and sign-in attempts go; recent ones, unfinished
//! work and what an open order still points at stay.

use std::time::Duration;

use server::retention::{PurgeHistory, Purged, RetentionSettings, purge};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{helpers::TestApp, provisioning::order_for};

const DAY: Duration = Duration::from_secs(24 * 3600);

fn settings() -> RetentionSettings {
    RetentionSettings { jobs: DAY * 30, mail: DAY * 30, login_attempts: DAY * 7 }
}

async fn job(pool: &PgPool, state: &str, finished_days_ago: Option<i32>, payload: serde_json::Value) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into job (job_id, kind, payload, state, max_attempts, finished_at)
         values ($1, 'provision_order', $2, $3::job_state, 10, now() - make_interval(days => $4))",
    )
    .bind(id)
    .bind(payload)
    .bind(state)
    .bind(finished_days_ago)
    .execute(pool)
    .await
    .unwrap();
    id
}

async fn exists(pool: &PgPool, sql: &str, id: Uuid) -> bool {
    sqlx::query_scalar(sql).bind(id).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn old_history_goes_and_recent_unfinished_or_referenced_rows_stay() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    // What the demo and earlier steps left is not this test's business.
    sqlx::query("delete from job").execute(pool).await.unwrap();
    sqlx::query("delete from email_outbox").execute(pool).await.unwrap();
    sqlx::query("delete from login_attempt").execute(pool).await.unwrap();

    let old_done = job(pool, "succeeded", Some(31), serde_json::json!({})).await;
    let old_dead = job(pool, "dead", Some(40), serde_json::json!({})).await;
    let recent_done = job(pool, "succeeded", Some(29), serde_json::json!({})).await;
    let old_queued = job(pool, "queued", None, serde_json::json!({})).await;
    sqlx::query("update job set created_at = now() - interval '90 days' where job_id = $1")
        .bind(old_queued)
        .execute(pool)
        .await
        .unwrap();
    // An order still open keeps its job, however old: its page reads that job's state.
    let number = order_for(&app, "retained", "1234567").await;
    let order_id: Uuid = sqlx::query_scalar("select order_id from sales_order where order_number = $1")
        .bind(number)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("delete from job where payload ->> 'order_id' = $1")
        .bind(order_id.to_string())
        .execute(pool)
        .await
        .unwrap();
    let open_orders_job = job(pool, "dead", Some(60), serde_json::json!({ "order_id": order_id })).await;
    let closed = job(pool, "succeeded", Some(60), serde_json::json!({ "order_id": Uuid::new_v4() })).await;

    sqlx::query("delete from email_outbox").execute(pool).await.unwrap();
    let mail = |status: &'static str, days: i32| async move {
        let id = Uuid::new_v4();
        sqlx::query(
            "insert into email_outbox (outbox_id, recipient, subject, body_text, status, created_at, sent_at)
             values ($1, 'x@example.com', 's', 'b', $2::outbox_status, now() - make_interval(days => $3),
                     case when $2 = 'sent' then now() - make_interval(days => $3) end)",
        )
        .bind(id)
        .bind(status)
        .bind(days)
        .execute(pool)
        .await
        .unwrap();
        id
    };
    let old_sent = mail("sent", 31).await;
    let recent_sent = mail("sent", 2).await;
    let old_pending = mail("pending", 90).await;
    let old_failed = mail("failed", 90).await;

    for days in [8, 6] {
        sqlx::query(
            "insert into login_attempt (email, succeeded, attempted_at)
             values ('who@example.com', false, now() - make_interval(days => $1))",
        )
        .bind(days)
        .execute(pool)
        .await
        .unwrap();
    }

    // Webhook messages: an old one delivered goes with its log; one still being delivered stays.
    let endpoint = Uuid::new_v4();
    sqlx::query(
        "insert into webhook_endpoint (endpoint_id, partner_id, url, events, secret)
         values ($1, '00000000-0000-4000-8000-000000000002', 'https://hooks.example/', '{order.completed}', '\\x00')",
    )
    .bind(endpoint)
    .execute(pool)
    .await
    .unwrap();
    let message = |status: &'static str, days: i32| async move {
        let id = Uuid::new_v4();
        sqlx::query(
            "with m as (
                 insert into webhook_message (message_id, partner_id, event_type, body, created_at)
                 values ($1, '00000000-0000-4000-8000-000000000002', 'order.completed', '{}', now() - make_interval(days => $3)))
             insert into webhook_delivery (delivery_id, message_id, endpoint_id, status)
             values (gen_random_uuid(), $1, $4, $2::webhook_delivery_status)",
        )
        .bind(id)
        .bind(status)
        .bind(days)
        .bind(endpoint)
        .execute(pool)
        .await
        .unwrap();
        id
    };
    let old_delivered = message("succeeded", 31).await;
    let old_sending = message("pending", 31).await;
    let recent_failed = message("failed", 2).await;

    let purged = purge(pool, settings()).await.unwrap();
    assert_eq!(purged, Purged { jobs: 3, mail: 1, login_attempts: 1, webhooks: 1 });
    let message_exists = "select exists (select 1 from webhook_message where message_id = $1)";
    assert!(!exists(pool, message_exists, old_delivered).await);
    for kept in [old_sending, recent_failed] {
        assert!(exists(pool, message_exists, kept).await, "{kept} stays");
    }

    let job_exists = "select exists (select 1 from job where job_id = $1)";
    for gone in [old_done, old_dead, closed] {
        assert!(!exists(pool, job_exists, gone).await, "{gone} is old and finished");
    }
    for kept in [recent_done, old_queued, open_orders_job] {
        assert!(exists(pool, job_exists, kept).await, "{kept} stays");
    }
    let mail_exists = "select exists (select 1 from email_outbox where outbox_id = $1)";
    assert!(!exists(pool, mail_exists, old_sent).await);
    for kept in [recent_sent, old_pending, old_failed] {
        assert!(exists(pool, mail_exists, kept).await, "{kept} stays");
    }
    let attempts: i64 = sqlx::query_scalar("select count(*) from login_attempt").fetch_one(pool).await.unwrap();
    assert_eq!(attempts, 1, "the six-day-old attempt stays");

    assert_eq!(purge(pool, settings()).await.unwrap(), Purged::default(), "nothing more to do");
}

#[tokio::test]
async fn the_retention_run_is_queued_once_a_day() {
    let app = TestApp::spawn().await;
    server::retention::schedule(&app.pool).await.unwrap();
    server::retention::schedule(&app.pool).await.unwrap();
    let runs: Vec<serde_json::Value> =
        sqlx::query_scalar("select payload from job where kind = 'purge_history'").fetch_all(&app.pool).await.unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let run: PurgeHistory = serde_json::from_value(runs[0].clone()).unwrap();
    assert_eq!(run.day, time::OffsetDateTime::now_utc().date().to_string());
}
