//! The outbox is delivered by the job engine: with delivery on, a queued mail gets its
//! `deliver_mail` job in the same transaction, whichever way it was inserted; without it, no job.

use app::{
    jobs::Job,
    notifications::ssr::{DeliverMail, enable_delivery, enqueue},
};
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{TestApp, fresh_pool};

async fn delivery_jobs(pool: &PgPool) -> Vec<(String, serde_json::Value, i32, Option<String>)> {
    sqlx::query_as("select kind, payload, max_attempts, dedup_key from job where kind = $1 order by created_at")
        .bind(DeliverMail::KIND)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_queued_mail_and_its_delivery_job_commit_or_roll_back_together() {
    let pool = fresh_pool().await;
    assert_eq!(enable_delivery(&pool).await.unwrap(), 0, "nothing was pending");

    let mut tx = pool.begin().await.unwrap();
    let rolled_back = enqueue(&mut *tx, "a@example.com", "Rolled back", "x").await.unwrap();
    let seen_inside: i64 = sqlx::query_scalar("select count(*) from job where payload ->> 'outbox_id' = $1")
        .bind(rolled_back.to_string())
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen_inside, 1, "the job is written by the mail's own transaction");
    tx.rollback().await.unwrap();
    assert!(delivery_jobs(&pool).await.is_empty(), "the rolled-back mail left no job behind");

    let mut tx = pool.begin().await.unwrap();
    let id = enqueue(&mut *tx, "b@example.com", "Committed", "y").await.unwrap();
    tx.commit().await.unwrap();
    let jobs = delivery_jobs(&pool).await;
    assert_eq!(jobs.len(), 1);
    let (kind, payload, max_attempts, dedup_key) = &jobs[0];
    // The trigger's row is the one the Rust job type describes.
    assert_eq!(kind, DeliverMail::KIND);
    assert_eq!(serde_json::from_value::<DeliverMail>(payload.clone()).unwrap(), DeliverMail { outbox_id: id });
    assert_eq!(*max_attempts, DeliverMail::MAX_ATTEMPTS);
    assert_eq!(dedup_key.as_deref(), DeliverMail { outbox_id: id }.dedup_key().as_deref());
}

#[tokio::test]
async fn mail_to_every_partner_admin_gets_one_job_per_mail() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    // Only this test's mails: whatever the demo queued goes first, before delivery is turned on.
    sqlx::query("delete from email_outbox").execute(pool).await.unwrap();
    enable_delivery(pool).await.unwrap();
    let partner: Uuid = "00000000-0000-4000-8000-000000000002".parse().unwrap();
    let mail = app::notifications::Mail::written(|_| app::notifications::MailText::new("Hello", "Body"));
    app::notifications::ssr::send_to_partner(pool, partner, &mail).await.unwrap();

    let mails: Vec<Uuid> =
        sqlx::query_scalar("select outbox_id from email_outbox order by outbox_id").fetch_all(pool).await.unwrap();
    let mut jobs: Vec<Uuid> = delivery_jobs(pool)
        .await
        .into_iter()
        .map(|(_, payload, _, _)| serde_json::from_value::<DeliverMail>(payload).unwrap().outbox_id)
        .collect();
    jobs.sort();
    assert!(!mails.is_empty(), "the demo partner has an admin");
    assert_eq!(jobs, mails);
}

#[tokio::test]
async fn without_delivery_no_job_is_queued_and_turning_it_on_catches_up_pending_mail() {
    let pool = fresh_pool().await;
    let pending = enqueue(&pool, "c@example.com", "Waiting", "z").await.unwrap();
    let sent = enqueue(&pool, "d@example.com", "Already sent", "z").await.unwrap();
    sqlx::query("update email_outbox set status = 'sent', sent_at = now() where outbox_id = $1")
        .bind(sent)
        .execute(&pool)
        .await
        .unwrap();
    assert!(delivery_jobs(&pool).await.is_empty(), "no process can send mail: nothing is queued for one");

    assert_eq!(enable_delivery(&pool).await.unwrap(), 1, "the pending mail, not the sent one");
    assert_eq!(enable_delivery(&pool).await.unwrap(), 0, "a second start adds nothing");
    let jobs = delivery_jobs(&pool).await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(serde_json::from_value::<DeliverMail>(jobs[0].1.clone()).unwrap().outbox_id, pending);
}
