//! The Microsoft Customer Agreement's attestation (issue #19): an order for a customer without
//! one is refused before submit; with the signatory it goes through, the evidence is kept and
//! Partner Center is told once per customer, before the customer's first order reaches it.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use app::{orders::OrderStatus, partner_center::PartnerCenter};

use crate::{
    helpers::{TestApp, second_tenant, submit_form, vendor_attestation},
    partner_api::{Api, api_key, signatory},
    provisioning::{wait_for, with_workers},
};

const PARTNER: &str = "partner@reseller.example";
const CONTOSO: &str = "00000000-0000-4000-8000-000000000003";
const CONTOSO_TENANT: &str = "11111111-1111-4111-8111-111111111111";
const BASIC: &str = "CFQ7TTC0LH18";
const EXCHANGE: &str = "CFQ7TTC0LH16";

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// A refused call's errors as (field, key, message).
async fn refusals(response: reqwest::Response) -> Vec<(String, String, String)> {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let errors = body["Invalid"].as_array().or(body["errors"].as_array()).unwrap_or_else(|| panic!("{body}"));
    errors
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (text("field"), text("key"), text("message"))
        })
        .collect()
}

fn has(errors: &[(String, String, String)], field: &str, key: &str) -> bool {
    errors.iter().any(|(f, k, _)| f == field && k == key)
}

/// What an order writes here and at the vendor: orders, customers, attestations (ours and the
/// sandbox's), jobs and tenants.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from sales_order), (select count(*) from customer),
                (select count(*) from customer_agreement), (select count(*) from job where kind = 'provision_order'),
                (select count(*) from sandbox.agreement_attestation), (select count(*) from sandbox.tenant)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    vec![row.0, row.1, row.2, row.3, row.4, row.5]
}

/// A cart with `sku`, then checkout's first two steps for a new customer on a new tenant.
async fn checkout_new(partner: &TestApp, company: &str, prefix: &str, sku: &str) -> String {
    ok(partner.call("add_to_cart", &[("sku", sku), ("billing_cycle", "monthly"), ("quantity", "3")]).await).await;
    let email = format!("it@{prefix}.example");
    let customer = [
        ("customer_mode", "new"),
        ("company_name", company),
        ("tax_number", "1234567890"),
        ("address", "Levent, İstanbul"),
        ("phone", "0212 555 01 02"),
        ("contact_name", "Ayşe Yılmaz"),
        ("contact_email", email.as_str()),
        ("mpn_id", "1234567"),
    ];
    ok(partner.call("checkout_customer", &customer).await).await;
    ok(partner.call("checkout_tenant", &[("tenant_mode", "new"), ("prefix", prefix)]).await).await;
    ok(partner.call("checkout", &[]).await).await["idempotency_key"].as_str().unwrap().to_owned()
}

/// A cart with `sku`, then checkout's first two steps for an existing customer: its own tenant, or
/// a new one with `prefix` when it has none.
async fn checkout_existing(partner: &TestApp, customer_id: &str, tenant: (&str, &str), sku: &str) -> Value {
    ok(partner.call("add_to_cart", &[("sku", sku), ("billing_cycle", "monthly"), ("quantity", "2")]).await).await;
    let customer = [("customer_mode", "existing"), ("customer_id", customer_id), ("mpn_id", "1234567")];
    ok(partner.call("checkout_customer", &customer).await).await;
    let field = if tenant.0 == "new" { "prefix" } else { "domain" };
    ok(partner.call("checkout_tenant", &[("tenant_mode", tenant.0), (field, tenant.1)]).await).await;
    ok(partner.call("checkout", &[]).await).await
}

fn plain_submit(key: &str) -> [(&str, &str); 2] {
    [("idempotency_key", key), ("payment_method", "wire_transfer")]
}

async fn customer_named(app: &TestApp, name: &str) -> String {
    let id: Uuid = sqlx::query_scalar("select organisation_id from organisation where name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    id.to_string()
}

/// A row of the sandbox's attestations: the signatory's six fields, the version and the calls.
type VendorRow = (String, String, String, String, String, String, String, i32);

/// The sandbox's attestations of the tenant `prefix`: (signatory, version, calls).
async fn vendor_attestations(app: &TestApp, prefix: &str) -> Vec<(Vec<String>, String, i32)> {
    let rows: Vec<VendorRow> = sqlx::query_as(
        "select a.first_name, a.last_name, a.email, a.company_name, a.country, a.language, a.agreement_version, a.calls
         from sandbox.agreement_attestation a join sandbox.tenant t using (tenant_id) where t.domain_prefix = $1",
    )
    .bind(prefix)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    rows.into_iter().map(|r| (vec![r.0, r.1, r.2, r.3, r.4, r.5], r.6, r.7)).collect()
}

#[tokio::test]
async fn a_customer_without_an_attestation_is_refused_before_submit_and_nothing_is_written() {
    let app = with_workers().await;
    let partner = app.signed_in_as(PARTNER).await;

    // A new customer: the review step asks for the signatory and links the agreement's text.
    let key = checkout_new(&partner, "İmzasız Bilişim Ltd.", "imzasizltd", BASIC).await;
    let state = ok(partner.call("checkout", &[]).await).await;
    assert_eq!(state["needs_agreement"], true);
    let link = state["agreement_link"].as_str().unwrap().to_owned();
    assert!(link.ends_with("/sandbox/agreements/mca?version=2025-07"), "{link}");
    let page = app.client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let text = page.text().await.unwrap();
    assert!(text.contains("Microsoft Customer Agreement") && text.contains("2025-07"), "{text}");
    let old = app.client.get(link.replace("2025-07", "2019-01")).send().await.unwrap();
    assert_eq!(old.status(), StatusCode::NOT_FOUND);

    let before = footprint(&app).await;
    let errors = refusals(partner.call("submit_order", &plain_submit(&key)).await).await;
    assert!(has(&errors, "agreement", "AgreementNeeded"), "{errors:?}");
    let (_, _, message) = errors.iter().find(|(f, ..)| f == "agreement").unwrap();
    assert!(message.contains("İmzasız Bilişim Ltd.") && message.contains("Microsoft Customer Agreement"), "{message}");
    // The same in Turkish, for a partner reading Turkish.
    ok(partner.call("set_locale", &[("locale", "tr")]).await).await;
    let errors = refusals(partner.call("submit_order", &plain_submit(&key)).await).await;
    assert!(
        errors.iter().any(|(f, _, m)| f == "agreement" && m.contains("Microsoft Müşteri Sözleşmesi")),
        "{errors:?}"
    );
    ok(partner.call("set_locale", &[("locale", "en")]).await).await;
    assert_eq!(footprint(&app).await, before, "no order, customer, evidence, job or call to Microsoft");

    // An existing customer that never ordered (made without an order) is asked too.
    let customer = Uuid::new_v4();
    sqlx::query(
        "with o as (insert into organisation (organisation_id, kind, parent_id, name)
                    values ($1, 'customer', '00000000-0000-4000-8000-000000000002', 'Sözleşmesiz Ltd'))
         insert into customer (organisation_id) values ($1)",
    )
    .bind(customer)
    .execute(&app.pool)
    .await
    .unwrap();
    ok(partner.call("remove_cart_line", &[("sku", BASIC)]).await).await;
    let state = checkout_existing(&partner, &customer.to_string(), ("new", "sozlesmesizltd"), EXCHANGE).await;
    assert_eq!(state["needs_agreement"], true);
    let before = footprint(&app).await;
    let key = state["idempotency_key"].as_str().unwrap().to_owned();
    let errors = refusals(partner.call("submit_order", &plain_submit(&key)).await).await;
    assert!(has(&errors, "agreement", "AgreementNeeded"), "{errors:?}");
    assert_eq!(footprint(&app).await, before);
    let tenant: Option<String> = sqlx::query_scalar("select tenant_prefix from customer where organisation_id = $1")
        .bind(customer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tenant, None, "not even the customer's tenant was kept");
}

#[tokio::test]
async fn with_a_signatory_the_order_goes_through_and_microsoft_is_told_once_per_customer() {
    let app = with_workers().await;
    let partner = app.signed_in_as(PARTNER).await;
    let key = checkout_new(&partner, "İmzalı Bilişim Ltd.", "imzaliltd", BASIC).await;
    let first = ok(partner.call("submit_order", &submit_form(&key)).await).await.as_i64().expect("an order number");

    // The evidence: who, when, from where, which version, and the partner user who submitted it.
    let customer_id = customer_named(&app, "İmzalı Bilişim Ltd.").await;
    let evidence: (String, String, String, String, String, String, String, Option<String>, String, bool) =
        sqlx::query_as(
            "select a.signatory_first_name, a.signatory_last_name, a.signatory_email, a.signatory_company,
                    a.signatory_country, a.signatory_language, a.agreement_version, host(a.client_ip), u.email,
                    a.accepted_at > now() - interval '1 minute'
             from customer_agreement a join app_user u on u.user_id = a.submitted_by
             where a.customer_id = $1::uuid",
        )
        .bind(&customer_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        evidence,
        (
            "Ayşe".into(),
            "Yılmaz".into(),
            "ayse@signatory.example".into(),
            "Acme Bilişim Ltd.".into(),
            "TR".into(),
            "tr".into(),
            "2025-07".into(),
            Some("127.0.0.1".into()),
            PARTNER.into(),
            true
        )
    );

    // Attested at Partner Center, once, with those details, before the order was sent.
    wait_for(&app, first, OrderStatus::Completed).await;
    let signatory: Vec<String> =
        ["Ayşe", "Yılmaz", "ayse@signatory.example", "Acme Bilişim Ltd.", "TR", "tr"].map(String::from).to_vec();
    assert_eq!(vendor_attestations(&app, "imzaliltd").await, vec![(signatory.clone(), "2025-07".into(), 1)]);
    let record = ok(partner.call("customer_agreement", &[("customer_id", &customer_id)]).await).await;
    assert_eq!(record["signatory"]["first_name"], "Ayşe");
    assert_eq!(record["submitted_by"], PARTNER);
    assert!(record["attested_at_microsoft"].is_array() || record["attested_at_microsoft"].is_string(), "{record}");

    // The second order: not asked, no second attestation, no second call to Microsoft.
    let state = checkout_existing(&partner, &customer_id, ("existing", "imzaliltd.onmicrosoft.com"), EXCHANGE).await;
    assert_eq!(state["needs_agreement"], false);
    let key = state["idempotency_key"].as_str().unwrap().to_owned();
    let second = ok(partner.call("submit_order", &plain_submit(&key)).await).await.as_i64().unwrap();
    wait_for(&app, second, OrderStatus::Completed).await;
    assert_eq!(vendor_attestations(&app, "imzaliltd").await, vec![(signatory, "2025-07".into(), 1)]);
    let kept: i64 = sqlx::query_scalar("select count(*) from customer_agreement where customer_id = $1::uuid")
        .bind(&customer_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept, 1);

    // The evidence is the partner's: another partner, and a customer's admin, cannot read it.
    let (other_customer, other_partner) = second_tenant(&app).await;
    let theirs = other_partner.call("customer_agreement", &[("customer_id", &customer_id)]).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert!(!theirs.text().await.unwrap().contains("Ayşe"));
    let customers = other_customer.call("customer_agreement", &[("customer_id", &customer_id)]).await;
    assert_eq!(customers.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn microsofts_already_attested_600061_is_taken_as_done() {
    let app = with_workers().await;
    let partner = app.signed_in_as(PARTNER).await;
    // Contoso's tenant was attested at Microsoft by someone else meanwhile; the demo's evidence
    // has not been sent yet, so Contoso's next order tries and is told 600061.
    let pc = PartnerCenter::sandbox(&app.url("/sandbox"), Duration::from_secs(5)).unwrap();
    pc.accept_agreement(CONTOSO_TENANT.parse().unwrap(), &vendor_attestation(), Uuid::new_v4()).await.unwrap();

    let state = checkout_existing(&partner, CONTOSO, ("existing", "contoso.onmicrosoft.com"), EXCHANGE).await;
    assert_eq!(state["needs_agreement"], false, "the demo's Contoso accepted before");
    let key = state["idempotency_key"].as_str().unwrap().to_owned();
    let number = ok(partner.call("submit_order", &plain_submit(&key)).await).await.as_i64().unwrap();
    wait_for(&app, number, OrderStatus::Completed).await;
    let attested = vendor_attestations(&app, "contoso").await;
    assert_eq!(attested.len(), 1);
    assert_eq!(attested[0].2, 2, "the order's provisioning asked once, and was answered 600061");
    let done: bool = sqlx::query_scalar(
        "select vendor_attested_at is not null and vendor_tenant_id = $2::uuid from customer_agreement
         where customer_id = $1::uuid",
    )
    .bind(CONTOSO)
    .bind(CONTOSO_TENANT)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(done, "600061 recorded as attested");
}

#[tokio::test]
async fn bad_signatory_input_is_answered_at_its_fields_and_never_half_saved() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as(PARTNER).await;
    let key = checkout_new(&partner, "Yarım Bilişim Ltd.", "yarimltd", BASIC).await;
    let before = footprint(&app).await;
    let form = [
        ("idempotency_key", key.as_str()),
        ("payment_method", "wire_transfer"),
        ("signatory_first_name", ""),
        ("signatory_last_name", "  "),
        ("signatory_email", "not-an-address"),
        ("signatory_company", "Yarım Bilişim Ltd."),
        ("signatory_country", "Turkey"),
        ("signatory_language", "tr"),
    ];
    let errors = refusals(partner.call("submit_order", &form).await).await;
    for (field, key) in [
        ("signatory_first_name", "EnterText"),
        ("signatory_last_name", "EnterText"),
        ("signatory_email", "EmailInvalid"),
        ("signatory_country", "CountryCodeFormat"),
        ("agreement_accepted", "AgreementNotConfirmed"),
    ] {
        assert!(has(&errors, field, key), "{field} {key} in {errors:?}");
    }
    assert!(!errors.iter().any(|(f, ..)| f == "signatory_company" || f == "signatory_language"), "{errors:?}");
    assert_eq!(footprint(&app).await, before, "nothing kept of a refused form");

    // The partner API takes the same signatory object, documented, and refuses the same way.
    let document = ok(reqwest::Client::new().get(app.url("/api/v1/openapi.json")).send().await.unwrap()).await;
    let schema = &document["components"]["schemas"];
    assert!(schema["NewOrder"]["properties"]["signatory"].is_object(), "{}", schema["NewOrder"]);
    let required = schema["Signatory"]["required"].as_array().expect("the signatory's schema");
    for field in ["first_name", "last_name", "email", "company", "country", "language"] {
        assert!(required.iter().any(|r| r == field), "{field}");
    }
    let api = Api { app: &app, token: api_key(&partner, &["read", "orders"]).await };
    let mut order = json!({
        "customer": {
            "company_name": "Api İmza Ltd.", "tax_number": "1234567890", "address": "Levent, İstanbul",
            "phone": "0212 555 01 02", "contact_name": "Ayşe Yılmaz", "contact_email": "it@apiimza.example"
        },
        "mpn_id": "1234567",
        "tenant": { "kind": "new", "prefix": "apiimzaltd" },
        "lines": [{ "sku": BASIC, "billing_cycle": "monthly", "quantity": 1 }]
    });
    let errors = refusals(api.post("/api/v1/orders", &order).await).await;
    assert!(has(&errors, "signatory", "AgreementNeeded"), "{errors:?}");
    let mut bad = signatory();
    bad["email"] = json!("nobody");
    bad["first_name"] = json!("");
    order["signatory"] = bad;
    let errors = refusals(api.post("/api/v1/orders", &order).await).await;
    assert!(has(&errors, "signatory.email", "EmailInvalid") && has(&errors, "signatory.first_name", "EnterText"));
    assert_eq!(footprint(&app).await, before, "nor through the API");

    order["signatory"] = signatory();
    let placed = api.post("/api/v1/orders", &order).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let recorded: (String, String) = sqlx::query_as(
        "select a.signatory_email, u.email from customer_agreement a join organisation o on o.organisation_id = a.customer_id
         join app_user u on u.user_id = a.submitted_by where o.name = 'Api İmza Ltd.'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(recorded, ("ayse@signatory.example".into(), PARTNER.into()));
}
