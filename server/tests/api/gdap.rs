//! GDAP (issue #19): a partner asks for a customer's delegated admin relationship, the customer's
//! Global admin approves it on the sandbox's approval page, the refresh follows it to its end with
//! one notice per threshold, and a new one can be asked for once it is over. Never for another
//! partner's customer.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, json, ok, second_tenant};

const READER: &str = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
const USER_ADMIN: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";

async fn contoso(app: &TestApp) -> String {
    sqlx::query_scalar("select organisation_id::text from customer where tenant_prefix = 'contoso'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn request(
    partner: &TestApp,
    customer: &str,
    roles: &[&str],
    days: &str,
    auto_extend: bool,
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![("customer_id", customer), ("duration_days", days)];
    form.extend(roles.iter().map(|r| ("roles[]", *r)));
    if auto_extend {
        form.push(("auto_extend", "on"));
    }
    partner.call("request_gdap", &form).await
}

async fn gdap(partner: &TestApp, customer: &str) -> Value {
    ok(partner.call("customer", &[("customer_id", customer)]).await).await["gdap"].clone()
}

async fn check(partner: &TestApp, customer: &str) {
    ok(partner.call("check_gdap", &[("customer_id", customer)]).await).await;
}

async fn notices(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("select subject from email_outbox where subject like 'GDAP%' order by created_at")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// Moves the marketplace's (and the sandbox's) clock `days` ahead of the real one.
async fn clock_ahead_days(app: &TestApp, days: i32) {
    sqlx::query("update sandbox.clock set offset_by = make_interval(days => $1)")
        .bind(days)
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_request_is_approved_followed_to_its_end_with_one_notice_each_and_asked_again() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let customer = contoso(&app).await;
    assert!(gdap(&partner, &customer).await.is_null(), "never asked for");
    let page = partner.get(&format!("/cp/customers/{customer}")).await.text().await.unwrap();
    assert!(page.contains("needs an active GDAP relationship"), "what needs GDAP says so");

    // Refused at the field, nothing asked of Microsoft.
    let none = request(&partner, &customer, &[], "30", false).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(none).await["Invalid"][0]["field"], "roles");
    let long = request(&partner, &customer, &[READER], "731", false).await;
    assert_eq!(json(long).await["Invalid"][0]["field"], "duration_days");
    let global = request(&partner, &customer, &[READER, GLOBAL_ADMIN], "30", true).await;
    assert_eq!(global.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(global).await["Invalid"][0]["field"], "auto_extend");
    let vendor: i64 =
        sqlx::query_scalar("select count(*) from sandbox.gdap_relationship").fetch_one(&app.pool).await.unwrap();
    assert_eq!(vendor, 0, "nothing reached the vendor");

    // Asked for 10 days without auto-extend: waiting for the customer's Global admin.
    ok(request(&partner, &customer, &[READER, USER_ADMIN, READER], "10", false).await).await;
    let asked = gdap(&partner, &customer).await;
    assert_eq!(asked["status"], "requested", "{asked}");
    assert_eq!(asked["roles"], serde_json::json!(["Directory Readers", "User Administrator"]));
    let link = asked["approval_link"].as_str().unwrap().to_owned();
    assert!(link.starts_with(&app.url("/sandbox/gdap/")), "{link}");
    let again = request(&partner, &customer, &[READER], "10", false).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "one in play at a time");

    // The approval page names the roles; approved, the check finds it active for 10 days.
    let approval = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(approval.contains("Directory Readers") && approval.contains("Approve"), "{approval}");
    assert_eq!(app.client.post(&link).send().await.unwrap().status(), StatusCode::OK);
    check(&partner, &customer).await;
    let active = gdap(&partner, &customer).await;
    assert_eq!(active["status"], "expiring", "10 days left without auto-extend: {active}");
    assert_eq!(active["days_left"], 10);
    let page = partner.get(&format!("/cp/customers/{customer}")).await.text().await.unwrap();
    assert!(page.contains("Open the tenant&#x27;s admin centre") || page.contains("Open the tenant's admin centre"));
    // Within 30 days: the 30-day notice, once, however often it is checked.
    assert_eq!(notices(&app).await.len(), 1);
    check(&partner, &customer).await;
    let sent = notices(&app).await;
    assert!(
        sent.len() == 1 && sent[0].starts_with("GDAP for Contoso") && sent[0].ends_with("ends in 10 days"),
        "{sent:?}"
    );
    let list = ok(partner.call("customers", &[]).await).await;
    let row = list.as_array().unwrap().iter().find(|c| c["customer_id"] == customer.as_str()).unwrap().clone();
    assert_eq!(row["gdap_ends_in"], 10, "the Customers page shows it too");

    // Seven days before the end: the 7-day notice, once.
    clock_ahead_days(&app, 3).await;
    check(&partner, &customer).await;
    check(&partner, &customer).await;
    assert_eq!(notices(&app).await.len(), 2);
    assert_eq!(gdap(&partner, &customer).await["days_left"], 7);

    // Over: expired, and a new one may be asked for.
    clock_ahead_days(&app, 11).await;
    check(&partner, &customer).await;
    assert_eq!(gdap(&partner, &customer).await["status"], "expired");
    ok(request(&partner, &customer, &[READER], "730", true).await).await;
    assert_eq!(gdap(&partner, &customer).await["status"], "requested");
}

#[tokio::test]
async fn an_auto_extending_relationship_moves_its_end_and_an_unapproved_request_lapses() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let customer = contoso(&app).await;
    ok(request(&partner, &customer, &[READER], "20", true).await).await;
    let link = gdap(&partner, &customer).await["approval_link"].as_str().unwrap().to_owned();
    app.client.post(&link).send().await.unwrap();
    check(&partner, &customer).await;
    let active = gdap(&partner, &customer).await;
    assert_eq!(active["status"], "active", "auto-extends: never expiring: {active}");
    assert!(notices(&app).await.is_empty());
    // Past its end Microsoft extends it by 180 days.
    clock_ahead_days(&app, 21).await;
    check(&partner, &customer).await;
    let extended = gdap(&partner, &customer).await;
    assert_eq!(extended["status"], "active");
    assert_eq!(extended["days_left"], 179, "{extended}");

    // Terminated, a new request may be made; nobody approves it and it lapses after 90 days.
    sqlx::query("update gdap_relationship set status = 'terminated'").execute(&app.pool).await.unwrap();
    ok(request(&partner, &customer, &[READER], "30", false).await).await;
    clock_ahead_days(&app, 21 + 91).await;
    check(&partner, &customer).await;
    assert_eq!(gdap(&partner, &customer).await["status"], "expired", "the request lapsed");
}

#[tokio::test]
async fn another_partner_can_neither_ask_nor_see() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let customer = contoso(&app).await;
    ok(request(&partner, &customer, &[READER], "30", false).await).await;
    let (_, other) = second_tenant(&app).await;
    assert_eq!(request(&other, &customer, &[READER], "30", false).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.call("check_gdap", &[("customer_id", customer.as_str())]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.call("customer", &[("customer_id", customer.as_str())]).await.status(), StatusCode::NOT_FOUND);
    let mine: i64 = sqlx::query_scalar("select count(*) from gdap_relationship").fetch_one(&app.pool).await.unwrap();
    assert_eq!(mine, 1, "the other partner's attempt left nothing");
}
