//! What a new user meets on the first day: forms posted without JavaScript keep what was typed
//! and chosen, a tenant the marketplace creates is related, a stopped order's progress says where
//! it stopped, and a page for someone else's data answers 404.

use reqwest::{Response, StatusCode, header};
use serde_json::Value;
use uuid::Uuid;

use app::{orders::OrderStatus, provisioning::ProvisioningStep};

use crate::{
    helpers::{TestApp, location, ok},
    provisioning::{order_for, wait_for, with_workers},
};

const PARTNER: &str = "partner@reseller.example";
const CONTOSO: &str = "00000000-0000-4000-8000-000000000003";
const BASIC: &str = "CFQ7TTC0LH18";

/// A form posted by the browser itself, as with JavaScript off: it asks for HTML, and the
/// framework answers with a redirect back to `from` (with the error, if refused).
async fn plain_post(app: &TestApp, endpoint: &str, from: &str, form: &[(&str, &str)]) -> Response {
    app.client
        .post(app.url(&format!("/api/{endpoint}")))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, app.url(from))
        .form(form)
        .send()
        .await
        .expect("plain form post")
}

/// The page a refused plain post was sent back to.
async fn refused_page(app: &TestApp, refused: Response) -> String {
    assert!(refused.status().is_redirection(), "a plain post is answered with a redirect");
    let back = location(&refused);
    assert!(back.contains("__err="), "the redirect carries the refusal: {back}");
    let page = app.client.get(&back).send().await.expect("GET the form page");
    assert_eq!(page.status(), StatusCode::OK);
    page.text().await.expect("page text")
}

#[tokio::test]
async fn without_javascript_an_existing_customer_checks_out_with_no_typing_and_a_refusal_keeps_the_choice() {
    let app = TestApp::spawn().await;
    app.login_ok(PARTNER).await;
    ok(app.call("add_to_cart", &[("sku", BASIC), ("billing_cycle", "monthly"), ("quantity", "3")]).await).await;

    // The cart's quantity fields carry their values in the server's HTML.
    let cart = app.get("/cp/cart").await.text().await.unwrap();
    assert!(cart.contains(r#"name="quantity""#) && cart.contains(r#"value="3""#), "{cart}");

    // The MPN ID field is filled in by the server too (the partner's own, until a customer is picked).
    let step = app.get("/cp/checkout/customer").await.text().await.unwrap();
    assert!(step.contains(r#"value="1234567""#), "the MPN ID field is filled in without JavaScript");

    // "Existing Customer" chosen, but no customer picked: refused, and the choice is still made.
    let form = [("customer_mode", "existing"), ("customer_id", ""), ("mpn_id", "")];
    let page = refused_page(&app, plain_post(&app, "checkout_customer", "/cp/checkout/customer", &form).await).await;
    assert!(page.contains(r#"value="existing" checked"#), "the refused page forgot “Existing Customer”");
    assert!(page.contains("Choose the customer from the list"));
    // Shown once: the next visit is the saved form again.
    let again = app.get("/cp/checkout/customer").await.text().await.unwrap();
    assert!(!again.contains(r#"value="existing" checked"#));

    // Contoso picked and nothing typed: the server fills in the MPN ID, as the browser would.
    let form = [("customer_mode", "existing"), ("customer_id", CONTOSO), ("mpn_id", "")];
    let saved = plain_post(&app, "checkout_customer", "/cp/checkout/customer", &form).await;
    assert_eq!(location(&saved), "/cp/checkout/tenant");
    let state = ok(app.call("checkout", &[]).await).await;
    assert_eq!(state["customer"]["mpn_id"], "1234567");
    assert_eq!(state["customer"]["choice"]["customer_id"], CONTOSO);
}

#[tokio::test]
async fn a_refused_plain_post_shows_the_typed_text_again_but_never_a_password() {
    let app = TestApp::spawn().await;
    let form = [("email", "someone@reseller.example"), ("password", "not-the-Secret-42"), ("next", "")];
    let page = refused_page(&app, plain_post(&app, "login", "/login", &form).await).await;
    assert!(page.contains(r#"value="someone@reseller.example""#), "the e-mail address comes back");
    assert!(!page.contains("not-the-Secret-42"), "a password is never shown again");
    assert!(page.contains("The e-mail address or the password is not correct."));
}

#[tokio::test]
async fn a_tenant_the_marketplace_creates_is_related_from_the_start() {
    let app = TestApp::spawn().await;
    order_for(&app, "freshtenant", "1234567").await;
    app.login_ok(PARTNER).await;

    let customers = ok(app.call("customers", &[]).await).await;
    let fresh = customers
        .as_array()
        .and_then(|all| all.iter().find(|c| c["name"] == "freshtenant Ltd"))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(fresh["tenant_domain"], "freshtenant.onmicrosoft.com");
    assert_eq!(fresh["relationship_accepted"], true, "{fresh}");

    let id = fresh["customer_id"].as_str().expect("an id").to_owned();
    let page = app.get(&format!("/cp/customers/{id}")).await.text().await.unwrap();
    assert!(!page.contains("Not accepted yet"), "a new tenant needs no relationship link");
}

#[tokio::test]
async fn a_stopped_order_stays_at_the_step_it_had_reached() {
    let app = with_workers().await;
    // Refused by Partner Center at the first step (validating, 10 %).
    let number = order_for(&app, "stopsearly", "8000150").await;
    wait_for(&app, number, OrderStatus::ProvisioningFailed).await;
    let steps = sqlx::query!(
        r#"select step as "step: ProvisioningStep", percent from order_progress p join sales_order o using (order_id)
           where o.order_number = $1 order by p.progress_id"#,
        number
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let recorded: Vec<(ProvisioningStep, i32)> = steps.into_iter().map(|s| (s.step, s.percent)).collect();
    assert_eq!(recorded, [(ProvisioningStep::Validating, 10), (ProvisioningStep::Failed, 10)]);
}

#[tokio::test]
async fn a_page_for_another_customers_subscription_answers_404() {
    let app = with_workers().await;
    let contoso = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, contoso, OrderStatus::Completed).await;
    // Another customer of the same partner, with its own subscriptions.
    order_for(&app, "elsewhere", "1234567").await;
    let theirs = sqlx::query_scalar!(
        "select s.subscription_id from subscription s join customer c on c.organisation_id = s.customer_id
         where c.tenant_prefix = 'elsewhere' limit 1"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let ours = sqlx::query_scalar!(
        "select s.subscription_id from subscription s where s.customer_id = $1::text::uuid limit 1",
        CONTOSO
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();

    let admin = app.another_user();
    admin.login_ok("admin@contoso.example").await;
    for path in ["/portal/csp", "/portal/account/subscriptions"] {
        let own = admin.get(&format!("{path}/{ours}")).await;
        assert_eq!(own.status(), StatusCode::OK, "{path}");
        for other in [theirs, Uuid::new_v4()] {
            let refused = admin.get(&format!("{path}/{other}")).await;
            assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{path}/{other}");
            let body = refused.text().await.unwrap();
            assert!(body.contains("That subscription was not found."), "the page still says what happened");
        }
    }

    app.login_ok(PARTNER).await;
    assert_eq!(app.get("/cp/orders/999999").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/cp/orders/{contoso}")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_back_office_speaks_to_credit_control_and_a_statement_is_paid_on_its_own_page() {
    let app = with_workers().await;
    let credit = app.another_user();
    credit.login_ok("credit@distributor.example").await;
    // The demo's month already billed and invoiced is there; the partner's empty state never is.
    let before = credit.get("/backoffice/statements").await.text().await.unwrap();
    assert!(
        before.contains("Demo Reseller Bilişim Ltd.") && !before.contains("No statements yet"),
        "the demo's statement is listed"
    );
    assert!(!before.contains("Your first monthly statement"));

    let number = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    let month: String =
        sqlx::query_scalar("select to_char(market_now(), 'YYYY-MM')").fetch_one(&app.pool).await.unwrap();
    ok(credit.call("run_billing", &[("period", &month)]).await).await;
    let statements = ok(credit.call("statements", &[]).await).await;
    let statement = statements[0]["statement_number"].to_string();

    let list = credit.get("/backoffice/statements").await.text().await.unwrap();
    assert!(list.contains(r#"<th scope="col">Partner</th>"#), "one partner per row");
    assert!(list.contains(r#"<th scope="col">Payment</th>"#), "the column says what it holds");
    let page = credit.get(&format!("/backoffice/statements/{statement}")).await.text().await.unwrap();
    assert!(
        page.contains("Record wire transfer") && page.contains("Mark paid"),
        "the statement page takes the payment"
    );

    // Paid from its own page without JavaScript: back to that page, now paid.
    let from = format!("/backoffice/statements/{statement}");
    let paid =
        plain_post(&credit, "record_payment", &from, &[("statement_number", &statement), ("reference", "EFT-9")]).await;
    assert_eq!(location(&paid).trim_end_matches('?'), app.url(&from));
    let page = credit.get(&from).await.text().await.unwrap();
    assert!(page.contains("EFT-9") && !page.contains("Mark paid"));

    // The outbox shows times as people read them, not RFC 3339.
    let ops = app.another_user();
    ops.login_ok("ops@distributor.example").await;
    let outbox = ops.get("/backoffice/outbox").await.text().await.unwrap();
    let times: Vec<&str> = outbox
        .split("<time")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</time>")).map(|(text, _)| text))
        .collect();
    assert!(!times.is_empty(), "the outbox lists the mail of the order");
    for time in times {
        assert!(time.ends_with(" UTC") && !time.contains('Z'), "{time} is not as people read it");
    }
}

#[tokio::test]
async fn one_licence_is_singular() {
    let app = TestApp::spawn().await;
    let number = order_for(&app, "contoso", "1234567").await;
    sqlx::query("update subscription s set quantity = 1 from sales_order o where o.order_id = s.order_id and o.order_number = $1")
        .bind(number)
        .execute(&app.pool)
        .await
        .unwrap();
    let admin = app.another_user();
    admin.login_ok("admin@contoso.example").await;
    let page = admin.get("/portal/account").await.text().await.unwrap();
    // Text as the browser shows it: without the markers between text nodes.
    let page = page.replace("<!>", "").replace("<!-- -->", "");
    assert!(page.contains("1 Licence") && !page.contains("1 Licences"), "{page}");
}
