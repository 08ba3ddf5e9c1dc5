//! Outbox delivery over SMTP against a fake mail server: sent when it is up, retried while it is
//! down, left in the outbox without SMTP.

use std::time::Duration;

use app::notifications::{OutboxStatus, ssr::enqueue};
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{FakeSmtp, TestApp, fresh_database, json, unused_port};

#[derive(Debug)]
struct Delivery {
    status: OutboxStatus,
    attempts: i32,
    last_error: Option<String>,
    sent_at: Option<time::OffsetDateTime>,
}

async fn delivery(pool: &PgPool, outbox_id: Uuid) -> Delivery {
    sqlx::query_as!(
        Delivery,
        r#"select status as "status: OutboxStatus", attempts, last_error, sent_at
           from email_outbox where outbox_id = $1"#,
        outbox_id
    )
    .fetch_one(pool)
    .await
    .expect("the mail is in the outbox")
}

/// Polls the mail's delivery state until `done` holds; fails the test after ten seconds.
async fn wait_for(pool: &PgPool, outbox_id: Uuid, what: &str, done: impl Fn(&Delivery) -> bool) -> Delivery {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let state = delivery(pool, outbox_id).await;
        if done(&state) {
            return state;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}; last seen {state:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn queued_mail_reaches_the_mail_server_and_is_marked_sent() {
    let smtp = FakeSmtp::start().await;
    let app = TestApp::spawn_with(|config| config.smtp_url = Some(smtp.url())).await;

    let id = enqueue(&app.pool, "buyer@contoso.example", "Your order 1001 is confirmed", "Thank you.\n.\nBye")
        .await
        .unwrap();

    let sent = wait_for(&app.pool, id, "the mail to be sent", |d| d.status == OutboxStatus::Sent).await;
    assert_eq!(sent.attempts, 1);
    assert!(sent.sent_at.is_some());
    let received = smtp.received();
    assert_eq!(received.len(), 1, "exactly one mail went out: {received:?}");
    let mail = &received[0];
    assert_eq!(mail.recipients, ["buyer@contoso.example"]);
    assert_eq!(mail.from, "no-reply@cloudmarket.example");
    assert!(mail.data.contains("Subject: Your order 1001 is confirmed"), "{}", mail.data);
    assert!(mail.data.contains(&format!("Message-ID: <{id}@cloudmarket.example>")), "{}", mail.data);
    // A body line of a lone dot survives the SMTP end-of-data marker.
    assert!(mail.data.contains("Thank you.\n.\nBye"), "{}", mail.data);
}

#[tokio::test]
async fn mail_waits_while_the_mail_server_is_down_and_goes_out_when_it_is_back() {
    let port = unused_port();
    let app = TestApp::spawn_with(|config| config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;

    let id = enqueue(&app.pool, "partner@reseller.example", "Application approved", "Your password: x").await.unwrap();

    let waiting = wait_for(&app.pool, id, "a failed attempt", |d| d.attempts >= 1 && d.last_error.is_some()).await;
    assert_eq!(waiting.status, OutboxStatus::Pending, "a mail server that is down does not lose the mail");
    assert!(waiting.sent_at.is_none());

    let smtp = FakeSmtp::start_on(port).await;
    let sent = wait_for(&app.pool, id, "the retry to succeed", |d| d.status == OutboxStatus::Sent).await;
    assert!(sent.attempts >= 2, "sent on a retry: {sent:?}");
    let received = smtp.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].recipients, ["partner@reseller.example"]);
    assert!(received[0].data.contains("Subject: Application approved"));
}

#[tokio::test]
async fn an_undeliverable_address_is_failed_with_its_reason_and_shown_in_the_outbox() {
    let smtp = FakeSmtp::start().await;
    let app = TestApp::spawn_with(|config| config.smtp_url = Some(smtp.url())).await;

    let id = enqueue(&app.pool, "not an address", "Hello", "Body").await.unwrap();

    let failed = wait_for(&app.pool, id, "the mail to fail", |d| d.status == OutboxStatus::Failed).await;
    assert_eq!(failed.attempts, 1, "an address that does not parse is not retried");
    assert!(smtp.received().is_empty());
    app.login_ok("ops@distributor.example").await;
    let mails = json(app.call("outbox", &[]).await).await;
    assert_eq!(mails[0]["status"], "Failed");
    assert_eq!(mails[0]["attempts"], 1);
    assert!(mails[0]["last_error"].as_str().is_some_and(|e| e.contains("invalid recipient")), "{mails}");
}

#[tokio::test]
async fn without_smtp_mail_stays_pending_and_readable_in_the_outbox_by_credit_control() {
    let app = TestApp::spawn().await;

    let id = enqueue(&app.pool, "someone@example.com", "Your one-time password", "OTP 123456").await.unwrap();
    // Long enough for a sender to have tried several times had one been started.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let state = delivery(&app.pool, id).await;
    assert_eq!(state.status, OutboxStatus::Pending);
    assert_eq!(state.attempts, 0);
    assert!(state.last_error.is_none());
    app.login_ok("credit@distributor.example").await;
    let mails = json(app.call("outbox", &[]).await).await;
    assert_eq!(mails[0]["subject"], "Your one-time password");
    assert_eq!(mails[0]["body_text"], "OTP 123456");
    assert_eq!(mails[0]["status"], "Pending");
    assert_eq!(mails[0]["attempts"], 0);
    // Operations see who a mail is for, its subject and its delivery state, never its words.
    let ops = app.another_user();
    ops.login_ok("ops@distributor.example").await;
    let mails = json(ops.call("outbox", &[]).await).await;
    assert_eq!(
        (mails[0]["subject"].as_str(), mails[0]["status"].as_str()),
        (Some("Your one-time password"), Some("Pending"))
    );
    assert!(mails[0]["body_text"].is_null(), "{mails}");
}

#[tokio::test]
async fn a_mail_two_processes_deliver_at_once_goes_out_once() {
    let smtp = FakeSmtp::start().await;
    let database = fresh_database().await;
    // Two processes on one database, with a mail sender each.
    let (first, stop_first, first_served) =
        TestApp::start_on(database.clone(), |config| config.smtp_url = Some(smtp.url())).await;
    let (_second, stop_second, second_served) =
        TestApp::start_on(database, |config| config.smtp_url = Some(smtp.url())).await;

    // The mail, and a second job for it committed with it, so both processes take one at once: as
    // when a stalled run's lease was taken over while it was still sending.
    let mut tx = first.pool.begin().await.unwrap();
    let id = enqueue(&mut *tx, "buyer@contoso.example", "Your order 1002 is confirmed", "Once.").await.unwrap();
    sqlx::query(
        "insert into job (job_id, kind, payload, max_attempts, dedup_key)
         select gen_random_uuid(), kind, payload, max_attempts, dedup_key || '.again' from job where dedup_key = $1",
    )
    .bind(id.to_string())
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    wait_for(&first.pool, id, "the mail to be sent", |d| d.status == OutboxStatus::Sent).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while sqlx::query_scalar::<_, i64>(
        "select count(*) from job where dedup_key like $1 || '%' and state = 'succeeded'",
    )
    .bind(id.to_string())
    .fetch_one(&first.pool)
    .await
    .unwrap()
        < 2
    {
        assert!(tokio::time::Instant::now() < deadline, "both delivery jobs finish");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let received = smtp.received();
    assert_eq!(received.len(), 1, "the mail went out once: {received:?}");

    let _ = (stop_first.send(()), stop_second.send(()));
    let _ = (first_served.await, second_served.await);
}
