use reqwest::{StatusCode, header};
use serde_json::json;

use crate::helpers::{TestApp, json, location};

#[tokio::test]
async fn each_demo_role_lands_on_its_own_home() {
    // Arrange
    let app = TestApp::spawn().await;
    for (email, home) in [
        ("credit@distributor.example", "/backoffice"),
        ("ops@distributor.example", "/backoffice"),
        ("partner@reseller.example", "/cp"),
        ("admin@contoso.example", "/portal"),
    ] {
        let client = TestApp::browser(&app.address);
        // Act
        let response = client
            .post(app.url("/api/login"))
            .header(header::ACCEPT, "application/json")
            .form(&[("email", email), ("password", "demo-password"), ("next", "")])
            .send()
            .await
            .unwrap();
        // Assert
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(json(response).await, json!(home), "{email}");
        let page = client.get(app.url(home)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{email} opens {home}");
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_at_the_password_field() {
    let app = TestApp::spawn().await;

    let response = app.login("partner@reseller.example", "wrong-password").await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(response).await;
    assert_eq!(body["Invalid"][0]["field"], "password");
    assert_eq!(app.get("/cp").await.status(), StatusCode::SEE_OTHER, "no session was created");
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_as_a_wrong_password() {
    let app = TestApp::spawn().await;

    let unknown = json(app.login("nobody@nowhere.example", "demo-password").await).await;
    let wrong = json(app.login("partner@reseller.example", "not-it").await).await;

    assert_eq!(unknown, wrong);
}

#[tokio::test]
async fn a_malformed_email_is_refused_at_the_email_field() {
    let app = TestApp::spawn().await;

    let response = app.login("not-an-email", "demo-password").await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(response).await["Invalid"][0]["field"], "email");
}

#[tokio::test]
async fn repeated_failures_lock_the_address_for_a_while() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 3).await;
    for _ in 0..3 {
        assert_eq!(app.login("partner@reseller.example", "guess").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    // Even the right password is refused until the window passes.
    let response = app.login("partner@reseller.example", "demo-password").await;

    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(json(response).await["TooManyRequests"]["message"].as_str().unwrap().contains("15 minutes"));
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let app = TestApp::spawn().await;
    let first = app.login("partner@reseller.example", "demo-password").await;
    let first_cookie = first.headers().get(header::SET_COOKIE).cloned().expect("a session cookie at sign-in");

    // Signing in again while holding a session must not keep that session's id (fixation).
    let second = app.login("partner@reseller.example", "demo-password").await;

    let second_cookie = second.headers().get(header::SET_COOKIE).cloned().expect("a new session cookie");
    assert_ne!(first_cookie, second_cookie);
    let cookie = second_cookie.to_str().unwrap();
    assert!(cookie.starts_with("cm_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "plain http in tests: no Secure flag");
}

#[tokio::test]
async fn the_login_form_works_without_javascript() {
    let app = TestApp::spawn().await;

    // A browser posting the form itself: form-encoded, asking for HTML, with a Referer.
    let response = app
        .client
        .post(app.url("/api/login"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/login?next=%2Fcp%2Fcustomers"))
        .form(&[("email", "partner@reseller.example"), ("password", "demo-password"), ("next", "/cp/customers")])
        .send()
        .await
        .unwrap();

    assert!(response.status().is_redirection());
    assert_eq!(location(&response), "/cp/customers");
    assert_eq!(app.get("/cp/customers").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_failed_plain_form_sign_in_returns_to_the_form_with_the_error() {
    let app = TestApp::spawn().await;

    let response = app
        .client
        .post(app.url("/api/login"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/login"))
        .form(&[("email", "partner@reseller.example"), ("password", "nope"), ("next", "")])
        .send()
        .await
        .unwrap();

    assert!(response.status().is_redirection());
    let back = location(&response);
    assert!(back.starts_with(&app.url("/login?")), "{back}");
    let page = app.client.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("The e-mail address or the password is not correct."));
}

#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let app = TestApp::spawn().await;

    let response = reqwest::Client::new()
        .post(app.url("/api/login"))
        .header(header::ORIGIN, "http://evil.example")
        .form(&[("email", "partner@reseller.example"), ("password", "demo-password"), ("next", "")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_first() {
    // Arrange: the partner's password is temporary.
    let app = TestApp::spawn().await;
    sqlx::query("update app_user set must_change_password = true where email = 'partner@reseller.example'")
        .execute(&app.pool)
        .await
        .unwrap();

    // Act / Assert: sign-in sends the user to the password page, and nothing else opens.
    let response = app.login("partner@reseller.example", "demo-password").await;
    assert_eq!(json(response).await, json!("/account/password"));
    assert_eq!(location(&app.get("/cp").await), "/account/password");
    assert_eq!(app.call("customers", &[]).await.status(), StatusCode::FORBIDDEN);

    let weak = app
        .call(
            "change_password",
            &[("current_password", "demo-password"), ("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(weak).await["Invalid"][0]["field"], "new_password");

    let changed = app
        .call(
            "change_password",
            &[
                ("current_password", "demo-password"),
                ("new_password", "a-much-better-password"),
                ("confirm_password", "a-much-better-password"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(json(changed).await, json!("/cp"));
    assert_eq!(app.get("/cp").await.status(), StatusCode::OK);

    // The old password no longer works; the new one does.
    let fresh = TestApp::browser(&app.address);
    let old = fresh
        .post(app.url("/api/login"))
        .header(header::ACCEPT, "application/json")
        .form(&[("email", "partner@reseller.example"), ("password", "demo-password"), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let audit: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'auth.password_changed'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;

    let response = app.call("logout", &[]).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.get("/cp").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(json(app.call("me", &[]).await).await, json!(null));
}
