//! Ordering end to end through the server functions the UI calls: cart, the three checkout
//! steps with their vendor checks, submit, credit approval, idempotency and concurrency.

use std::sync::Arc;

use reqwest::{StatusCode, header};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use app::{
    catalog::BillingCycle,
    checkout::place_order::{CustomerRef, LineRequest, OrderRequest, TenantRef, place_order},
    domain::{DomainPrefix, MpnId, PhoneNumber, Quantity, TaxNumber},
    orders::{NewCustomerProfile, OrderStatus, PaymentMethod},
};

use crate::helpers::{TestApp, fresh_pool, json, location};

const PARTNER: &str = "partner@reseller.example";
const PARTNER_ID: &str = "00000000-0000-4000-8000-000000000002";
const CONTOSO: &str = "00000000-0000-4000-8000-000000000003";
const BASIC: &str = "CFQ7TTC0LH18";
const DEFENDER: &str = "CFQ7TTC0LHXK";
const PREMIUM: &str = "CFQ7TTC0LCHC";

async fn partner() -> TestApp {
    let app = TestApp::spawn().await;
    app.login_ok(PARTNER).await;
    app
}

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, StatusCode::OK, "expected success, got {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// The message the server gave for one field of a refused step.
async fn refusal(response: reqwest::Response, field: &str) -> String {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(response).await;
    body["Invalid"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["field"] == field))
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no message for {field} in {body}"))
        .to_owned()
}

async fn add(app: &TestApp, sku: &str, cycle: &str, quantity: &str) {
    ok(app.call("add_to_cart", &[("sku", sku), ("billing_cycle", cycle), ("quantity", quantity)]).await).await;
}

fn new_customer(mpn: &str) -> Vec<(&'static str, String)> {
    vec![
        ("customer_mode", "new".into()),
        ("company_name", "Acme Bilişim Ltd.".into()),
        ("tax_number", "1234567890".into()),
        ("address", "Levent, İstanbul".into()),
        ("phone", "0212 555 01 02".into()),
        ("contact_name", "Ayşe Yılmaz".into()),
        ("contact_email", "ayse@acme.example".into()),
        ("mpn_id", mpn.into()),
    ]
}

async fn save_customer(app: &TestApp, form: &[(&str, String)]) -> reqwest::Response {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call("checkout_customer", &form).await
}

async fn save_tenant(app: &TestApp, mode: &str, value: &str) -> reqwest::Response {
    let field = if mode == "new" { "prefix" } else { "domain" };
    app.call("checkout_tenant", &[("tenant_mode", mode), (field, value)]).await
}

/// Checkout steps 1 and 2 for the demo customer Contoso on its own tenant.
async fn for_contoso(app: &TestApp) {
    ok(save_customer(
        app,
        &[("customer_mode", "existing".into()), ("customer_id", CONTOSO.into()), ("mpn_id", "1234567".into())],
    )
    .await)
    .await;
    ok(save_tenant(app, "existing", "contoso.onmicrosoft.com").await).await;
}

async fn key(app: &TestApp) -> String {
    ok(app.call("checkout", &[]).await).await["idempotency_key"].as_str().expect("a key").to_owned()
}

async fn submit(app: &TestApp, key: &str) -> reqwest::Response {
    app.call("submit_order", &crate::helpers::submit_form(key)).await
}

#[tokio::test]
async fn a_new_customer_with_a_new_tenant_gets_one_submitted_order_with_its_provisioning_job() {
    let app = partner().await;
    add(&app, BASIC, "monthly", "10").await;
    add(&app, DEFENDER, "monthly", "10").await;
    let cart = ok(app.call("cart", &[]).await).await;
    assert_eq!(cart["lines"].as_array().unwrap().len(), 2);

    let saved = save_customer(&app, &new_customer("1234567")).await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(location(&saved), "/cp/checkout/tenant");
    let saved = save_tenant(&app, "new", "AcmeLtd42").await;
    assert_eq!(location(&saved), "/cp/checkout/review");

    let number = ok(submit(&app, &key(&app).await).await).await.as_i64().expect("an order number");
    let order = sqlx::query!(
        r#"select order_id, status as "status: OrderStatus", tenant_prefix, new_tenant, subtotal, vat, total, term_value
           from sales_order where order_number = $1"#,
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(order.status, OrderStatus::Submitted);
    assert_eq!((order.tenant_prefix.as_str(), order.new_tenant), ("acmeltd42", true));
    // 10 × 7.20 + 10 × 2.40 = 96.00, KDV 19.20.
    assert_eq!(order.subtotal, Decimal::new(9600, 2));
    assert_eq!(order.vat, Decimal::new(1920, 2));
    assert_eq!(order.total, Decimal::new(11520, 2));
    assert_eq!(order.term_value, Decimal::new(9600, 2));

    let subscriptions = sqlx::query_scalar!(
        "select count(*) from subscription where order_id = $1 and status = 'pending'",
        order.order_id
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(subscriptions, Some(2));
    let job = sqlx::query_scalar!(
        "select state::text from job where kind = 'provision_order' and payload->>'order_id' = $1",
        order.order_id.to_string()
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(job.as_deref(), Some("queued"));
    let customer =
        sqlx::query!("select c.tenant_prefix, c.contact_email from customer c where c.tenant_prefix = 'acmeltd42'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(customer.contact_email.as_deref(), Some("ayse@acme.example"));
    assert!(ok(app.call("cart", &[]).await).await["lines"].as_array().unwrap().is_empty(), "the cart is emptied");
    let mail = sqlx::query_scalar!("select subject from email_outbox where recipient = $1", PARTNER)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(mail.contains(&format!("Order {number} received")), "{mail:?}");

    let detail = ok(app.call("order", &[("order_number", &number.to_string())]).await).await;
    assert_eq!(detail["tenant_domain"], "acmeltd42.onmicrosoft.com");
    assert_eq!(detail["job_state"], "queued");
}

#[tokio::test]
async fn an_existing_customer_orders_on_its_accepted_tenant() {
    let app = partner().await;
    add(&app, BASIC, "annual", "5").await;
    let saved = save_customer(
        &app,
        &[("customer_mode", "existing".into()), ("customer_id", CONTOSO.into()), ("mpn_id", "1234567".into())],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let state = ok(app.call("checkout", &[]).await).await;
    assert_eq!(state["fixed_tenant"], "contoso", "an existing customer's tenant is filled in");
    assert_eq!(save_tenant(&app, "new", "contosonew").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(save_tenant(&app, "existing", "contoso.onmicrosoft.com").await.status(), StatusCode::OK);

    let number = ok(submit(&app, &key(&app).await).await).await.as_i64().unwrap();
    let order =
        sqlx::query!("select customer_id, tenant_prefix, new_tenant from sales_order where order_number = $1", number)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(order.customer_id.to_string(), CONTOSO);
    assert_eq!((order.tenant_prefix.as_str(), order.new_tenant), ("contoso", false));
}

#[tokio::test]
async fn mpn_ids_are_checked_for_format_and_at_partner_center() {
    let app = partner().await;
    add(&app, BASIC, "monthly", "1").await;
    for (mpn, expected) in [("123", "7-digit"), ("8000150", "800015"), ("8000160", "800016"), ("9001230", "900123")] {
        let message = refusal(save_customer(&app, &new_customer(mpn)).await, "mpn_id").await;
        assert!(message.contains(expected), "{mpn}: {message}");
    }
}

#[tokio::test]
async fn customer_profiles_follow_the_rules_and_nothing_is_half_saved() {
    let app = partner().await;
    add(&app, BASIC, "monthly", "1").await;
    let form: Vec<(&str, String)> = new_customer("1234567")
        .into_iter()
        .filter(|(k, _)| *k != "tax_number" && *k != "phone")
        .map(|(k, v)| match k {
            "contact_email" => (k, "it@microsoft.com".to_owned()),
            "company_name" => (k, "<script>".to_owned()),
            _ => (k, v),
        })
        .collect();
    let response = save_customer(&app, &form).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(response).await;
    let fields: Vec<&str> = body["Invalid"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    for field in ["company_name", "tax_number", "phone", "contact_email"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let state = ok(app.call("checkout", &[]).await).await;
    assert!(state["customer"].is_null(), "a refused step saves nothing");
}

#[tokio::test]
async fn tenants_are_checked_before_submit() {
    let app = partner().await;
    add(&app, BASIC, "monthly", "1").await;
    ok(save_customer(&app, &new_customer("1234567")).await).await;

    assert!(refusal(save_tenant(&app, "new", "acme-ltd").await, "prefix").await.contains("letters"));
    assert!(refusal(save_tenant(&app, "new", "contoso").await, "prefix").await.contains("already taken"));
    assert!(refusal(save_tenant(&app, "new", &"a".repeat(28)).await, "prefix").await.contains("27"));
    assert!(refusal(save_tenant(&app, "existing", "contoso").await, "domain").await.contains("onmicrosoft.com"));
    let no_relationship = refusal(save_tenant(&app, "existing", "fabrikam.onmicrosoft.com").await, "domain").await;
    assert!(no_relationship.contains("20002") && no_relationship.contains("link"), "{no_relationship}");
    assert!(
        refusal(save_tenant(&app, "existing", "nosuchtenant.onmicrosoft.com").await, "domain").await.contains("60003")
    );

    let live = ok(app.call("check_prefix", &[("prefix", "freshprefix")]).await).await;
    assert_eq!(live["available"], true);
    let live = ok(app.call("check_prefix", &[("prefix", "fabrikam")]).await).await;
    assert_eq!(live["available"], false);

    // Once the customer's admin accepts through the link, the same tenant passes.
    let accepted = app
        .client
        .post(app.url("/sandbox/relationship"))
        .form(&[("domain", "fabrikam.onmicrosoft.com"), ("accept", "yes"), ("partner_id", PARTNER_ID)])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(save_tenant(&app, "existing", "fabrikam.onmicrosoft.com").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_add_on_needs_its_base_product_and_a_product_is_not_ordered_twice() {
    let app = partner().await;
    add(&app, DEFENDER, "monthly", "5").await;
    for_contoso(&app).await;
    let message = refusal(submit(&app, &key(&app).await).await, "cart").await;
    assert!(message.contains("add-on"), "{message}");

    // With its base in the same order it goes through.
    add(&app, BASIC, "monthly", "5").await;
    ok(submit(&app, &key(&app).await).await).await;

    // The same product again for Contoso is refused and points to Manage Subscription.
    add(&app, BASIC, "annual", "1").await;
    ok(save_customer(
        &app,
        &[("customer_mode", "existing".into()), ("customer_id", CONTOSO.into()), ("mpn_id", "1234567".into())],
    )
    .await)
    .await;
    let state = ok(app.call("checkout", &[]).await).await;
    assert_eq!(state["already_live"][0], "Microsoft 365 Business Basic", "the review warns before submit");
    let message = refusal(submit(&app, &key(&app).await).await, "cart").await;
    assert!(message.contains("Manage Subscription"), "{message}");
}

#[tokio::test]
async fn an_order_over_the_credit_waits_for_credit_control_who_approves_or_rejects_it() {
    let app = partner().await;
    // 20 × 264.00 a year = 5,280.00: over the 5,000 limit.
    add(&app, PREMIUM, "annual", "20").await;
    for_contoso(&app).await;
    let number = ok(submit(&app, &key(&app).await).await).await.as_i64().unwrap();
    let status = |n: i64| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar!(r#"select status as "status: OrderStatus" from sales_order where order_number = $1"#, n)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(status(number).await, OrderStatus::AwaitingCreditApproval);
    let jobs = sqlx::query_scalar!("select count(*) from job where kind = 'provision_order'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, Some(0), "nothing provisions before approval");
    let mails = sqlx::query_scalar!(
        "select recipient from email_outbox where subject like '%' || $1 || '%'",
        number.to_string()
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(
        mails.contains(&"credit@distributor.example".to_owned()) && mails.contains(&PARTNER.to_owned()),
        "{mails:?}"
    );

    // The partner cannot approve its own order.
    let n = number.to_string();
    assert_eq!(
        app.call("decide_credit", &[("order_number", &n), ("decision", "approve")]).await.status(),
        StatusCode::FORBIDDEN
    );

    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    let listed = ok(credit.call("all_orders", &[]).await).await;
    assert_eq!(listed[0]["order_number"], number, "awaiting orders come first");
    let no_reason = credit.call("decide_credit", &[("order_number", &n), ("decision", "reject")]).await;
    assert!(!refusal(no_reason, "reason").await.is_empty(), "a rejection needs a reason");
    ok(credit.call("decide_credit", &[("order_number", &n), ("decision", "approve")]).await).await;
    assert_eq!(status(number).await, OrderStatus::Submitted);
    let jobs = sqlx::query_scalar!("select count(*) from job where kind = 'provision_order'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, Some(1));
    // Deciding twice is refused.
    assert_eq!(
        credit.call("decide_credit", &[("order_number", &n), ("decision", "approve")]).await.status(),
        StatusCode::CONFLICT
    );

    // A second big order is rejected with a reason the partner receives.
    add(&app, "CFQ7TTC0LF8R", "annual", "20").await;
    for_contoso(&app).await;
    let second = ok(submit(&app, &key(&app).await).await).await.as_i64().unwrap();
    assert_eq!(status(second).await, OrderStatus::AwaitingCreditApproval);
    let s = second.to_string();
    ok(credit
        .call("decide_credit", &[("order_number", &s), ("decision", "reject"), ("reason", "Overdue statement")])
        .await)
    .await;
    assert_eq!(status(second).await, OrderStatus::Rejected);
    let body = sqlx::query_scalar!(
        "select body_text from email_outbox where recipient = $1 and subject like '%rejected%'",
        PARTNER
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(body.contains("Overdue statement"));
    let live = sqlx::query_scalar!(
        "select count(*) from subscription s join sales_order o using (order_id) where o.order_number = $1 and s.status <> 'cancelled'",
        second
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(live, Some(0), "a rejected order leaves no live subscription");
}

#[tokio::test]
async fn fifty_concurrent_submissions_with_one_key_make_one_order() {
    let app = Arc::new(partner().await);
    add(&app, BASIC, "monthly", "3").await;
    ok(save_customer(&app, &new_customer("1234567")).await).await;
    ok(save_tenant(&app, "new", "doubleclick").await).await;
    let key = key(&app).await;
    let before = sqlx::query_scalar!("select count(*) from sales_order").fetch_one(&app.pool).await.unwrap();
    let submissions = (0..50).map(|_| {
        let app = app.clone();
        let key = key.clone();
        tokio::spawn(async move {
            let body = ok(submit(&app, &key).await).await;
            body.as_i64().unwrap_or_else(|| panic!("an order number, not {body}"))
        })
    });
    let numbers: Vec<i64> = futures::future::join_all(submissions).await.into_iter().map(Result::unwrap).collect();
    assert!(numbers.iter().all(|n| *n == numbers[0]), "every submission answers with the one order: {numbers:?}");
    let orders = sqlx::query_scalar!("select count(*) from sales_order").fetch_one(&app.pool).await.unwrap();
    assert_eq!(orders.zip(before).map(|(after, before)| after - before), Some(1), "one order more");
}

#[tokio::test]
async fn without_javascript_submit_redirects_to_the_order_page() {
    let app = partner().await;
    add(&app, BASIC, "monthly", "2").await;
    ok(save_customer(&app, &new_customer("1234567")).await).await;
    ok(save_tenant(&app, "new", "nojsorder").await).await;
    let key = key(&app).await;
    let response = app
        .client
        .post(app.url("/api/submit_order"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/cp/checkout/review"))
        .form(&crate::helpers::submit_form(&key))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let to = location(&response);
    assert!(to.starts_with("/cp/orders/"), "{to}");
    let page = app.get(&to).await.text().await.unwrap();
    assert!(page.contains(to.trim_start_matches("/cp/orders/")) && page.contains("Order number"));
}

#[tokio::test]
async fn another_partners_customers_and_orders_are_out_of_reach() {
    let app = partner().await;
    add(&app, BASIC, "monthly", "1").await;
    for_contoso(&app).await;
    let number = ok(submit(&app, &key(&app).await).await).await.as_i64().unwrap().to_string();

    // A second partner with its own admin.
    let other_org = Uuid::new_v4();
    sqlx::query!(
        "insert into organisation (organisation_id, kind, parent_id, name) values ($1, 'partner', '00000000-0000-4000-8000-000000000001', 'Other Reseller')",
        other_org
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query!("insert into partner (organisation_id, mpn_id) values ($1, '7654321')", other_org)
        .execute(&app.pool)
        .await
        .unwrap();
    let hash = app::auth::ssr::hash_password("demo-password").unwrap();
    sqlx::query!(
        "insert into app_user (user_id, organisation_id, email, display_name, role, password_hash)
         values ($1, $2, 'other@reseller.example', 'Other', 'partner_admin', $3)",
        Uuid::new_v4(),
        other_org,
        hash
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let other = app.another_user();
    other.login_ok("other@reseller.example").await;

    assert_eq!(other.call("order", &[("order_number", &number)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.call("customer", &[("customer_id", CONTOSO)]).await.status(), StatusCode::NOT_FOUND);
    assert!(ok(other.call("customers", &[]).await).await.as_array().unwrap().is_empty());
    let ours = ok(app.call("customer", &[("customer_id", CONTOSO)]).await).await;
    assert_eq!(ours["summary"]["name"], "Contoso Ltd");
    assert_eq!(ours["summary"]["live_subscriptions"], 1);
    assert_eq!(ours["subscriptions"][0]["status"], "pending", "the order's subscription, in process");
    assert_eq!(ours["subscriptions"][0]["in_flight"]["order_number"].to_string(), number);
    let malformed = app.call("customer", &[("customer_id", "not-an-id")]).await;
    let status = malformed.status();
    assert!(status.is_client_error(), "{status}: {}", malformed.text().await.unwrap());
    assert!(ok(other.call("my_orders", &[]).await).await.as_array().unwrap().is_empty());
    add(&other, BASIC, "monthly", "1").await;
    let refused = save_customer(
        &other,
        &[("customer_mode", "existing".into()), ("customer_id", CONTOSO.into()), ("mpn_id", "7654321".into())],
    )
    .await;
    assert!(refusal(refused, "customer_id").await.contains("your customers"));
    let customer_admin = app.another_user();
    customer_admin.login_ok("admin@contoso.example").await;
    assert_eq!(customer_admin.call("order", &[("order_number", &number)]).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn two_hundred_concurrent_checkouts_never_spend_more_than_the_credit_limit() {
    let pool = fresh_pool().await;
    server::demo::load(&pool).await.unwrap();
    let partner: Uuid = PARTNER_ID.parse().unwrap();
    let user =
        sqlx::query_scalar!("select user_id from app_user where email = $1", PARTNER).fetch_one(&pool).await.unwrap();
    // Each order commits 72.00 (one annual Business Basic licence): 69 fit in 5,000.00.
    let checkouts = (0..200).map(|i| {
        let pool = pool.clone();
        tokio::spawn(async move {
            let request = OrderRequest {
                partner_id: partner,
                user_id: user,
                idempotency_key: Uuid::new_v4(),
                customer: CustomerRef::New(NewCustomerProfile {
                    company_name: format!("Customer {i}"),
                    tax_number: TaxNumber::parse("1234567890").unwrap(),
                    address: "Istanbul".into(),
                    phone: PhoneNumber::parse("02125550102").unwrap(),
                    contact_name: "IT".into(),
                    contact_email: format!("it{i}@customer.example"),
                }),
                tenant: TenantRef { prefix: DomainPrefix::parse(&format!("load{i}"), 27).unwrap(), new: true },
                mpn_id: MpnId::parse("1234567").unwrap(),
                payment_method: PaymentMethod::WireTransfer,
                clears_checkout: true,
                attestation: Some(crate::helpers::attestation(&format!("Customer {i}"))),
                lines: vec![LineRequest {
                    sku: BASIC.into(),
                    cycle: BillingCycle::Annual,
                    quantity: Quantity::new(1).unwrap(),
                }],
            };
            place_order(&pool, &request).await.expect("an order, submitted or awaiting approval")
        })
    });
    let placed: Vec<_> = futures::future::join_all(checkouts).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(placed.len(), 200);
    let spent =
        sqlx::query_scalar!("select partner_credit_used($1) as \"used!\"", partner).fetch_one(&pool).await.unwrap();
    assert!(spent <= Decimal::new(5000, 0), "credit overdrawn: {spent}");
    assert_eq!(spent, Decimal::new(72 * 69, 0));
    // What checkout read under the lock (the ledger it folds) is the sum of the orders.
    let recount = sqlx::query_scalar!("select partner_credit_recount($1) as \"recount!\"", partner)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(recount, spent);
    let submitted = placed.iter().filter(|p| p.status == OrderStatus::Submitted).count();
    let waiting = placed.iter().filter(|p| p.status == OrderStatus::AwaitingCreditApproval).count();
    assert_eq!((submitted, waiting), (69, 131));
}

#[tokio::test]
async fn the_one_live_subscription_index_covers_exactly_the_live_statuses() {
    let app = TestApp::spawn().await;
    let definition = sqlx::query_scalar!(
        r#"select pg_get_indexdef(indexrelid) as "definition!" from pg_index
           where indexrelid = 'subscription_one_live_per_product'::regclass"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for status in ["pending", "active", "pending_cancellation", "suspended", "cancelled", "expired"] {
        let live =
            app::subscriptions::SubscriptionStatus::LIVE.iter().any(|s| serde_json::to_value(s).unwrap() == status);
        assert_eq!(definition.contains(&format!("'{status}'")), live, "{status} in {definition}");
    }
}
