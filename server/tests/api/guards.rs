//! What a browser is told to refuse (CSP, framing, HSTS), and what the guards refuse before a page
//! or a server function runs: other spellings of a path, other origins, control characters.
//! Each test is written as the attack it stops.

use reqwest::{StatusCode, header};

use crate::helpers::{TestApp, location};

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// A page may run only its own scripts: the CSP names this render's nonce, and the hydration
/// script carries that nonce. No page can be framed (clickjacking) or sniffed as another type.
#[tokio::test]
async fn pages_allow_only_their_own_scripts_and_no_framing() {
    let app = TestApp::spawn().await;
    let response = app.get("/login").await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = header_of(&response, header::CONTENT_SECURITY_POLICY);
    assert_eq!(header_of(&response, header::X_FRAME_OPTIONS), "DENY");
    assert_eq!(header_of(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header_of(&response, header::REFERRER_POLICY), "strict-origin-when-cross-origin");
    assert!(response.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none(), "no HSTS over plain http");
    let html = response.text().await.expect("page");

    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "inline scripts run only with the nonce: {csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce in the CSP");
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");
    let other = header_of(&app.get("/login").await, header::CONTENT_SECURITY_POLICY);
    assert_ne!(csp, other, "a nonce is used once");
}

/// Downloads, JSON and static files run nothing either.
#[tokio::test]
async fn other_responses_get_a_policy_that_runs_nothing() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    let csp = header_of(&response, header::CONTENT_SECURITY_POLICY);
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(header_of(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
}

/// Behind an https public URL, browsers are told to keep to https.
#[tokio::test]
async fn https_deployments_send_hsts() {
    let app = TestApp::spawn_with(|config| config.public_url = Some("https://market.example".into())).await;
    let response = app.get("/healthz").await;
    assert!(header_of(&response, header::STRICT_TRANSPORT_SECURITY).starts_with("max-age="));
}

/// `/./backoffice/outbox` and its other spellings used to pass the area guard (it matches
/// prefixes) and render the page shell. They now go to the plain path first, which the guard
/// then checks as usual.
#[tokio::test]
async fn another_spelling_of_a_path_meets_the_same_guard() {
    let app = TestApp::spawn().await;
    // Sent byte for byte: an HTTP client library would tidy the path itself (as `curl
    // --path-as-is` does not), and the attacker's does not.
    for odd in ["/./backoffice/outbox", "//backoffice/outbox", "/cp/../backoffice/outbox", "/%62ackoffice/outbox"] {
        let (status, location) = raw_get(&app, odd).await;
        assert_eq!(status, 308, "{odd}");
        assert_eq!(location, "/backoffice/outbox", "{odd}");
    }
    assert_eq!(raw_get(&app, "/./cp/orders?x=1").await, (308, "/cp/orders?x=1".to_owned()));
    let (status, location) = raw_get(&app, "/backoffice/outbox").await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/login?next="), "{location}");
}

/// `GET path` on a fresh connection, exactly as written: the status and the Location header.
async fn raw_get(app: &TestApp, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let location = answer
        .lines()
        .find_map(|line| line.strip_prefix("location: ").or_else(|| line.strip_prefix("Location: ")))
        .unwrap_or_default()
        .to_owned();
    (status, location)
}

/// A page served over http cannot be posted to from https on the same host and port (or from
/// another port): the Origin check compares scheme, host and port.
#[tokio::test]
async fn the_origin_check_compares_the_scheme_too() {
    let app = TestApp::spawn().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    for origin in [format!("https://{host}"), format!("http://{host}.evil.example")] {
        let response = reqwest::Client::new()
            .post(app.url("/api/login"))
            .header(header::ORIGIN, &origin)
            .header(header::ACCEPT, "application/json")
            .form(&[("email", "partner@reseller.example"), ("password", "demo-password"), ("next", "")])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin}");
    }
}

/// A NUL byte in a text field used to reach PostgreSQL, which refuses it: a 500. Every server
/// function now refuses it first, at the field.
#[tokio::test]
async fn a_nul_byte_in_any_field_is_refused_at_the_field() {
    let app = TestApp::spawn().await;
    let refused = |response: reqwest::Response, field: &'static str| async move {
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let body: serde_json::Value = response.json().await.expect("an error body");
        assert_eq!(body["Invalid"][0]["field"], field, "{body}");
    };
    refused(
        app.call("login", &[("email", "partner@reseller.example\0"), ("password", "x"), ("next", "")]).await,
        "email",
    )
    .await;
    refused(app.call("application_status", &[("token", "abc\0def")]).await, "token").await;

    app.login_ok("partner@reseller.example").await;
    refused(
        app.call("add_to_cart", &[("sku", "CFQ7TTC0LH18\0"), ("billing_cycle", "monthly"), ("quantity", "1")]).await,
        "sku",
    )
    .await;
    let customer = [
        ("customer_mode", "new"),
        ("company_name", "Nul Bilişim"),
        ("tax_number", "1234567890"),
        ("address", "Maslak\0 Istanbul"),
        ("phone", "0212 555 01 02"),
        ("contact_name", "Ayşe"),
        ("contact_email", "ayse@nul.example"),
    ];
    refused(app.call("checkout_customer", &customer).await, "address").await;

    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    refused(credit.call("record_payment", &[("statement_number", "1"), ("reference", "EFT\0-1")]).await, "reference")
        .await;

    // The server is still healthy and nothing was written for any of them.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    // The demo's invoiced month has an order of its own (server/src/demo.rs).
    let orders: i64 =
        sqlx::query_scalar("select count(*) from sales_order where order_id <> '00000000-0000-4000-8500-000000000001'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let carts: i64 = sqlx::query_scalar("select count(*) from cart_line").fetch_one(&app.pool).await.unwrap();
    assert_eq!((orders, carts), (0, 0));
}

/// Without JavaScript the refusal comes back to the form, like any other refusal.
#[tokio::test]
async fn a_plain_form_with_a_nul_byte_goes_back_to_the_form() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/login"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/login"))
        .form(&[("email", "a\0b@reseller.example"), ("password", "x"), ("next", "")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FOUND);
    let back = location(&response);
    assert!(back.starts_with(&app.url("/login?")), "{back}");
    assert!(back.contains("__err="), "{back}");
    let page = app.get(back.trim_start_matches(&app.address)).await.text().await.expect("page");
    assert!(page.contains("control character"), "the message is shown at the form");
}

/// A partner names a new customer `-SUM(A1/A2)` at checkout. Its statement's CSV, opened in a
/// spreadsheet, must show that name, not run it as a formula: the cell starts with a quote.
#[tokio::test]
async fn a_customer_named_like_a_formula_stays_text_in_the_statement_csv() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;
    let step = |response: reqwest::Response| async move {
        let status = response.status();
        assert_eq!(status, StatusCode::OK, "{}", response.text().await.unwrap_or_default());
    };
    let add = [("sku", "CFQ7TTC0LH18"), ("billing_cycle", "monthly"), ("quantity", "2")];
    step(app.call("add_to_cart", &add).await).await;
    let customer = [
        ("customer_mode", "new"),
        ("company_name", "-SUM(A1/A2)"),
        ("tax_number", "1234567890"),
        ("address", "Levent, İstanbul"),
        ("phone", "0212 555 01 02"),
        ("contact_name", "Ayşe Yılmaz"),
        ("contact_email", "ayse@formula.example"),
        ("mpn_id", "1234567"),
    ];
    step(app.call("checkout_customer", &customer).await).await;
    step(app.call("checkout_tenant", &[("tenant_mode", "new"), ("prefix", "formulaltd")]).await).await;
    let checkout: serde_json::Value = app.call("checkout", &[]).await.json().await.expect("the checkout");
    let key = checkout["idempotency_key"].as_str().expect("a key").to_owned();
    let submitted = app.call("submit_order", &crate::helpers::submit_form(&key)).await;
    assert_eq!(submitted.status(), StatusCode::OK);

    // The month's purchase charge on a statement, as a billing run leaves them.
    let statement: i64 = sqlx::query_scalar(
        "with s as (
             insert into statement (statement_id, partner_id, period, subtotal, vat, total, currency, issued_at)
             values (gen_random_uuid(), '00000000-0000-4000-8000-000000000002', '2025-06-01', 12, 2.4, 14.4, 'USD', now())
             returning statement_id, statement_number)
         insert into charge (partner_id, customer_id, subscription_id, order_id, kind, description, quantity,
                             service_start, service_end, amount, currency, occurred_at, source_key, statement_id)
         select so.partner_id, so.customer_id, sub.subscription_id, so.order_id, 'purchase', 'Microsoft 365 Business Basic',
                2, '2025-06-01', '2025-07-01', 12, 'USD', now(), 'purchase:' || sub.subscription_id, s.statement_id
         from sales_order so join subscription sub using (order_id) cross join s
         where so.tenant_prefix = 'formulaltd'
         returning (select statement_number from s)",
    )
    .fetch_one(&app.pool)
    .await
    .expect("a statement with the charge");

    let csv = app.get(&format!("/cp/billing/statements/{statement}/csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.expect("the CSV");
    let line = csv.lines().nth(1).expect("the charge's line");
    let cells: Vec<&str> = line.split(',').collect();
    assert_eq!(cells[2], "'-SUM(A1/A2)", "{csv}");
    assert!(!cells.iter().any(|cell| cell.starts_with(['=', '+', '-', '@'])), "{line}");
}
