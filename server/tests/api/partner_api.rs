//! The partner API (`/api/v1`) through the real server: keys made in the Control Panel (shown
//! once, stored as a hash, revoked at once), scopes, another partner's ids, idempotency, errors
//! as problem+json in the caller's language, cursor pages, rate limits, and the journey E–I
//! through the API only, which must leave the database as the Control Panel's journey does.

use reqwest::{Method, RequestBuilder, Response, StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

use app::orders::OrderStatus;

use crate::{
    helpers::{TestApp, json, ok, second_tenant},
    provisioning::{order_for, wait_for, with_workers},
    surface,
};

const BASIC: &str = "CFQ7TTC0LH18";
const DEFENDER: &str = "CFQ7TTC0LHXK";
const CONTOSO: &str = "00000000-0000-4000-8000-000000000003";

/// A key of the partner `partner` is signed in as, with the scopes named (`read`, `orders`…),
/// made through Settings → API keys' own server function. Returns its token.
pub async fn api_key(partner: &TestApp, scopes: &[&str]) -> String {
    let names: Vec<String> = scopes.iter().map(|s| format!("scope_{s}")).collect();
    let mut form: Vec<(&str, &str)> = vec![("name", "Test key"), ("language", "en")];
    form.extend(names.iter().map(|n| (n.as_str(), "on")));
    let created = ok(partner.call("create_api_key", &form).await).await;
    created["token"].as_str().expect("the token, shown once").to_owned()
}

/// A client of the API with a key.
pub struct Api<'a> {
    pub app: &'a TestApp,
    pub token: String,
}

impl Api<'_> {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        // A plain client: no cookies, no Origin, as a partner's script calls.
        reqwest::Client::new().request(method, self.app.url(path)).bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.expect("GET")
    }

    pub async fn send(&self, method: Method, path: &str, key: &str, body: &Value) -> Response {
        self.request(method, path).header("idempotency-key", key).json(body).send().await.expect("a call")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(Method::POST, path, &Uuid::new_v4().to_string(), body).await
    }
}

/// The body of a problem+json answer with the status expected.
async fn problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "{status}"
    );
    let got = response.status();
    let body = json(response).await;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    body
}

async fn created(response: Response) -> Value {
    let status = response.status();
    let body = json(response).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

fn new_customer(name: &str) -> Value {
    json!({
        "company_name": name,
        "tax_number": "1234567890",
        "address": "Levent, İstanbul",
        "phone": "0212 555 01 02",
        "contact_name": "Ayşe Yılmaz",
        "contact_email": format!("it@{}.example", name.split_whitespace().next().unwrap_or("x").to_lowercase()),
        "mpn_id": "1234567"
    })
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(&format!("select count(*) from {table}")).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn a_key_is_shown_once_kept_as_a_hash_audited_and_refused_at_once_when_revoked() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let token = api_key(&partner, &["read"]).await;
    assert!(token.starts_with("cmk_") && token.len() > 60, "{token}");

    // Only the token's hash rests; the list shows its start, never the token.
    let stored =
        sqlx::query!("select token_hash, token_sealed, token_prefix from api_key").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stored.token_hash, app::secrets::token_hash(&token));
    assert!(stored.token_sealed.is_none());
    assert!(token.starts_with(&stored.token_prefix));
    let listed = ok(partner.call("api_keys", &[]).await).await;
    assert!(!listed.to_string().contains(&token));
    assert_eq!(listed[0]["prefix"], stored.token_prefix);

    let api = Api { app: &app, token: token.clone() };
    let customers = api.get("/api/v1/customers").await;
    assert_eq!(customers.status(), StatusCode::OK);
    assert!(customers.headers().contains_key("ratelimit") && customers.headers().contains_key("ratelimit-policy"));
    // Every call is audited with the key as actor, and dates the key's last use.
    let key_id = ok(partner.call("api_keys", &[]).await).await[0]["key_id"].as_str().unwrap().to_owned();
    let audited = sqlx::query_scalar!(
        "select count(*) from audit_log where actor_api_key_id = $1::text::uuid and action = 'api.call'",
        key_id
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, Some(1));
    assert!(!ok(partner.call("api_keys", &[]).await).await[0]["last_used_at"].is_null());

    // Revoked: the very next call is refused.
    ok(partner.call("revoke_api_key", &[("key_id", &key_id)]).await).await;
    let refused = problem(api.get("/api/v1/customers").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(refused["key"], "ApiKeyInvalid");
    let missing = reqwest::Client::new().get(app.url("/api/v1/customers")).send().await.unwrap();
    assert_eq!(missing.headers().get(header::WWW_AUTHENTICATE).unwrap(), "Bearer realm=\"cloudmarket\"");
    assert_eq!(problem(missing, StatusCode::UNAUTHORIZED).await["key"], "ApiKeyMissing");
    // Another partner cannot revoke (or see) the demo partner's key.
    let (_, other) = second_tenant(&app).await;
    assert_eq!(other.call("revoke_api_key", &[("key_id", &key_id)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(ok(other.call("api_keys", &[]).await).await, json!([]));
}

#[tokio::test]
async fn a_key_made_without_javascript_shows_its_token_once_on_the_next_page() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let posted = partner
        .client
        .post(app.url("/api/create_api_key"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/cp/settings/api-keys"))
        .form(&[("name", "Plain form"), ("scope_read", "on"), ("language", "tr")])
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_redirection(), "{}", posted.status());
    let location = crate::helpers::location(&posted);
    assert!(location.starts_with("/cp/settings/api-keys?created="), "{location}");
    let sealed = sqlx::query_scalar!("select token_sealed from api_key").fetch_one(&app.pool).await.unwrap();
    assert!(sealed.is_some(), "sealed until shown");

    let page = partner.get(&location).await.text().await.unwrap();
    let token = page.split("cmk_").nth(1).map(|rest| format!("cmk_{}", &rest[..64])).expect("the token on the page");
    let hash = sqlx::query_scalar!("select token_hash from api_key").fetch_one(&app.pool).await.unwrap();
    assert_eq!(hash, app::secrets::token_hash(&token));
    // Shown once: wiped, and a reload says so instead.
    assert!(sqlx::query_scalar!("select token_sealed from api_key").fetch_one(&app.pool).await.unwrap().is_none());
    let again = partner.get(&location).await.text().await.unwrap();
    assert!(!again.contains(&token));
    assert!(
        again.contains("shown once") || again.contains("bir kez gösterildi"),
        "the reload says the token was shown"
    );
}

#[tokio::test]
async fn scopes_limit_a_key_and_another_partners_ids_are_not_found() {
    let app = with_workers().await;
    let order = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, order, OrderStatus::Completed).await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let (_, other) = second_tenant(&app).await;

    // Read only: it reads, and may not order, change or read billing (403 naming the scope).
    let reader = Api { app: &app, token: api_key(&partner, &["read"]).await };
    assert_eq!(reader.get("/api/v1/orders").await.status(), StatusCode::OK);
    let body = json!({ "customer_id": CONTOSO, "lines": [{ "sku": "CFQ7TTC0LF8R", "billing_cycle": "monthly", "quantity": 1 }] });
    let refused = problem(reader.post("/api/v1/orders", &body).await, StatusCode::FORBIDDEN).await;
    assert_eq!(refused["key"], "ApiScopeMissing");
    assert!(refused["detail"].as_str().unwrap().contains("Orders"), "{refused}");
    problem(reader.get("/api/v1/billing/credit").await, StatusCode::FORBIDDEN).await;
    let before = count(&app, "sales_order").await;

    // Another partner's key: the demo partner's things do not exist for it.
    let stranger = Api { app: &app, token: api_key(&other, &["read", "orders", "subscriptions", "billing"]).await };
    let subscription = sqlx::query_scalar!(
        "select s.subscription_id::text from subscription s join product p using (product_id)
         where p.sku = $1 and s.customer_id = $2::text::uuid",
        BASIC,
        CONTOSO
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .unwrap();
    for path in [
        format!("/api/v1/customers/{CONTOSO}"),
        format!("/api/v1/orders/{order}"),
        format!("/api/v1/subscriptions/{subscription}"),
    ] {
        problem(stranger.get(&path).await, StatusCode::NOT_FOUND).await;
    }
    for (path, body) in [
        (format!("/api/v1/subscriptions/{subscription}/licence-changes"), json!({ "quantity": 11 })),
        (format!("/api/v1/subscriptions/{subscription}/cancel"), json!({})),
        (
            format!("/api/v1/orders/{order}/resubmit"),
            json!({ "mpn_id": "1234567", "tenant": "contoso.onmicrosoft.com" }),
        ),
        ("/api/v1/orders".to_owned(), body.clone()),
    ] {
        problem(stranger.post(&path, &body).await, StatusCode::NOT_FOUND).await;
    }
    let mine = ok(stranger.get("/api/v1/orders").await).await;
    assert_eq!(mine["data"], json!([]), "another partner lists none of the demo partner's orders");
    assert_eq!(count(&app, "sales_order").await, before, "nothing was ordered");
    let status = sqlx::query_scalar!(
        r#"select status::text as "s!" from subscription where subscription_id = $1::text::uuid"#,
        subscription
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(status, "active");
}

#[tokio::test]
async fn the_same_idempotency_key_answers_the_same_and_refuses_another_request() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let api = Api { app: &app, token: api_key(&partner, &["read", "orders"]).await };
    let before = count(&app, "customer").await;

    let body = new_customer("Replay Bilişim Ltd.");
    let first = api.send(Method::POST, "/api/v1/customers", "replay-1", &body).await;
    let location = crate::helpers::location(&first);
    let first = created(first).await;
    assert_eq!(location, format!("/api/v1/customers/{}", first["customer_id"].as_str().unwrap()));
    // Fields in another order are the same request.
    let reordered: Value = serde_json::from_str(&serde_json::to_string(&body).unwrap()).unwrap();
    let again = api.send(Method::POST, "/api/v1/customers", "replay-1", &reordered).await;
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(crate::helpers::location(&again), location);
    assert_eq!(created(again).await, first, "the first answer, again");
    assert_eq!(count(&app, "customer").await, before + 1, "one customer");

    // The same key for another request is refused; without a key nothing is done.
    let other = api.send(Method::POST, "/api/v1/customers", "replay-1", &new_customer("Other Bilişim Ltd.")).await;
    let refused = problem(other, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused["key"], "IdempotencyKeyReused");
    let keyless =
        api.request(Method::POST, "/api/v1/customers").json(&new_customer("Keyless Ltd.")).send().await.unwrap();
    assert_eq!(problem(keyless, StatusCode::BAD_REQUEST).await["key"], "IdempotencyKeyMissing");
    assert_eq!(count(&app, "customer").await, before + 1);

    // A refused request leaves the key free: fixed, it goes through with the same key.
    let mut bad = new_customer("Fixed Bilişim Ltd.");
    bad["tax_number"] = json!("12");
    let refused =
        problem(api.send(Method::POST, "/api/v1/customers", "fix-1", &bad).await, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert_eq!(refused["errors"][0]["field"], "tax_number");
    created(api.send(Method::POST, "/api/v1/customers", "fix-1", &new_customer("Fixed Bilişim Ltd.")).await).await;
}

#[tokio::test]
async fn validate_only_answers_every_refusal_at_once_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let api = Api { app: &app, token: api_key(&partner, &["read", "orders"]).await };
    // The last order number drawn so far (the demo's past order has one), none if never.
    let drawn: Option<i64> = sqlx::query_scalar(
        "select pg_sequence_last_value(pg_get_serial_sequence('sales_order', 'order_number')::regclass)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (orders, customers, jobs) =
        (count(&app, "sales_order").await, count(&app, "customer").await, count(&app, "job").await);

    // An MPN ID Partner Center does not know, a tenant already taken, a product not sold, and
    // an add-on without its base: four refusals in one answer.
    let mut customer = new_customer("Refused Bilişim Ltd.");
    customer.as_object_mut().unwrap().remove("mpn_id");
    let body = json!({
        "customer": customer,
        "mpn_id": "8000150",
        "tenant": { "kind": "existing", "domain": "contoso.onmicrosoft.com" },
        "lines": [
            { "sku": "NO-SUCH-SKU", "billing_cycle": "monthly", "quantity": 1 },
            { "sku": DEFENDER, "billing_cycle": "monthly", "quantity": 5 }
        ],
        "validate_only": true
    });
    let refused = problem(api.post("/api/v1/orders", &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let keys: Vec<(&str, &str)> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["key"].as_str().unwrap()))
        .collect();
    for expected in [
        ("mpn_id", "MpnNotFound"),
        ("tenant.domain", "TenantTaken"),
        ("lines", "NoLongerSold"),
        ("lines", "AddOnNeedsBase"),
    ] {
        assert!(keys.contains(&expected), "{expected:?} in {keys:?}");
    }
    assert_eq!(refused["code"], 800015, "Partner Center's code of the first refusal");

    // Checked and fine: what the order would be, and still nothing written.
    let mut customer = new_customer("Checked Bilişim Ltd.");
    customer.as_object_mut().unwrap().remove("mpn_id");
    let body = json!({
        "customer": customer,
        "mpn_id": "1234567",
        "tenant": { "kind": "new", "prefix": "checkedltd" },
        "lines": [{ "sku": BASIC, "billing_cycle": "annual", "quantity": 10 }],
        "signatory": signatory(),
        "validate_only": true
    });
    let checked = ok(api.post("/api/v1/orders", &body).await).await;
    assert_eq!(checked["valid"], true);
    assert_eq!(checked["status"], "submitted");
    assert_eq!(checked["lines"][0]["sku"], BASIC);
    assert_eq!(checked["subtotal"]["currency"], "USD");
    assert!(checked["total"]["amount"].as_str().unwrap().contains('.'), "{checked}");
    assert_eq!(
        (count(&app, "sales_order").await, count(&app, "customer").await, count(&app, "job").await),
        (orders, customers, jobs),
        "nothing written"
    );
    let next: i64 = sqlx::query_scalar("select nextval(pg_get_serial_sequence('sales_order', 'order_number'))")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(next, drawn.map_or(100001, |last| last + 1), "checking an order draws no order number");
}

#[tokio::test]
async fn problems_are_worded_in_the_callers_language() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let api = Api { app: &app, token: api_key(&partner, &["read", "orders"]).await };
    let mut body = new_customer("Dil Bilişim Ltd.");
    body["tax_number"] = json!("12");
    let turkish = api
        .request(Method::POST, "/api/v1/customers")
        .header("idempotency-key", "lang-1")
        .header(header::ACCEPT_LANGUAGE, "tr-TR,tr;q=0.9,en;q=0.5")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(turkish.headers().get(header::CONTENT_LANGUAGE).unwrap(), "tr");
    let turkish = problem(turkish, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(turkish["key"], "TaxNumberFormat");
    assert!(turkish["detail"].as_str().unwrap().contains("Vergi numarası"), "{turkish}");
    let english =
        problem(api.send(Method::POST, "/api/v1/customers", "lang-2", &body).await, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert!(english["detail"].as_str().unwrap().starts_with("A tax number"), "{english}");
}

#[tokio::test]
async fn lists_are_cursor_pages_in_a_stable_order() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let api = Api { app: &app, token: api_key(&partner, &["read", "orders"]).await };
    for name in ["Alfa Ltd.", "Beta Ltd.", "Çelik Ltd."] {
        created(api.post("/api/v1/customers", &new_customer(name)).await).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/customers?limit=2&cursor={c}"),
            None => "/api/v1/customers?limit=2".to_owned(),
        };
        let page = ok(api.get(&path).await).await;
        assert!(page["data"].as_array().unwrap().len() <= 2);
        seen.extend(page["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let all = ok(api.get("/api/v1/customers?limit=100").await).await;
    let names: Vec<String> =
        all["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(seen, names, "pages follow one another without gaps or repeats");
    let alfa = names.iter().position(|n| n == "Alfa Ltd.").unwrap();
    let celik = names.iter().position(|n| n == "Çelik Ltd.").unwrap();
    assert!(alfa < celik, "names in the Turkish alphabet: {names:?}");
    let searched = ok(api.get("/api/v1/customers?q=%C3%A7el").await).await;
    assert_eq!(searched["data"][0]["name"], "Çelik Ltd.");
    problem(api.get("/api/v1/customers?cursor=not-a-cursor").await, StatusCode::BAD_REQUEST).await;
    problem(api.get("/api/v1/customers?limit=1000").await, StatusCode::BAD_REQUEST).await;
    problem(api.get("/api/v1/orders?from=yesterday").await, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn a_key_over_its_calls_a_minute_waits_as_the_headers_say() {
    let app = TestApp::spawn_with(|c| c.api_requests_per_minute = 3).await;
    let partner = app.signed_in_as("partner@reseller.example").await;
    let api = Api { app: &app, token: api_key(&partner, &["read"]).await };
    let remaining: Vec<String> = futures::future::join_all((0..3).map(|_| api.get("/api/v1/products?limit=1")))
        .await
        .iter()
        .map(|r| {
            assert_eq!(r.status(), StatusCode::OK);
            r.headers().get("ratelimit").unwrap().to_str().unwrap().to_owned()
        })
        .collect();
    assert!(remaining.iter().any(|r| r.contains("r=0")), "{remaining:?}");
    let refused = api.get("/api/v1/products").await;
    let retry: u64 = refused.headers().get(header::RETRY_AFTER).unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(refused.headers().get("ratelimit-policy").unwrap(), "\"per-key\";q=3;w=60");
    assert_eq!(problem(refused, StatusCode::TOO_MANY_REQUESTS).await["key"], "ApiRateLimited");
}

#[tokio::test]
async fn the_api_is_its_own_under_api_v1_and_its_document_names_every_route() {
    // No server function may be called v1/…: those paths are the API's.
    let endpoints = surface::registered_endpoints();
    assert!(!endpoints.is_empty());
    assert!(endpoints.iter().all(|e| e != "v1" && !e.starts_with("v1/")), "{endpoints:?}");
    let app = TestApp::spawn().await;
    let unknown = reqwest::Client::new().get(app.url("/api/v1/no-such-thing")).send().await.unwrap();
    problem(unknown, StatusCode::NOT_FOUND).await;

    let document = ok(reqwest::Client::new().get(app.url("/api/v1/openapi.json")).send().await.unwrap()).await;
    assert_eq!(document["openapi"], "3.1.0");
    let documented: std::collections::BTreeSet<String> =
        document["paths"].as_object().unwrap().keys().map(|p| p.to_owned()).collect();
    let routed: std::collections::BTreeSet<String> = surface::routes()
        .into_iter()
        .filter(|r| {
            r.starts_with("/api/v1/") && r != "/api/v1/openapi.json" && r != "/api/v1/docs" && r != "/api/v1/{*rest}"
        })
        .collect();
    assert_eq!(documented, routed, "the document and the handlers' paths");

    // The human reference: served by us, no script, nothing from elsewhere.
    let page =
        reqwest::Client::new().get(app.url("/api/v1/docs")).header(header::COOKIE, "cm_lang=tr").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("İş ortağı API başvuru belgesi") && html.contains("/api/v1/orders/{order_number}/resubmit"));
    assert!(!html.contains("<script") && !html.contains(" src="), "no script, nothing loaded");
    assert!(!html.contains("href=\"http"), "no link elsewhere");
}

/// What the journey leaves in the database, without ids and times: the customer, its orders
/// with their lines, its subscriptions with their seat lots, the charges, and the mails' subjects.
async fn journey_state(app: &TestApp, customer: &str) -> Value {
    let rows = |sql: &'static str| {
        let pool = app.pool.clone();
        let customer = customer.to_owned();
        async move {
            sqlx::query_scalar::<_, Value>(sql)
                .bind(customer)
                .fetch_all(&pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        }
    };
    json!({
        "customer": rows(
            "select jsonb_build_object('name', o.name, 'tax', o.tax_number, 'phone', o.phone, 'address', o.address,
                    'tenant', c.tenant_prefix, 'related', c.relationship_accepted_at is not null, 'contact', c.contact_name,
                    'email', c.contact_email, 'mpn', c.mpn_id, 'language', c.contact_language)
             from organisation o join customer c using (organisation_id) where o.name = $1"
        ).await,
        "orders": rows(
            "select jsonb_build_object('kind', so.kind, 'status', so.status, 'mpn', so.mpn_id, 'tenant', so.tenant_prefix,
                    'new_tenant', so.new_tenant, 'subtotal', so.subtotal, 'vat', so.vat, 'total', so.total,
                    'term_value', so.term_value, 'created_by', u.email, 'decided', so.decided_by is not null,
                    'lines', (select jsonb_agg(jsonb_build_array(p.sku, l.billing_cycle, l.quantity, l.unit_price, l.line_total) order by l.line_no)
                              from order_line l join product p using (product_id) where l.order_id = so.order_id),
                    'change', (select jsonb_build_array(c.from_quantity, c.to_quantity, c.refund, c.settled_at is not null)
                               from subscription_change c where c.order_id = so.order_id))
             from sales_order so join organisation o on o.organisation_id = so.customer_id
             join app_user u on u.user_id = so.created_by
             where o.name = $1 order by so.order_number"
        ).await,
        "subscriptions": rows(
            "select jsonb_build_object('sku', p.sku, 'cycle', s.billing_cycle, 'quantity', s.quantity, 'status', s.status,
                    'auto_renew', s.auto_renew, 'renewal_quantity', s.renewal_quantity,
                    'lots', (select jsonb_agg(l.quantity order by l.added_at) from seat_lot l where l.subscription_id = s.subscription_id))
             from subscription s join product p using (product_id) join organisation o on o.organisation_id = s.customer_id
             where o.name = $1 order by p.sku"
        ).await,
        "charges": rows(
            "select jsonb_build_object('kind', c.kind, 'description', c.description, 'quantity', c.quantity, 'amount', c.amount)
             from charge c join organisation o on o.organisation_id = c.customer_id
             where o.name = $1 order by c.kind, c.amount, c.quantity"
        ).await,
        "mails": rows(
            "select to_jsonb(recipient || ': ' || subject) from email_outbox
             where subject like '%' || (select split_part(name, ' ', 1) from organisation where name = $1 limit 1) || '%'
                or recipient like 'it@journey%'
             order by recipient, subject"
        ).await,
        "audit": rows(
            "select to_jsonb(action) from audit_log
             where action in ('order.submitted', 'subscription.change_requested', 'subscription.cancellation_requested',
                              'cancellation.approved')
               and (target_id in (select subscription_id::text from subscription s join organisation o
                                  on o.organisation_id = s.customer_id where o.name = $1)
                    or target_id in (select order_number::text from sales_order so join organisation o
                                     on o.organisation_id = so.customer_id where o.name = $1))
             order by audit_id"
        ).await,
    })
}

const JOURNEY: &str = "Journey Bilişim Ltd.";

/// E–I in the Control Panel and the portal: checkout for a new customer with a new tenant,
/// provisioning, two more licences, cancellation, "Open Order".
async fn journey_through_the_control_panel(app: &TestApp) {
    let partner = app.signed_in_as("partner@reseller.example").await;
    let step = |response: Response| async move {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str::<Value>(&body).unwrap_or(Value::Null)
    };
    step(partner.call("add_to_cart", &[("sku", BASIC), ("billing_cycle", "monthly"), ("quantity", "10")]).await).await;
    step(partner.call("add_to_cart", &[("sku", DEFENDER), ("billing_cycle", "monthly"), ("quantity", "10")]).await)
        .await;
    let customer = [
        ("customer_mode", "new"),
        ("company_name", JOURNEY),
        ("tax_number", "1234567890"),
        ("address", "Levent, İstanbul"),
        ("phone", "0212 555 01 02"),
        ("contact_name", "Ayşe Yılmaz"),
        ("contact_email", "it@journey.example"),
        ("mpn_id", "1234567"),
    ];
    step(partner.call("checkout_customer", &customer).await).await;
    step(partner.call("checkout_tenant", &[("tenant_mode", "new"), ("prefix", "journeyltd")]).await).await;
    let checkout = step(partner.call("checkout", &[]).await).await;
    let key = checkout["idempotency_key"].as_str().unwrap().to_owned();
    let number = step(partner.call("submit_order", &crate::helpers::submit_form(&key)).await).await.as_i64().unwrap();
    wait_for(app, number, OrderStatus::Completed).await;

    let customer_id = sqlx::query_scalar!("select organisation_id from organisation where name = $1", JOURNEY)
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string();
    step(partner.call("open_customer_portal", &[("customer_id", &customer_id)]).await).await;
    let subscriptions = step(partner.call("my_subscriptions", &[]).await).await;
    let basic = subscriptions.as_array().unwrap().iter().find(|s| s["sku"] == BASIC).unwrap()["subscription_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let change = step(partner.call("change_licences", &[("subscription_id", &basic), ("quantity", "12")]).await)
        .await
        .as_i64()
        .unwrap();
    wait_for(app, change, OrderStatus::Completed).await;
    let cancellation =
        step(partner.call("cancel_subscription", &[("subscription_id", &basic)]).await).await.as_i64().unwrap();
    step(partner.call("leave_customer_portal", &[]).await).await;
    step(
        partner
            .call("decide_cancellation", &[("order_number", &cancellation.to_string()), ("decision", "approve")])
            .await,
    )
    .await;
    wait_for(app, cancellation, OrderStatus::Completed).await;
}

/// The same journey through the partner API only.
async fn journey_through_the_api(app: &TestApp) {
    let partner = app.signed_in_as("partner@reseller.example").await;
    let api = Api { app, token: api_key(&partner, &["read", "orders", "subscriptions"]).await };
    let mut customer = new_customer(JOURNEY);
    customer["contact_email"] = json!("it@journey.example");
    let customer_id =
        created(api.post("/api/v1/customers", &customer).await).await["customer_id"].as_str().unwrap().to_owned();
    let order = json!({
        "customer_id": customer_id,
        "tenant": { "kind": "new", "prefix": "journeyltd" },
        "lines": [
            { "sku": BASIC, "billing_cycle": "monthly", "quantity": 10 },
            { "sku": DEFENDER, "billing_cycle": "monthly", "quantity": 10 }
        ],
        "signatory": signatory()
    });
    let mut check = order.clone();
    check["validate_only"] = json!(true);
    let checked = ok(api.post("/api/v1/orders", &check).await).await;
    assert_eq!(checked["status"], "submitted");
    let placed = created(api.post("/api/v1/orders", &order).await).await;
    let number = placed["order_number"].as_i64().unwrap();
    wait_for(app, number, OrderStatus::Completed).await;
    let completed = ok(api.get(&format!("/api/v1/orders/{number}")).await).await;
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["steps"].as_array().unwrap().last().unwrap()["step"], "completed");

    let subscriptions = ok(api.get(&format!("/api/v1/subscriptions?customer_id={customer_id}")).await).await;
    let basic =
        subscriptions["data"].as_array().unwrap().iter().find(|s| s["sku"] == BASIC).unwrap()["subscription_id"]
            .as_str()
            .unwrap()
            .to_owned();
    let detail = ok(api.get(&format!("/api/v1/subscriptions/{basic}")).await).await;
    assert_eq!(detail["removable"][0]["quantity"], 10, "the purchase's seats can go for 168 hours: {detail}");
    let change =
        created(api.post(&format!("/api/v1/subscriptions/{basic}/licence-changes"), &json!({ "quantity": 12 })).await)
            .await;
    assert_eq!(change["kind"], "change");
    wait_for(app, change["order_number"].as_i64().unwrap(), OrderStatus::Completed).await;
    let cancellation = created(api.post(&format!("/api/v1/subscriptions/{basic}/cancel"), &json!({})).await).await;
    assert_eq!((cancellation["kind"].as_str(), cancellation["status"].as_str()), (Some("cancellation"), Some("new")));
    let number = cancellation["order_number"].as_i64().unwrap();
    let approved = ok(api.post(&format!("/api/v1/orders/{number}/approve"), &json!({})).await).await;
    assert_ne!(approved["status"], "new");
    wait_for(app, number, OrderStatus::Completed).await;
}

#[tokio::test]
async fn the_journey_through_the_api_ends_as_the_control_panels_does() {
    let (panel, api) = tokio::join!(with_workers(), with_workers());
    journey_through_the_control_panel(&panel).await;
    journey_through_the_api(&api).await;
    let (by_panel, by_api) = (journey_state(&panel, JOURNEY).await, journey_state(&api, JOURNEY).await);
    println!("{by_panel:#}");
    assert_eq!(by_panel["subscriptions"][0]["status"], "cancelled", "{by_panel}");
    assert_eq!(by_panel["orders"].as_array().map(Vec::len), Some(3), "{by_panel}");
    assert_eq!(by_api, by_panel, "the API's journey leaves what the Control Panel's does");
}

/// A new customer's signatory of the Microsoft Customer Agreement, as the API takes it.
pub fn signatory() -> Value {
    json!({ "first_name": "Ayşe", "last_name": "Yılmaz", "email": "ayse@signatory.example",
            "company": "Acme Bilişim Ltd.", "country": "TR", "language": "tr" })
}
