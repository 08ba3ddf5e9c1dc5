//! Go-live hardening (issue "Go-live hardening", table rows 1, 3 and 11): each test is the attack
//! as it was tried against the demo, and what now refuses it.

use std::time::Duration;

use reqwest::{StatusCode, multipart::Form};
use serde_json::Value;
use uuid::Uuid;

use app::orders::OrderStatus;

use crate::{
    helpers::{FakeSmtp, TestApp, json, ok, test_secret_key},
    provisioning::{order_for, wait_for, with_workers},
};

const PARTNER_ID: &str = "00000000-0000-4000-8000-000000000002";
const BASIC: &str = "CFQ7TTC0LH18";
const DEFENDER: &str = "CFQ7TTC0LHXK";

async fn subscription_of_contoso(app: &TestApp, sku: &str) -> String {
    sqlx::query_scalar!(
        "select s.subscription_id from subscription s join product p using (product_id)
         where p.sku = $1 and s.customer_id = '00000000-0000-4000-8000-000000000003' order by s.created_at desc limit 1",
        sku
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .to_string()
}

async fn order_status(app: &TestApp, number: i64) -> OrderStatus {
    sqlx::query_scalar!(r#"select status as "status: OrderStatus" from sales_order where order_number = $1"#, number)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn licences(app: &TestApp, subscription: &str) -> (i32, i32) {
    let row = sqlx::query!(
        r#"select s.quantity, v.quantity as vendor from subscription s
           join sandbox.subscription v on v.subscription_id::text = s.vendor_subscription_id
           where s.subscription_id = $1::text::uuid"#,
        subscription
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (row.quantity, row.vendor)
}

async fn change_jobs(app: &TestApp, number: i64) -> i64 {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from job j join sales_order so on so.order_id = (j.payload ->> 'order_id')::uuid
           where j.kind = 'change_subscription' and so.order_number = $1"#,
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn recipients_of(app: &TestApp, subject_part: &str) -> Vec<String> {
    sqlx::query_scalar!(
        "select recipient from email_outbox where subject like '%' || $1 || '%' order by recipient",
        subject_part
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Row 1: the customer admin of Contoso raised a subscription to 10,000 licences and it was
/// provisioned at once, the partner's credit going to about −2.6 million against 5,000.
#[tokio::test]
async fn row_01_a_licence_increase_passes_the_seat_limit_and_the_credit_check() {
    let app = with_workers().await;
    let number = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    // The partner has little credit left: a 100 USD limit, 96 USD of it used by the order above.
    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    ok(credit.call("set_credit_limit", &[("partner_id", PARTNER_ID), ("credit_limit", "100")]).await).await;
    let admin = app.another_user();
    admin.login_ok("admin@contoso.example").await;
    let basic = subscription_of_contoso(&app, BASIC).await;
    let defender = subscription_of_contoso(&app, DEFENDER).await;

    // The attack as it was: 10,000 licences of Microsoft 365 Business Basic.
    let refused = admin.call("change_licences", &[("subscription_id", &basic), ("quantity", "10000")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(refused).await;
    assert_eq!(body["Invalid"][0]["field"], "quantity", "{body}");
    assert!(body["Invalid"][0]["message"].as_str().unwrap().contains("at most 300 licences"), "{body}");
    let over = admin.call("change_licences", &[("subscription_id", &basic), ("quantity", "301")]).await;
    assert_eq!(over.status(), StatusCode::UNPROCESSABLE_ENTITY, "the catalog's 300 is the limit");

    // Within the seat limit but over the credit: it waits for credit control; nothing reaches the vendor.
    let waiting = ok(admin.call("change_licences", &[("subscription_id", &basic), ("quantity", "300")]).await).await;
    let waiting = waiting.as_i64().unwrap();
    assert_eq!(order_status(&app, waiting).await, OrderStatus::AwaitingCreditApproval);
    assert_eq!(change_jobs(&app, waiting).await, 0, "no change job before approval");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(licences(&app, &basic).await, (10, 10), "neither the marketplace nor the vendor changed");
    let mails = recipients_of(&app, &format!("{waiting} awaits credit approval")).await;
    assert_eq!(mails, ["partner@reseller.example"], "the partner gets the sales order's mail");
    let mails = recipients_of(&app, &format!("Credit approval needed: order {waiting}")).await;
    assert_eq!(mails, ["credit@distributor.example"]);
    // The customer admin sees the change awaiting approval, and cannot stack another on it.
    let listed = ok(admin.call("my_subscriptions", &[]).await).await;
    let shown = listed.as_array().unwrap().iter().find(|s| s["subscription_id"] == basic.as_str()).unwrap();
    assert_eq!(shown["in_flight"]["status"], "awaiting_credit_approval", "{shown}");
    assert_eq!(shown["in_flight"]["order_number"], waiting);
    let again = admin.call("change_licences", &[("subscription_id", &basic), ("quantity", "299")]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    // The partner's available credit stays what it was: an order awaiting approval uses none.
    let usage = sqlx::query_scalar!(r#"select 100 - partner_credit_used($1::text::uuid) as "a!""#, PARTNER_ID)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(usage >= rust_decimal::Decimal::ZERO, "available credit {usage}");

    // A second over-credit increase, rejected: the subscription keeps its count and is free again.
    let rejected = ok(admin.call("change_licences", &[("subscription_id", &defender), ("quantity", "2000")]).await)
        .await
        .as_i64()
        .unwrap();
    assert_eq!(order_status(&app, rejected).await, OrderStatus::AwaitingCreditApproval);
    let n = rejected.to_string();
    let decide = [("order_number", n.as_str()), ("decision", "reject"), ("reason", "Over the limit")];
    ok(credit.call("decide_credit", &decide).await).await;
    assert_eq!(order_status(&app, rejected).await, OrderStatus::Rejected);
    let decided = recipients_of(&app, &format!("Order {rejected} rejected by credit control")).await;
    assert_eq!(decided, ["admin@contoso.example", "partner@reseller.example"]);
    let open = ok(admin.call("subscription", &[("subscription_id", &defender)]).await).await;
    assert!(open["open_order"].is_null(), "a rejected change leaves the subscription free: {open}");

    // Approved, the first change goes to the vendor as a change order and completes.
    let n = waiting.to_string();
    ok(credit.call("decide_credit", &[("order_number", &n), ("decision", "approve")]).await).await;
    wait_for(&app, waiting, OrderStatus::Completed).await;
    assert_eq!(licences(&app, &basic).await, (300, 300));
    assert_eq!(change_jobs(&app, waiting).await, 1);
}

/// Seat limits hold in the cart and at checkout too, at the quantity's field.
#[tokio::test]
async fn row_01_the_cart_and_checkout_keep_the_catalog_seat_limit() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;
    let add = async |quantity: &str| {
        app.call("add_to_cart", &[("sku", BASIC), ("billing_cycle", "monthly"), ("quantity", quantity)]).await
    };
    let refused = add("301").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(refused).await;
    assert_eq!(body["Invalid"][0]["field"], "quantity");
    assert!(body["Invalid"][0]["message"].as_str().unwrap().contains("Microsoft 365 Business Basic"), "{body}");
    ok(add("200").await).await;
    // Adding to the line counts what is in it already.
    assert_eq!(add("101").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let update = app.call("update_cart_line", &[("sku", BASIC), ("quantity", "301")]).await;
    assert_eq!(update.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let cart = ok(app.call("cart", &[]).await).await;
    assert_eq!(cart["lines"][0]["quantity"], 200, "a refused change leaves the line as it was");
    assert_eq!(cart["lines"][0]["max_seats"], 300);
    // A product without a vendor limit keeps the marketplace's 10,000.
    ok(app.call("add_to_cart", &[("sku", "CFQ7TTC0LF8R"), ("billing_cycle", "monthly"), ("quantity", "500")]).await)
        .await;
}

fn dealer_form(email: &str) -> Form {
    Form::new()
        .text("kind", "dealer")
        .text("company_name", "Rakip Bayi Ltd.")
        .text("dealer_code", "120.01.0777")
        .text("dealer_credit_confirmed", "on")
        .text("contact_name", "Rita Rakip")
        .text("contact_email", email.to_owned())
        .text("contact_phone", "+90 216 555 00 00")
}

/// Credit control approves the one application; returns the new partner admin's user id.
async fn approve_dealer(app: &TestApp, email: &str) -> Uuid {
    let applied = app.client.post(app.url("/become-a-partner/submit")).multipart(dealer_form(email)).send().await;
    assert_eq!(applied.unwrap().status(), StatusCode::SEE_OTHER);
    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    let application = ok(credit.call("application", &[("number", "1")]).await).await;
    let id = application["application_id"].as_str().unwrap();
    ok(credit.call("approve_application", &[("application_id", id), ("credit_limit", "5000")]).await).await;
    sqlx::query_scalar!("select user_id from app_user where email = $1", email).fetch_one(&app.pool).await.unwrap()
}

fn mail_to<'a>(outbox: &'a Value, recipient: &str) -> &'a Value {
    outbox.as_array().unwrap().iter().find(|m| m["recipient"] == recipient).expect("a mail to the recipient")
}

/// Row 3: an operations user read a new partner's temporary password in the outbox, signed in
/// with it and chose the password (account takeover); tenants' one-time passwords stayed in the
/// outbox for ever and went to the partner by mail.
#[tokio::test]
async fn row_03_operations_read_no_credentials_and_none_rest_readable() {
    let app = TestApp::spawn().await;
    let rita = approve_dealer(&app, "rita@rival.example").await;

    // The attack: operations open the outbox.
    let ops = app.another_user();
    ops.login_ok("ops@distributor.example").await;
    let outbox = ok(ops.call("outbox", &[]).await).await;
    let mail = mail_to(&outbox, "rita@rival.example");
    assert_eq!(mail["secret_kind"], "SetPasswordLink", "operations see what the mail carries");
    assert!(mail["body_text"].is_null() && mail["revealed_secret"].is_null(), "{mail}");
    let page = ops.get("/backoffice/outbox").await.text().await.unwrap();
    assert!(page.contains("rita@rival.example") && !page.contains("/set-password/"), "the page shows no link");
    // No password exists to guess or read: the account cannot be signed in to before the link.
    let hash: String = sqlx::query_scalar!("select password_hash from app_user where user_id = $1", rita)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!hash.starts_with("$argon2"), "no password was made up for the new partner");
    // At rest: the body has a slot, the link is sealed, the token is stored as its hash only.
    let row = sqlx::query!(
        r#"select outbox_id, body_text, secret as "secret!" from email_outbox where recipient = 'rita@rival.example'
           and secret_kind = 'set_password_link'"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!row.body_text.contains("/set-password/"), "{}", row.body_text);
    let link = test_secret_key().open(&row.secret, row.outbox_id.as_bytes()).expect("sealed with the server's key");
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert!(!String::from_utf8_lossy(&row.secret).contains(&token));
    let stored: i64 = sqlx::query_scalar!(
        r#"select count(*) as "n!" from password_link where user_id = $1 and token_hash = sha256(convert_to($2, 'UTF8'))"#,
        rita,
        token
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, 1, "only the token's hash is stored");

    // Without a mail server (the demo), credit control can still hand the link over.
    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    let outbox = ok(credit.call("outbox", &[]).await).await;
    assert_eq!(mail_to(&outbox, "rita@rival.example")["revealed_secret"], link.as_str());

    // The link works once, and a stolen copy used afterwards does nothing.
    let rita_browser = app.another_user();
    let set = |password: &'static str| {
        let token = token.clone();
        let browser = rita_browser.another_user();
        async move {
            let form = [("token", token.as_str()), ("new_password", password), ("confirm_password", password)];
            browser.call("set_password", &form).await
        }
    };
    ok(set("rita-chose-this").await).await;
    let reused = set("an-attackers-choice").await;
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(reused).await["Invalid"][0]["message"].as_str().unwrap().contains("already used"));
    assert_eq!(
        rita_browser.login("rita@rival.example", "an-attackers-choice").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(json(rita_browser.login("rita@rival.example", "rita-chose-this").await).await, "/cp");
    let outbox = ok(credit.call("outbox", &[]).await).await;
    assert!(mail_to(&outbox, "rita@rival.example")["revealed_secret"].is_string(), "unsent, still the demo's way");

    // An expired link does nothing either.
    sqlx::query!("update password_link set used_at = null, expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(set("after-it-expired").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Row 3 with a mail server: the link and a new tenant's one-time password reach only their
/// recipient, are never shown in the outbox, and are wiped from it once delivered.
#[tokio::test]
async fn row_03_with_a_mail_server_secrets_go_only_to_their_recipient_and_are_wiped() {
    let smtp = FakeSmtp::start().await;
    let app = TestApp::spawn_with(|c| {
        c.smtp_url = Some(smtp.url());
        c.workers = 1;
    })
    .await;
    approve_dealer(&app, "rita@rival.example").await;
    let number = order_for(&app, "gonewtenant", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    app.login_ok("partner@reseller.example").await;
    let shown = ok(app.call("view_admin_password", &[("order_number", &number.to_string())]).await).await;
    let password = shown["password"].as_str().unwrap().to_owned();

    // Delivered: what the mail server received.
    let to = |who: &str| -> Vec<String> {
        smtp.received().into_iter().filter(|m| m.recipients.iter().any(|r| r == who)).map(|m| m.data).collect()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !(to("rita@rival.example").iter().any(|m| m.contains("/set-password/"))
        && to("it@gonewtenant.example").iter().any(|m| m.contains("completed"))
        && to("partner@reseller.example").iter().any(|m| m.contains("completed")))
    {
        assert!(tokio::time::Instant::now() < deadline, "mail not delivered: {:?}", smtp.received());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(to("rita@rival.example").iter().any(|m| m.contains("/set-password/")), "the link reaches the new partner");
    assert!(to("it@gonewtenant.example").iter().any(|m| m.contains(&password)), "the contact gets the password");
    assert!(to("partner@reseller.example").iter().all(|m| !m.contains(&password)), "the partner never by mail");

    // Delivered secrets are wiped; nothing readable stays in the outbox or on the order.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left: i64 = sqlx::query_scalar!(r#"select count(*) as "n!" from email_outbox where secret is not null"#)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{left} delivered secrets still kept");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let bodies: Vec<String> =
        sqlx::query_scalar!("select body_text from email_outbox").fetch_all(&app.pool).await.unwrap();
    assert!(bodies.iter().all(|b| !b.contains(&password) && !b.contains("/set-password/")), "{bodies:?}");
    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    let outbox = ok(credit.call("outbox", &[]).await).await;
    assert!(
        outbox.as_array().unwrap().iter().all(|m| m["revealed_secret"].is_null()),
        "with a mail server the outbox shows no secret: {outbox}"
    );
    let sealed = sqlx::query_scalar!("select admin_password_sealed from sales_order where order_number = $1", number)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(sealed.is_none(), "viewed once, the order keeps no password");
}

/// Row 11: a password change left the user's other sessions signed in.
#[tokio::test]
async fn row_11_a_password_change_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let laptop = app.another_user();
    laptop.login_ok("admin@contoso.example").await;
    let phone = app.another_user();
    phone.login_ok("admin@contoso.example").await;
    ok(laptop.call("my_subscriptions", &[]).await).await;

    let form = [
        ("current_password", "demo-password"),
        ("new_password", "a-much-better-password"),
        ("confirm_password", "a-much-better-password"),
    ];
    ok(phone.call("change_password", &form).await).await;

    assert_eq!(
        laptop.call("my_subscriptions", &[]).await.status(),
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );
    assert!(ok(laptop.call("me", &[]).await).await.is_null());
    let page = laptop.get("/portal/csp").await;
    assert!(crate::helpers::location(&page).starts_with("/login"), "its pages ask to sign in again");
    ok(phone.call("my_subscriptions", &[]).await).await;
    assert_eq!(ok(phone.call("me", &[]).await).await["email"], "admin@contoso.example", "this session stays");

    // A reset through a set-password link ends every session, this one too.
    let user = sqlx::query_scalar!("select user_id from app_user where email = 'admin@contoso.example'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    let link = app::auth::ssr::issue_password_link(&mut conn, "http://x", user).await.unwrap();
    let token = link.rsplit('/').next().unwrap();
    let anonymous = app.another_user();
    let form = [("token", token), ("new_password", "reset-by-its-link"), ("confirm_password", "reset-by-its-link")];
    ok(anonymous.call("set_password", &form).await).await;
    assert_eq!(phone.call("my_subscriptions", &[]).await.status(), StatusCode::UNAUTHORIZED);
}
