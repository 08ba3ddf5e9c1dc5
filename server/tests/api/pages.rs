use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{TestApp, json, location};

#[tokio::test]
async fn health_reports_the_database() {
    let app = TestApp::spawn().await;

    let response = app.get("/healthz").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json(response).await["database"], "ok");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;

    let response = app.get("/login").await;

    let id = response.headers().get("x-request-id").expect("x-request-id header");
    assert!(Uuid::parse_str(id.to_str().unwrap()).is_ok());
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_back() {
    let app = TestApp::spawn().await;

    for path in ["/cp", "/portal/csp", "/backoffice/outbox", "/account/password"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let expected = format!("/login?next={}", path.replace('/', "%2F"));
        assert_eq!(location(&response), expected);
    }
}

#[tokio::test]
async fn a_partner_is_refused_the_back_office_by_the_server() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;

    let page = app.get("/backoffice/partners").await;
    let data = app.call("partners", &[]).await;

    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page.text().await.unwrap().contains("does not have access"));
    assert_eq!(data.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(data).await, Value::String("Forbidden".into()));
}

#[tokio::test]
async fn a_customer_admin_is_refused_the_control_panel_and_its_data() {
    let app = TestApp::spawn().await;
    app.login_ok("admin@contoso.example").await;

    assert_eq!(app.get("/cp/customers").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.call("customers", &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.call("catalog", &[]).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signed_out_server_function_calls_are_unauthorised() {
    let app = TestApp::spawn().await;

    let response = app.call("catalog", &[]).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_partner_sees_the_demo_catalog_with_add_ons() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;

    let catalog = json(app.call("catalog", &[]).await).await;

    let products = catalog.as_array().unwrap();
    let basic = products.iter().find(|p| p["name"] == "Microsoft 365 Business Basic").expect("Business Basic");
    assert_eq!(basic["monthly_price"], "7.20");
    assert_eq!(basic["annual_price"], "72.00");
    let addons: Vec<_> = products.iter().filter(|p| p["base_product"] == "Microsoft 365 Business Basic").collect();
    assert!(!addons.is_empty(), "Business Basic offers add-ons");
    let vendors: std::collections::BTreeSet<_> = products.iter().map(|p| p["vendor"].as_str().unwrap()).collect();
    assert!(vendors.len() >= 3, "Microsoft and at least two other vendors: {vendors:?}");
}

#[tokio::test]
async fn a_partner_sees_only_its_own_customers() {
    // Arrange: a second partner with a customer of its own.
    let app = TestApp::spawn().await;
    let other_partner = Uuid::new_v4();
    let other_customer = Uuid::new_v4();
    sqlx::query(
        "insert into organisation (organisation_id, kind, parent_id, name)
         values ($1, 'partner', '00000000-0000-4000-8000-000000000001', 'Other Reseller'),
                ($2, 'customer', $1, 'Someone Else''s Customer')",
    )
    .bind(other_partner)
    .bind(other_customer)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into partner (organisation_id) values ($1)")
        .bind(other_partner)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("insert into customer (organisation_id) values ($1)")
        .bind(other_customer)
        .execute(&app.pool)
        .await
        .unwrap();
    app.login_ok("partner@reseller.example").await;

    // Act
    let customers = json(app.call("customers", &[]).await).await;

    // Assert
    let names: Vec<_> = customers.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["Contoso Ltd", "Northwind Traders"]);
    let contoso = &customers[0];
    assert_eq!(contoso["tenant_domain"], "contoso.onmicrosoft.com");
    assert_eq!(contoso["relationship_accepted"], true);
}

#[tokio::test]
async fn the_partner_credit_limit_is_five_thousand_dollars() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;

    let billing = json(app.call("billing", &[]).await).await;

    assert_eq!(billing["usage"]["credit_limit"], "5000.00");
    assert_eq!(billing["usage"]["available"], "5000.00");
    assert_eq!(billing["usage"]["currency"], "USD");
    let page = app.get("/cp/billing").await.text().await.unwrap();
    assert!(page.contains("5,000.00 USD"), "the billing page renders the limit on the server");
}

#[tokio::test]
async fn pages_render_in_turkish_when_chosen() {
    let app = TestApp::spawn().await;
    app.login_ok("partner@reseller.example").await;

    let set = app.call("set_locale", &[("locale", "tr")]).await;
    assert_eq!(set.status(), StatusCode::OK);
    let page = app.get("/cp").await.text().await.unwrap();

    assert!(page.contains(r#"<html lang="tr""#));
    assert!(page.contains("Bulut Servisleri"));
}

#[tokio::test]
async fn demo_data_loads_twice_without_duplicates() {
    let app = TestApp::spawn().await;

    server::demo::load(&app.pool).await.expect("a second load succeeds");

    let users: i64 = sqlx::query_scalar("select count(*) from app_user").fetch_one(&app.pool).await.unwrap();
    let products: i64 = sqlx::query_scalar("select count(*) from product").fetch_one(&app.pool).await.unwrap();
    assert_eq!(users, 4);
    assert!(products >= 16);
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = TestApp::spawn().await;

    let response = app.get("/no/such/page").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_outbox_is_open_to_distributor_staff() {
    let app = TestApp::spawn().await;
    app::notifications::ssr::enqueue(&app.pool, "someone@example.com", "Hello", "Body").await.unwrap();
    app.login_ok("ops@distributor.example").await;

    let mails = json(app.call("outbox", &[]).await).await;

    assert_eq!(mails[0]["subject"], "Hello");
    assert_eq!(mails[0]["status"], "Pending");
}

// A page's render reuses the user its guard loaded (`auth::ssr::GuardedUser`) and reads the
// catalog from a cache of the process (`state::ReferenceCache`): neither may show one caller
// another's data, keep a session that ended, or price a cart from the cache.

/// The page's text without the markers Leptos puts between the pieces of a text.
fn page_text(html: &str) -> String {
    html.replace("<!>", "")
}

#[tokio::test]
async fn pages_rendered_side_by_side_each_show_their_own_caller() {
    let app = TestApp::spawn().await;
    let (_northwind, other) = crate::helpers::second_tenant(&app).await;
    let demo = app.signed_in_as("partner@reseller.example").await;
    let catalog = json(demo.call("catalog", &[]).await).await;
    let sku = catalog
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["base_sku"].is_null() && !p["monthly_price"].is_null())
        .and_then(|p| p["sku"].as_str())
        .expect("a base product sold monthly")
        .to_owned();
    let added = demo.call("add_to_cart", &[("sku", &sku), ("billing_cycle", "monthly"), ("quantity", "1")]).await;
    assert_eq!(added.status(), StatusCode::OK);

    // Both partners' pages render at once on the one process, interleaved.
    let pages =
        futures::future::join_all((0..8).flat_map(|_| [demo.get("/cp/catalog"), other.get("/cp/catalog")])).await;

    for (i, page) in pages.into_iter().enumerate() {
        assert_eq!(page.status(), StatusCode::OK);
        let text = page_text(&page.text().await.unwrap());
        let (own, others, cart) = if i % 2 == 0 {
            ("Demo Reseller", "Other Reseller", "Cart (1)")
        } else {
            ("Other Reseller", "Demo Reseller", "Cart (0)")
        };
        assert!(text.contains(&format!("user-org\">{own}")), "page {i} names its caller's organisation");
        assert!(!text.contains(&format!("user-org\">{others}")), "page {i} shows no other partner");
        assert!(text.contains(cart), "page {i} shows its caller's own cart");
        assert!(text.contains(&sku), "page {i} lists the catalog");
    }
}

#[tokio::test]
async fn a_page_is_refused_to_a_session_a_password_change_ended_elsewhere() {
    let app = TestApp::spawn().await;
    let older = app.signed_in_as("partner@reseller.example").await;
    assert_eq!(older.get("/cp/catalog").await.status(), StatusCode::OK);

    let newer = app.signed_in_as("partner@reseller.example").await;
    let changed = newer
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

    // The older session's very next page is a sign-in, and so is any call from it.
    let page = older.get("/cp/catalog").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert!(location(&page).starts_with("/login"), "{}", location(&page));
    assert_eq!(older.call("cart", &[]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(newer.get("/cp/catalog").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_cart_prices_at_todays_price_while_the_catalog_page_is_cached() {
    let app = TestApp::spawn().await;
    let demo = app.signed_in_as("partner@reseller.example").await;
    // The catalog page has been read, so the process holds the catalog.
    assert_eq!(demo.get("/cp/catalog").await.status(), StatusCode::OK);
    let catalog = json(demo.call("catalog", &[]).await).await;
    let product = catalog
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["base_sku"].is_null() && !p["monthly_price"].is_null())
        .expect("a base product sold monthly");
    let sku = product["sku"].as_str().unwrap();

    // The price changes after the catalog was read.
    let new_price: rust_decimal::Decimal = sqlx::query_scalar(
        "update product_price set unit_price = unit_price + 1
         where billing_cycle = 'monthly' and product_id = (select product_id from product where sku = $1)
         returning unit_price",
    )
    .bind(sku)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let added = demo.call("add_to_cart", &[("sku", sku), ("billing_cycle", "monthly"), ("quantity", "1")]).await;
    assert_eq!(added.status(), StatusCode::OK);

    // The cart, which checkout places the order from, reads the price as it is now.
    let cart = crate::helpers::ok(demo.call("cart", &[]).await).await;
    let charged: rust_decimal::Decimal = serde_json::from_value(cart["lines"][0]["unit_price"].clone()).unwrap();
    assert_eq!(charged, new_price);
}
