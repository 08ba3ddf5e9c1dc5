//! Managing subscriptions after the sale (SPEC H and I) through the real server, workers and
//! sandbox: licence changes under the 168-hour rule with the marketplace clock moved forward,
//! cancellation orders the partner approves or rejects, impersonation, and who may touch what.

use reqwest::StatusCode;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use app::orders::OrderStatus;

use crate::{
    helpers::{TestApp, json, ok, second_tenant},
    provisioning::{order_for, wait_for, with_workers},
};

const CONTOSO: &str = "00000000-0000-4000-8000-000000000003";

/// Contoso with 10 Business Basic and 10 Defender (its add-on), provisioned; its admin signed in.
async fn contoso_with_licences() -> (TestApp, TestApp) {
    let app = with_workers().await;
    let number = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    let admin = app.another_user();
    admin.login_ok("admin@contoso.example").await;
    (app, admin)
}

async fn subscription_id(app: &TestApp, sku: &str) -> String {
    sqlx::query_scalar!(
        "select s.subscription_id from subscription s join product p using (product_id)
         where p.sku = $1 and s.customer_id = $2::text::uuid order by s.created_at desc limit 1",
        sku,
        CONTOSO
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .to_string()
}

const BASIC: &str = "CFQ7TTC0LH18";
const DEFENDER: &str = "CFQ7TTC0LHXK";

/// Moves the marketplace's clock to `hours` and `minutes` ahead of the real one.
async fn clock_ahead(app: &TestApp, hours: i32, minutes: i32) {
    sqlx::query!("update sandbox.clock set offset_by = make_interval(hours => $1, mins => $2)", hours, minutes)
        .execute(&app.pool)
        .await
        .unwrap();
}

async fn change(admin: &TestApp, id: &str, quantity: &str) -> reqwest::Response {
    admin.call("change_licences", &[("subscription_id", id), ("quantity", quantity)]).await
}

async fn changed_to(app: &TestApp, admin: &TestApp, id: &str, quantity: i32) -> i64 {
    let number = ok(change(admin, id, &quantity.to_string()).await).await.as_i64().unwrap();
    wait_for(app, number, OrderStatus::Completed).await;
    number
}

async fn refusal(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(response).await;
    body["Invalid"][0]["message"].as_str().unwrap_or_default().to_owned()
}

async fn lots(app: &TestApp, id: &str) -> Vec<i32> {
    sqlx::query_scalar!("select quantity from seat_lot where subscription_id = $1::text::uuid order by added_at", id)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn status_of(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar!(r#"select status::text as "s!" from subscription where subscription_id = $1::text::uuid"#, id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn vendor_quantity(app: &TestApp, id: &str) -> (i32, String) {
    let row = sqlx::query!(
        r#"select v.quantity, v.status::text as "status!" from sandbox.subscription v
           join subscription s on s.vendor_subscription_id = v.subscription_id::text
           where s.subscription_id = $1::text::uuid"#,
        id
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (row.quantity, row.status)
}

#[tokio::test]
async fn licences_go_up_any_time_and_down_only_within_168_hours_of_being_added() {
    let (app, admin) = contoso_with_licences().await;
    let basic = subscription_id(&app, BASIC).await;
    let listed = ok(admin.call("my_subscriptions", &[]).await).await;
    let row = listed.as_array().unwrap().iter().find(|s| s["sku"] == BASIC).unwrap();
    assert_eq!(row["quantity"], 10);
    assert_eq!(row["auto_renew"], true);
    assert!(!row["term_end"].is_null(), "an active subscription has a renewal date: {row}");
    assert_eq!(lots(&app, &basic).await, [10], "the purchase is the first seat lot");

    // An increase on the first day of the term is charged for the whole term: 3 × 7.20.
    let number = changed_to(&app, &admin, &basic, 13).await;
    let order = sqlx::query!(
        r#"select kind::text as "kind!", subtotal, vat, total from sales_order where order_number = $1"#,
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (order.kind.as_str(), order.subtotal, order.vat, order.total),
        ("change", dec!(21.60), dec!(4.32), dec!(25.92))
    );
    assert_eq!(lots(&app, &basic).await, [10, 3]);
    assert_eq!(vendor_quantity(&app, &basic).await, (13, "active".into()));

    // A week and a minute later every seat is past its window: nothing can be removed.
    clock_ahead(&app, 168, 1).await;
    let detail = ok(admin.call("subscription", &[("subscription_id", &basic)]).await).await;
    assert_eq!(detail["removable"], serde_json::json!([]));
    let why = refusal(change(&admin, &basic, "12").await).await;
    assert!(why.contains("168 hours") && why.contains("auto-renew"), "{why}");
    assert_eq!(lots(&app, &basic).await, [10, 3], "a refused change leaves nothing behind");

    // Two more seats then; 167 h 59 min later those two (only) can still go.
    changed_to(&app, &admin, &basic, 15).await;
    clock_ahead(&app, 168 + 167, 1 + 59).await;
    let detail = ok(admin.call("subscription", &[("subscription_id", &basic)]).await).await;
    assert_eq!(detail["removable"][0]["quantity"], 2, "{detail}");
    let why = refusal(change(&admin, &basic, "12").await).await;
    assert!(why.contains("2 of the 3"), "{why}");
    let number = changed_to(&app, &admin, &basic, 13).await;
    assert_eq!(lots(&app, &basic).await, [10, 3], "the newest seats went");
    assert_eq!(vendor_quantity(&app, &basic).await, (13, "active".into()));
    let refund = sqlx::query_scalar!(
        "select c.refund from subscription_change c join sales_order o using (order_id) where o.order_number = $1",
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(refund > Decimal::ZERO && refund < dec!(14.40), "the unused days of 2 × 7.20: {refund}");

    // One minute past the window, those seats would have stayed.
    clock_ahead(&app, 168 + 168, 1 + 1).await;
    assert!(refusal(change(&admin, &basic, "12").await).await.contains("168 hours"));
    assert!(refusal(change(&admin, &basic, "0").await).await.contains("Cancel Subscription"));
    assert!(refusal(change(&admin, &basic, "13").await).await.contains("already has 13"));
}

#[tokio::test]
async fn auto_renew_and_a_count_for_the_renewal_are_the_way_down_after_the_window() {
    let (app, admin) = contoso_with_licences().await;
    let basic = subscription_id(&app, BASIC).await;
    ok(admin.call("set_auto_renew", &[("subscription_id", &basic), ("auto_renew", "off")]).await).await;
    ok(admin.call("schedule_renewal", &[("subscription_id", &basic), ("renewal_quantity", "4")]).await).await;
    let detail = ok(admin.call("subscription", &[("subscription_id", &basic)]).await).await;
    assert_eq!(detail["view"]["auto_renew"], false);
    assert_eq!(detail["view"]["renewal_quantity"], 4);
    let bad = admin.call("schedule_renewal", &[("subscription_id", &basic), ("renewal_quantity", "lots")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = admin.call("set_auto_renew", &[("subscription_id", &basic), ("auto_renew", "maybe")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_cancellation_waits_for_the_partner_who_opens_it_and_the_vendor_cancels_base_and_add_ons() {
    let (app, admin) = contoso_with_licences().await;
    let basic = subscription_id(&app, BASIC).await;
    let defender = subscription_id(&app, DEFENDER).await;

    // Inside the first 7 days: the unused days of 10 × 7.20 come back, the day itself used.
    let detail = ok(admin.call("subscription", &[("subscription_id", &basic)]).await).await;
    let term = sqlx::query!(
        r#"select ((term_end at time zone 'UTC')::date - (term_start at time zone 'UTC')::date) as "days!" from subscription where subscription_id = $1::text::uuid"#,
        basic
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let expected = (dec!(72.00) * Decimal::from(term.days - 1) / Decimal::from(term.days)).round_dp(2);
    assert_eq!(detail["cancellation_refund"]["Prorated"]["amount"], expected.to_string(), "{detail}");
    assert_eq!(detail["addons"], serde_json::json!(["Microsoft Defender for Office 365 (Plan 1)"]));

    let number = ok(admin.call("cancel_subscription", &[("subscription_id", &basic)]).await).await.as_i64().unwrap();
    let order = sqlx::query!(
        r#"select o.kind::text as "kind!", o.status as "status: OrderStatus", c.refund
           from sales_order o join subscription_change c using (order_id) where o.order_number = $1"#,
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((order.kind.as_str(), order.status, order.refund), ("cancellation", OrderStatus::New, expected));
    for id in [&basic, &defender] {
        assert_eq!(status_of(&app, id).await, "pending_cancellation", "the add-on follows its base");
    }
    let mail = sqlx::query_scalar!(
        "select body_text from email_outbox where recipient = 'partner@reseller.example' and subject like 'Cancellation Order%'"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(mail.contains("Open Order") && mail.contains(&expected.to_string()), "{mail}");

    // Nothing else can start meanwhile.
    assert_eq!(admin.call("cancel_subscription", &[("subscription_id", &basic)]).await.status(), StatusCode::CONFLICT);
    assert_eq!(change(&admin, &basic, "11").await.status(), StatusCode::CONFLICT);
    // Only the partner decides: not the customer, not another partner.
    let n = number.to_string();
    let approve = [("order_number", n.as_str()), ("decision", "approve")];
    assert_eq!(admin.call("decide_cancellation", &approve).await.status(), StatusCode::FORBIDDEN);

    let partner = app.another_user();
    partner.login_ok("partner@reseller.example").await;
    let listed = ok(partner.call("my_orders", &[]).await).await;
    assert_eq!(listed[0]["order_number"], number, "new cancellation orders come first");
    assert_eq!(listed[0]["kind"], "cancellation");
    assert_eq!(listed[0]["status"], "new");
    ok(partner.call("decide_cancellation", &approve).await).await;
    wait_for(&app, number, OrderStatus::Completed).await;
    assert_eq!(partner.call("decide_cancellation", &approve).await.status(), StatusCode::CONFLICT);
    for id in [&basic, &defender] {
        assert_eq!(status_of(&app, id).await, "cancelled");
        assert_eq!(vendor_quantity(&app, id).await.1, "cancelled", "cancelled at the vendor too");
    }
    let detail = ok(partner.call("order", &[("order_number", &n)]).await).await;
    assert_eq!(detail["change"]["to_quantity"], 0);
    assert!(detail["o365_link"].is_null());
}

#[tokio::test]
async fn after_seven_days_a_cancellation_refunds_nothing_and_a_rejection_keeps_it_active() {
    let (app, admin) = contoso_with_licences().await;
    let basic = subscription_id(&app, BASIC).await;
    clock_ahead(&app, 24 * 7, 0).await;
    let detail = ok(admin.call("subscription", &[("subscription_id", &basic)]).await).await;
    assert_eq!(detail["cancellation_refund"], "None", "{detail}");
    let number = ok(admin.call("cancel_subscription", &[("subscription_id", &basic)]).await).await.as_i64().unwrap();
    let refund = sqlx::query_scalar!(
        "select c.refund from subscription_change c join sales_order o using (order_id) where o.order_number = $1",
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(refund, dec!(0));

    let partner = app.another_user();
    partner.login_ok("partner@reseller.example").await;
    let n = number.to_string();
    ok(partner.call("decide_cancellation", &[("order_number", &n), ("decision", "reject")]).await).await;
    let statuses = sqlx::query_scalar!(
        r#"select status::text as "s!" from subscription where customer_id = $1::text::uuid order by created_at"#,
        CONTOSO
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(statuses.iter().all(|s| s == "active"), "{statuses:?}");
    assert_eq!(vendor_quantity(&app, &basic).await, (10, "active".into()));
    let mail = sqlx::query_scalar!(
        "select subject from email_outbox where recipient = 'admin@contoso.example' order by created_at desc limit 1"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(mail.contains("not approved"), "{mail}");
    // A change can start again.
    changed_to(&app, &admin, &basic, 11).await;
}

#[tokio::test]
async fn nobody_reaches_another_customers_subscriptions_by_changing_ids() {
    let (app, _admin) = contoso_with_licences().await;
    let basic = subscription_id(&app, BASIC).await;
    let (northwind, other_partner) = second_tenant(&app).await;

    assert!(ok(northwind.call("my_subscriptions", &[]).await).await.as_array().unwrap().is_empty());
    let id = [("subscription_id", basic.as_str())];
    assert_eq!(northwind.call("subscription", &id).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(change(&northwind, &basic, "20").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(northwind.call("cancel_subscription", &id).await.status(), StatusCode::NOT_FOUND);
    let off = [("subscription_id", basic.as_str()), ("auto_renew", "off")];
    assert_eq!(northwind.call("set_auto_renew", &off).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        northwind.call("subscription", &[("subscription_id", "not-an-id")]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Another partner can neither open Contoso's portal nor act in any portal.
    let open = [("customer_id", CONTOSO)];
    assert_eq!(other_partner.call("open_customer_portal", &open).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(other_partner.call("my_subscriptions", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(other_partner.call("subscription", &id).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(other_partner.get("/portal/csp").await.status(), StatusCode::FORBIDDEN);

    let ops = app.another_user();
    ops.login_ok("ops@distributor.example").await;
    assert_eq!(ops.call("my_subscriptions", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(ops.call("open_customer_portal", &open).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.another_user().call("my_subscriptions", &[]).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_partner_opens_its_customers_portal_as_the_customer_audited_with_a_way_back() {
    let (app, _admin) = contoso_with_licences().await;
    let basic = subscription_id(&app, BASIC).await;
    let partner = app.another_user();
    partner.login_ok("partner@reseller.example").await;
    assert_eq!(partner.call("my_subscriptions", &[]).await.status(), StatusCode::FORBIDDEN, "not before opening it");
    assert_eq!(partner.get("/portal/csp").await.status(), StatusCode::FORBIDDEN);

    assert_eq!(ok(partner.call("open_customer_portal", &[("customer_id", CONTOSO)]).await).await, "/portal");
    let me = ok(partner.call("me", &[]).await).await;
    assert_eq!(me["acting_as"]["customer_name"], "Contoso Ltd");
    let page = partner.get("/portal/csp").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("You are in the customer portal as") && html.contains("Back to Control Panel"));
    assert_eq!(ok(partner.call("my_subscriptions", &[]).await).await.as_array().unwrap().len(), 2);
    ok(partner.call("set_auto_renew", &[("subscription_id", &basic), ("auto_renew", "off")]).await).await;

    let audited = sqlx::query!(
        r#"select a.action, a.acting_as_organisation_id::text as "acting_as?", u.email
           from audit_log a join app_user u on u.user_id = a.actor_user_id
           where a.action in ('portal.opened', 'subscription.auto_renew') order by a.occurred_at"#
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 2);
    for entry in &audited {
        assert_eq!(entry.email, "partner@reseller.example");
        assert_eq!(entry.acting_as.as_deref(), Some(CONTOSO), "{}", entry.action);
    }

    assert_eq!(ok(partner.call("leave_customer_portal", &[]).await).await, format!("/cp/customers/{CONTOSO}"));
    assert_eq!(partner.call("my_subscriptions", &[]).await.status(), StatusCode::FORBIDDEN);
    assert!(ok(partner.call("me", &[]).await).await["acting_as"].is_null());
}

#[tokio::test]
async fn the_sandbox_clock_moves_forward_only_and_by_bounded_steps() {
    let app = TestApp::spawn().await;
    let put = |hours: i64| {
        app.sandbox(reqwest::Method::PUT, "/sandbox/clock").json(&serde_json::json!({ "offset_hours": hours }))
    };
    let moved = put(170).send().await.unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    assert_eq!(json(moved).await["offset_hours"], 170);
    let ahead = sqlx::query_scalar!(r#"select market_now() - now() > interval '169 hours' as "ahead!""#)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(ahead);
    for bad in [-1, 100_000] {
        assert_eq!(put(bad).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    }
    // A test clock, as a payment provider's: it never goes back (seats and charges recorded
    // meanwhile would lie in the future).
    let back = put(0).send().await.unwrap();
    assert_eq!(back.status(), StatusCode::CONFLICT);
    assert!(json(back).await["description"].as_str().unwrap().contains("only moves forward"));
    let shown = json(app.sandbox(reqwest::Method::GET, "/sandbox/clock").send().await.unwrap()).await;
    assert_eq!(shown["offset_hours"], 170);
    assert_eq!(put(170).send().await.unwrap().status(), StatusCode::OK, "staying put is not moving back");
}
