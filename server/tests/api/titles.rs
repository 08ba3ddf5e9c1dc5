//! Every page has its own document title, in the reader's language: what a browser tab, a
//! bookmark and a screen reader call it. The pages are the routes the app declares, each opened
//! as the role it is for, with real ids.

use reqwest::StatusCode;

use crate::{
    helpers::TestApp,
    owned::{Fixture, fixture},
};

/// A declared route (`/cp/catalog/{sku}`) as a path to open, with the fixture's ids.
fn concrete(route: &str, f: &Fixture) -> String {
    let ids = [
        ("/cp/catalog/{sku}", "CFQ7TTC0LH18".to_owned()),
        ("/cp/orders/{number}", f.contoso_order.clone()),
        ("/backoffice/orders/{number}", f.contoso_order.clone()),
        ("/cp/customers/{id}", f.contoso.clone()),
        ("/cp/billing/statements/{number}", f.statement.clone()),
        ("/backoffice/statements/{number}", f.statement.clone()),
        ("/portal/csp/{id}", f.subscription.clone()),
        ("/portal/account/subscriptions/{id}", f.subscription.clone()),
        ("/backoffice/applications/{number}", f.application_number.clone()),
        ("/backoffice/partners/{id}", "00000000-0000-4000-8000-000000000002".to_owned()),
        ("/applications/{token}", f.application_token.clone()),
        ("/set-password/{token}", "a-link-that-was-never-sent".to_owned()),
        ("/cp/settings/webhooks/{id}", f.webhook_endpoint.clone()),
        ("/cp/billing/invoices/{number}", f.invoice.clone()),
        ("/backoffice/invoices/{number}", f.invoice.clone()),
        ("/backoffice/partners/{id}/invoicing", "00000000-0000-4000-8000-000000000002".to_owned()),
    ];
    match ids.iter().find(|(pattern, _)| *pattern == route) {
        Some((pattern, id)) => {
            let start = pattern.find('{').expect("a parameter");
            let end = pattern.find('}').expect("the parameter's end");
            format!("{}{id}{}", &pattern[..start], &pattern[end + 1..])
        }
        None => {
            assert!(!route.contains('{'), "a route with a parameter the test has no id for: {route}");
            route.to_owned()
        }
    }
}

async fn title(user: &TestApp, path: &str) -> String {
    title_of(&user.get(path).await.text().await.expect("the page"))
}

fn title_of(html: &str) -> String {
    let start = html.find("<title>").map(|i| i + "<title>".len()).expect("a <title>");
    let end = html[start..].find("</title>").expect("the title's end") + start;
    html[start..end].replace("&#x27;", "'").replace("&amp;", "&")
}

#[tokio::test]
async fn every_page_has_its_own_title_in_both_languages() {
    let app = TestApp::spawn_with(|c| c.workers = 1).await;
    let anonymous = app.another_user();
    let partner = app.signed_in_as("partner@reseller.example").await;
    let customer = app.signed_in_as("admin@contoso.example").await;
    let credit = app.signed_in_as("credit@distributor.example").await;
    let operations = app.signed_in_as("ops@distributor.example").await;
    let fixture = fixture(&app, &customer).await;
    let reader = |path: &str| match path {
        p if p.starts_with("/cp") || p == "/account/password" => &partner,
        p if p.starts_with("/portal") => &customer,
        "/backoffice/jobs" => &operations,
        p if p.starts_with("/backoffice") => &credit,
        _ => &anonymous,
    };

    let routes: Vec<String> = server::startup::page_routes()
        .iter()
        .map(|listing| listing.path().to_owned())
        .filter(|path| !path.starts_with("/api"))
        .collect();
    assert!(routes.len() > 30, "{routes:?}");
    let mut untitled = Vec::new();
    for locale in ["en", "tr"] {
        for user in [&anonymous, &partner, &customer, &credit, &operations] {
            assert_eq!(user.call("set_locale", &[("locale", locale)]).await.status(), StatusCode::OK);
        }
        for route in &routes {
            let path = concrete(route, &fixture);
            let response = reader(&path).get(&path).await;
            let status = response.status();
            let title = title_of(&response.text().await.expect("the page"));
            // The home page is the product itself.
            let own = title.ends_with(" · cloudmarket") && title.len() > " · cloudmarket".len();
            if path != "/" && (!own || status != StatusCode::OK) {
                untitled.push(format!("{locale} {path}: {status} {title:?}"));
            }
        }
    }
    assert!(untitled.is_empty(), "pages without a title of their own:\n{}", untitled.join("\n"));

    // In the reader's language, and following a switch.
    assert_eq!(title(&partner, "/cp/cart").await, "Sepet · cloudmarket");
    assert_eq!(title(&anonymous, "/login").await, "cloudmarket'e giriş yapın · cloudmarket");
    partner.call("set_locale", &[("locale", "en")]).await;
    assert_eq!(title(&partner, "/cp/cart").await, "Cart · cloudmarket");
    assert_eq!(title(&partner, "/cp/catalog/CFQ7TTC0LH18").await, "Microsoft 365 Business Basic · cloudmarket");
}
