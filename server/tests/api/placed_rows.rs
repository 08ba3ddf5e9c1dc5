//! Checkout writes an order in one statement, with its provisioning job, its mail and its audit
//! entry. Those rows must be the ones the modules owning them write on their own
//! (`jobs::enqueue`, `notifications::ssr::enqueue`, `audit::record`): same columns, same
//! values, same consequences (a mail gets its delivery job either way).

use serde_json::{Map, Value};
use sqlx::{PgPool, Row};
use uuid::Uuid;

use app::{
    audit::{self, AuditEntry},
    jobs,
    notifications::ssr as outbox,
    provisioning::ssr::ProvisionOrder,
};

use crate::{helpers::TestApp, provisioning::order_for};

/// A row as JSON without what differs by nature between two inserts: ids and timestamps.
async fn row(pool: &PgPool, sql: &str, id: impl ToString) -> Map<String, Value> {
    let value: Value = sqlx::query(sql).bind(id.to_string()).fetch_one(pool).await.unwrap().get(0);
    let Value::Object(mut columns) = value else { panic!("not a row: {value}") };
    let kept = |k: &str| matches!(k, "actor_user_id" | "target_id") || !(k.ends_with("_at") || k.ends_with("_id"));
    columns.retain(|k, _| kept(k));
    columns
}

#[tokio::test]
async fn an_orders_job_mail_and_audit_rows_are_the_ones_their_modules_write() {
    let app = TestApp::spawn().await;
    // Delivery on, so every mail gets its delivery job (as with a mail server configured).
    outbox::enable_delivery(&app.pool).await.unwrap();
    let number = order_for(&app, "samerows", "1234567").await;
    let order = sqlx::query("select order_id, current_job_id, created_by from sales_order where order_number = $1")
        .bind(number)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (order_id, job_id): (Uuid, Option<Uuid>) = (order.get(0), order.get(1));
    let job_id = job_id.expect("a submitted order points at its provisioning job");

    // The job: delete it, enqueue the same job through the queue's own insert, compare.
    let job_sql = "select to_jsonb(j) from job j where job_id = $1::uuid";
    let placed_job = row(&app.pool, job_sql, job_id).await;
    assert_eq!(placed_job["kind"], "provision_order");
    sqlx::query("delete from job where job_id = $1").bind(job_id).execute(&app.pool).await.unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    let enqueued = jobs::enqueue(&mut conn, &ProvisionOrder { order_id, run: 1 }).await.unwrap();
    assert_eq!(placed_job, row(&app.pool, job_sql, enqueued).await);

    // The audit entry: record the same entry through the audit log's own insert, compare.
    let audit_sql = "select to_jsonb(a) from audit_log a where action = 'order.submitted' and target_id = $1 \
                     order by audit_id limit 1";
    let placed_audit = row(&app.pool, audit_sql, number).await;
    sqlx::query("delete from audit_log where action = 'order.submitted' and target_id = $1")
        .bind(number.to_string())
        .execute(&app.pool)
        .await
        .unwrap();
    let entry = AuditEntry {
        actor: Some(order.get(2)),
        acting_as: None,
        action: "order.submitted",
        target_type: "order",
        target_id: number.to_string(),
        detail: placed_audit["detail"].clone(),
    };
    audit::record(&app.pool, entry).await.unwrap();
    assert_eq!(placed_audit, row(&app.pool, audit_sql, number).await);

    // The mail: queue the same words through the outbox's own insert, compare the rows and
    // their delivery jobs.
    let mail = sqlx::query("select outbox_id, recipient, subject, body_text from email_outbox where subject like $1")
        .bind(format!("Order {number} %"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let placed_mail_id: Uuid = mail.get(0);
    let (recipient, subject, body): (String, String, String) = (mail.get(1), mail.get(2), mail.get(3));
    let queued_id = outbox::enqueue(&app.pool, &recipient, &subject, &body).await.unwrap();
    let mail_sql = "select to_jsonb(m) from email_outbox m where outbox_id = $1::uuid";
    assert_eq!(row(&app.pool, mail_sql, placed_mail_id).await, row(&app.pool, mail_sql, queued_id).await);
    let delivery_sql = "select to_jsonb(j) - 'payload' - 'dedup_key' from job j where kind = 'deliver_mail' \
                        and payload ->> 'outbox_id' = $1";
    let placed_delivery = row(&app.pool, delivery_sql, placed_mail_id).await;
    assert_eq!(placed_delivery["state"], "queued");
    assert_eq!(placed_delivery, row(&app.pool, delivery_sql, queued_id).await);
}

#[tokio::test]
async fn an_order_awaiting_credit_has_no_job_until_it_is_approved() {
    let app = TestApp::spawn().await;
    sqlx::query("update partner set credit_limit = 1 where organisation_id = '00000000-0000-4000-8000-000000000002'")
        .execute(&app.pool)
        .await
        .unwrap();
    let number = order_for(&app, "overcredit", "1234567").await;
    let current: Option<Uuid> = sqlx::query_scalar("select current_job_id from sales_order where order_number = $1")
        .bind(number)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(current, None);
    let jobs: i64 = sqlx::query_scalar("select count(*) from job where kind = 'provision_order'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}
