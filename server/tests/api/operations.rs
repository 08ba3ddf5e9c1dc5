//! Operations' job page: dead jobs are listed for operations only, and "Retry" puts one back in
//! the queue with a fresh set of attempts, recorded in the audit log.

use reqwest::StatusCode;

use crate::{
    helpers::{TestApp, json, unused_port},
    provisioning::order_for,
};

/// An order whose provisioning job gave up (no workers run here, so it stays as left).
async fn dead_job(app: &TestApp) -> (i64, uuid::Uuid) {
    let number = order_for(app, "deadjob", "1234567").await;
    let job_id = sqlx::query_scalar!(
        "update job set state = 'dead', attempts = 30, finished_at = now(),
                        last_error = 'Partner Center is not available: HTTP 503 Service Unavailable'
         where kind = 'provision_order' returning job_id"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (number, job_id)
}

#[tokio::test]
async fn operations_see_dead_jobs_and_others_do_not() {
    let app = TestApp::spawn().await;
    app.login_ok("ops@distributor.example").await;
    let empty = json(app.call("jobs_overview", &[]).await).await;
    assert_eq!(empty["counts"]["dead"], 0);
    assert_eq!(empty["dead"].as_array().map(Vec::len), Some(0));
    let page = app.get("/backoffice/jobs").await.text().await.unwrap();
    assert!(page.contains("No dead jobs"), "the empty state is shown");

    let (number, job_id) = dead_job(&app).await;
    let response = app.call("jobs_overview", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let overview = json(response).await;
    assert_eq!(overview["counts"]["dead"], 1);
    assert_eq!(overview["counts"]["queued"], 0);
    let dead = &overview["dead"][0];
    assert_eq!(dead["job_id"], job_id.to_string());
    assert_eq!(dead["kind"], "provision_order");
    assert_eq!(dead["attempts"], 30);
    assert_eq!(dead["order_number"], number);
    assert!(dead["last_error"].as_str().unwrap_or_default().contains("503"));

    let page = app.get("/backoffice/jobs").await.text().await.unwrap();
    assert!(page.contains("Dead jobs") && page.contains("Retry") && page.contains(&job_id.to_string()));

    for email in ["partner@reseller.example", "credit@distributor.example"] {
        let other = app.another_user();
        other.login_ok(email).await;
        assert_eq!(other.call("jobs_overview", &[]).await.status(), StatusCode::FORBIDDEN, "{email}");
        let id = job_id.to_string();
        assert_eq!(other.call("retry_job", &[("job_id", &id)]).await.status(), StatusCode::FORBIDDEN, "{email}");
    }
    let state = sqlx::query_scalar!("select state::text from job where job_id = $1", job_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(state.as_deref(), Some("dead"), "a refused retry changes nothing");
}

#[tokio::test]
async fn retry_puts_a_dead_job_back_in_the_queue_with_fresh_attempts() {
    let app = TestApp::spawn().await;
    let (_, job_id) = dead_job(&app).await;
    app.login_ok("ops@distributor.example").await;
    let id = job_id.to_string();

    assert_eq!(app.call("retry_job", &[("job_id", "not-a-job")]).await.status(), StatusCode::NOT_FOUND);
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_eq!(app.call("retry_job", &[("job_id", &unknown)]).await.status(), StatusCode::NOT_FOUND);

    assert_eq!(app.call("retry_job", &[("job_id", &id)]).await.status(), StatusCode::OK);
    let job = sqlx::query!(
        r#"select state::text as "state!", attempts, finished_at, run_at <= now() as "due!" from job where job_id = $1"#,
        job_id
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(job.state, "queued");
    assert_eq!(job.attempts, 0);
    assert!(job.finished_at.is_none() && job.due);
    let audited = sqlx::query_scalar!(
        "select count(*) from audit_log a join app_user u on u.user_id = a.actor_user_id
         where a.action = 'job.retried' and a.target_id = $1 and u.email = 'ops@distributor.example'",
        id
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, Some(1));

    assert_eq!(app.call("retry_job", &[("job_id", &id)]).await.status(), StatusCode::CONFLICT, "only a dead job");
    let overview = json(app.call("jobs_overview", &[]).await).await;
    assert_eq!(overview["counts"]["dead"], 0);
    assert_eq!(overview["counts"]["queued"], 1);
}

/// Without a mail server the server still starts (on loopback), and the staff whose pages it
/// affects are told on those pages what does not work and which variable to set, in their
/// language; with one, nothing is shown.
#[tokio::test]
async fn a_missing_mail_server_is_shown_on_the_jobs_and_outbox_pages() {
    let app = TestApp::spawn().await;
    app.login_ok("ops@distributor.example").await;
    assert_eq!(json(app.call("missing_settings", &[]).await).await, serde_json::json!(["MailServer"]));
    for page in ["/backoffice/jobs", "/backoffice/outbox"] {
        let html = app.get(page).await.text().await.expect("the page");
        assert!(html.contains("No mail server is configured"), "{page}");
        assert!(html.contains("<code>CLOUDMARKET_SMTP_URL</code>"), "{page}");
    }
    app.call("set_locale", &[("locale", "tr")]).await;
    let html = app.get("/backoffice/outbox").await.text().await.expect("the page");
    assert!(html.contains("E-posta sunucusu ayarlanmamış"), "the notice in Turkish");

    let mailing = TestApp::spawn_with(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{}", unused_port()))).await;
    mailing.login_ok("credit@distributor.example").await;
    assert_eq!(json(mailing.call("missing_settings", &[]).await).await, serde_json::json!([]));
    let html = mailing.get("/backoffice/outbox").await.text().await.expect("the page");
    assert!(!html.contains("missing-setting"), "no notice when nothing is missing");
}
