//! Global search (issue #20): what each caller finds, and that a partner never finds another
//! partner's rows, whatever it types.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, second_tenant};

const CONTOSO: &str = "00000000-0000-4000-8000-000000000003";
const NORTHWIND: &str = "00000000-0000-4000-8000-000000000004";
const DEMO_PARTNER: &str = "00000000-0000-4000-8000-000000000002";

async fn search(user: &TestApp, endpoint: &str, q: &str) -> Value {
    let response = user.call(endpoint, &[("q", q)]).await;
    assert_eq!(response.status(), StatusCode::OK, "{endpoint} {q}");
    response.json().await.expect("the results")
}

fn names(results: &Value, group: &str, field: &str) -> Vec<String> {
    results[group].as_array().unwrap().iter().map(|hit| hit[field].to_string().trim_matches('"').to_owned()).collect()
}

fn found_nothing(results: &Value) -> bool {
    ["customers", "orders", "subscriptions", "partners"].iter().all(|g| results[*g].as_array().unwrap().is_empty())
}

/// The demo's past order (Northwind's ESET and Acronis, last month).
async fn past_order(app: &TestApp) -> String {
    sqlx::query_scalar::<_, i64>("select order_number from sales_order where customer_id = $1::text::uuid")
        .bind(NORTHWIND)
        .fetch_one(&app.pool)
        .await
        .expect("the demo's past order")
        .to_string()
}

#[tokio::test]
async fn a_partner_finds_its_customers_orders_and_subscriptions_by_what_it_types() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;

    // A customer by its tenant's domain, by the start of its tax number, by a word of its name.
    for q in ["contoso.onmicrosoft.com", "98765", "CONTOSO"] {
        let found = search(&partner, "search_my_business", q).await;
        assert_eq!(names(&found, "customers", "customer_id"), vec![CONTOSO], "{q}");
        assert_eq!(found["customers"][0]["tenant_domain"], "contoso.onmicrosoft.com");
        assert!(found["customers"][0]["partner"].is_null(), "a partner is not told its own name");
    }

    // An order by its number, with or without "#".
    let number = past_order(&app).await;
    for q in [number.clone(), format!("#{number}")] {
        let found = search(&partner, "search_my_business", &q).await;
        assert_eq!(names(&found, "orders", "order_number"), vec![number.clone()], "{q}");
        assert_eq!(found["orders"][0]["customer_name"], "Northwind Traders");
    }

    // Subscriptions by customer, and every word counts: product and customer together.
    let found = search(&partner, "search_my_business", "northwind").await;
    let products = names(&found, "subscriptions", "product_name");
    assert_eq!(products.len(), 2, "{products:?}");
    let found = search(&partner, "search_my_business", "eset northwind").await;
    let products = names(&found, "subscriptions", "product_name");
    assert!(products.len() == 1 && products[0].starts_with("ESET"), "{products:?}");
    assert!(found["customers"].as_array().unwrap().is_empty(), "no customer is named ESET");

    // Wildcards are letters like any other, and nothing typed finds nothing.
    for q in ["%", "_", "   ", "\\"] {
        assert!(found_nothing(&search(&partner, "search_my_business", q).await), "{q:?}");
    }
    // Partners are the back office's to find.
    assert!(search(&partner, "search_my_business", "bilisim").await["partners"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn another_partner_finds_none_of_it_whatever_it_types() {
    let app = TestApp::spawn().await;
    let (customer_admin, other) = second_tenant(&app).await;
    let number = past_order(&app).await;
    for q in ["contoso", "contoso.onmicrosoft.com", "9876543210", "northwind traders", number.as_str(), "eset", "Ltd"] {
        let found = search(&other, "search_my_business", q).await;
        assert!(found_nothing(&found), "{q}: {found}");
    }
    // A customer's admin has no search of its own, nor the back office's.
    for endpoint in ["search_my_business", "search_everything"] {
        assert_eq!(customer_admin.call(endpoint, &[("q", "contoso")]).await.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(other.call("search_everything", &[("q", "contoso")]).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_back_office_finds_every_partners_rows_and_the_partners_turkish_letters_folded() {
    let app = TestApp::spawn().await;
    let credit = app.signed_in_as("credit@distributor.example").await;
    // "bilisim" finds "Bilişim", "DEMO RESELLER" the same partner.
    for q in ["bilisim", "DEMO RESELLER", "1234567890"] {
        let found = search(&credit, "search_everything", q).await;
        assert_eq!(names(&found, "partners", "partner_id"), vec![DEMO_PARTNER], "{q}");
    }
    let found = search(&credit, "search_everything", "contoso").await;
    assert_eq!(names(&found, "customers", "customer_id"), vec![CONTOSO]);
    assert_eq!(found["customers"][0]["partner"]["partner_id"], DEMO_PARTNER, "whose customer it is");
    let number = past_order(&app).await;
    let found = search(&credit, "search_everything", &number).await;
    assert_eq!(found["orders"][0]["partner"]["name"], "Demo Reseller Bilişim Ltd.");
}

#[tokio::test]
async fn the_results_page_works_as_a_plain_get_and_the_top_bar_leads_to_it() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;

    let home = partner.get("/cp").await.text().await.unwrap();
    assert!(home.contains(r#"action="/cp/search""#) && home.contains(r#"aria-keyshortcuts="/""#), "the top bar's box");
    let page = partner.get("/cp/search?q=contoso.onmicrosoft.com").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!(r#"href="/cp/customers/{CONTOSO}""#)), "the customer, linked");
    assert!(page.contains(r#"id="hits-customers""#) && !page.contains(r#"id="hits-partners""#));
    let none = partner.get("/cp/search?q=no-such-thing-anywhere").await.text().await.unwrap();
    assert!(none.contains("Nothing found for") && none.contains("no-such-thing-anywhere"));

    let credit = app.signed_in_as("credit@distributor.example").await;
    let back_office = credit.get("/backoffice").await.text().await.unwrap();
    assert!(back_office.contains(r#"action="/backoffice/search""#));
    let page = credit.get("/backoffice/search?q=bilisim").await.text().await.unwrap();
    assert!(page.contains(&format!(r#"href="/backoffice/partners/{DEMO_PARTNER}""#)), "the partner, linked");

    // The customer portal has nothing to search, and a partner may not open the back office's.
    let customer = app.signed_in_as("admin@contoso.example").await;
    assert!(!customer.get("/portal").await.text().await.unwrap().contains(r#"id="global-search""#));
    assert_ne!(partner.get("/backoffice/search?q=contoso").await.status(), StatusCode::OK);
}
