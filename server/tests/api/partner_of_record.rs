//! Microsoft's Partner-of-Record rule through the real server and its sandbox: the Partner ID on
//! every sales and change order (not on an auto-renewal) must be an active indirect reseller
//! authorised for the distributor (`validateresellers`), checked before anything is written or
//! sent to the vendor; at a partner's approval; and every night for every partner, whose latest
//! refusal warns on its Control Panel.

use std::time::Duration;

use reqwest::{StatusCode, multipart::Form};
use serde_json::{Value, json};

use app::{
    domain::PartnerOfRecordRefusal,
    orders::OrderStatus,
    partner_center::PartnerCenter,
    partners::ssr::{CheckPartnersOfRecord, schedule_partner_of_record_checks},
};

use crate::{
    helpers::{TestApp, json, ok},
    onboarding::{DOCUMENTS, good_documents},
    partner_api::{Api, api_key},
    provisioning::{order_for, wait_for, with_workers},
};

const PARTNER: &str = "partner@reseller.example";
const PARTNER_ID: &str = "00000000-0000-4000-8000-000000000002";
const CONTOSO: &str = "00000000-0000-4000-8000-000000000003";
const BASIC: &str = "CFQ7TTC0LH18";
/// The sandbox's fixtures (see README, "Partner Center sandbox").
const INACTIVE: &str = "8000170";
const UNAUTHORISED: &str = "8000180";

fn connector(app: &TestApp) -> PartnerCenter {
    PartnerCenter::sandbox(&app.url("/sandbox"), Duration::from_secs(5)).expect("a client")
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(&app.pool).await.unwrap()
}

/// What the vendor, the orders and the queue hold: none of it may move when a check refuses.
async fn footprint(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        count(app, "select count(*) from sandbox.customer_order").await,
        count(app, "select coalesce(sum(quantity), 0)::bigint from sandbox.subscription").await,
        count(app, "select count(*) from sales_order").await,
        count(app, "select count(*) from job where kind in ('provision_order', 'change_subscription')").await,
    )
}

/// The message of a refusal with `status`, from a server function's JSON error.
async fn refused(response: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    json(response).await.to_string()
}

#[tokio::test]
async fn the_sandbox_answers_validateresellers_per_partner_id_with_its_fixtures() {
    let app = TestApp::spawn().await;
    let pc = connector(&app);
    let ids: Vec<String> = ["1234567", INACTIVE, UNAUTHORISED, "8000150"].map(str::to_owned).into();
    let answers = pc.validate_resellers(&ids).await.unwrap();
    let verdicts: Vec<(&str, Option<PartnerOfRecordRefusal>)> =
        answers.iter().map(|a| (a.partner_id.as_str(), a.refusal())).collect();
    assert_eq!(
        verdicts,
        [
            ("1234567", None),
            (INACTIVE, Some(PartnerOfRecordRefusal::Inactive)),
            (UNAUTHORISED, Some(PartnerOfRecordRefusal::NotAuthorised)),
            ("8000150", Some(PartnerOfRecordRefusal::NotFound)),
        ]
    );
    assert_eq!(pc.validate_reseller(INACTIVE).await.unwrap(), Some(PartnerOfRecordRefusal::Inactive));
    assert_eq!(pc.validate_reseller("7654321").await.unwrap(), None);
    // Like every /v1 call of the sandbox, none without a token.
    let bare =
        app.client.post(app.url("/sandbox/v1/partners/validateresellers")).json(&json!({ "partnerIds": ["1234567"] }));
    assert_eq!(bare.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

/// The demo partner's checkout for Contoso on its tenant under `mpn`, up to "Submit".
async fn checkout_for_contoso(partner: &TestApp, mpn: &str) -> String {
    ok(partner.call("add_to_cart", &[("sku", BASIC), ("billing_cycle", "monthly"), ("quantity", "5")]).await).await;
    let customer = [("customer_mode", "existing"), ("customer_id", CONTOSO), ("mpn_id", mpn)];
    assert_eq!(partner.call("checkout_customer", &customer).await.status(), StatusCode::OK, "the MPN ID verifies");
    let tenant = [("tenant_mode", "existing"), ("domain", "contoso.onmicrosoft.com")];
    assert_eq!(partner.call("checkout_tenant", &tenant).await.status(), StatusCode::OK);
    ok(partner.call("checkout", &[]).await).await["idempotency_key"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_order_under_a_partner_id_microsoft_refuses_is_refused_before_anything_is_written() {
    let app = TestApp::spawn().await;
    let partner = app.signed_in_as(PARTNER).await;
    let before = footprint(&app).await;

    // The Control Panel's "Submit": refused at the MPN ID with the reason and the fix.
    let key = checkout_for_contoso(&partner, INACTIVE).await;
    let submit = [("idempotency_key", key.as_str()), ("payment_method", "wire_transfer")];
    let body = refused(partner.call("submit_order", &submit).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("mpn_id") && body.contains("PartnerIdInactive"), "{body}");
    assert!(body.contains("inactive") && body.contains("contact the distributor"), "{body}");
    assert_eq!(footprint(&app).await, before, "nothing sent to the vendor, ordered or queued");

    // The partner API speaks through the same checkout, so it refuses the same way.
    let api = Api { app: &app, token: api_key(&partner, &["read", "orders"]).await };
    let order = json!({
        "customer": {
            "company_name": "Yetkisiz Bilişim Ltd.", "tax_number": "1234567890", "address": "Levent, İstanbul",
            "phone": "0212 555 01 02", "contact_name": "Ayşe Yılmaz", "contact_email": "it@yetkisiz.example"
        },
        "mpn_id": UNAUTHORISED,
        "tenant": { "kind": "new", "prefix": "yetkisizltd" },
        "lines": [{ "sku": BASIC, "billing_cycle": "monthly", "quantity": 5 }]
    });
    let answer = api.post("/api/v1/orders", &order).await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = json(answer).await;
    let errors = problem["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["field"] == "mpn_id" && e["key"] == "PartnerIdNotAuthorised"), "{problem}");
    assert!(problem.to_string().contains("not authorised"), "{problem}");
    assert_eq!(footprint(&app).await, before, "nor through the API");
    assert_eq!(count(&app, "select count(*) from customer where tenant_prefix = 'yetkisizltd'").await, 0);

    // A valid reseller orders as ever.
    let key = checkout_for_contoso(&partner, "1234567").await;
    let submit = [("idempotency_key", key.as_str()), ("payment_method", "wire_transfer")];
    assert!(ok(partner.call("submit_order", &submit).await).await.as_i64().is_some());
    assert_eq!(footprint(&app).await.2, before.2 + 1, "one order");
}

#[tokio::test]
async fn a_seat_increase_under_a_refused_partner_id_is_refused_and_auto_renewal_goes_on() {
    let app = with_workers().await;
    let number = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    let basic = sqlx::query_scalar!(
        r#"select s.subscription_id::text as "id!" from subscription s join product p using (product_id)
           where p.sku = $1 and s.customer_id = $2::text::uuid"#,
        BASIC,
        CONTOSO
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Microsoft has since found the Partner ID the subscription was sold under inactive.
    sqlx::query!("update sales_order set mpn_id = $2 where order_number = $1", number, INACTIVE)
        .execute(&app.pool)
        .await
        .unwrap();
    let admin = app.signed_in_as("admin@contoso.example").await;
    let before = footprint(&app).await;

    let change = admin.call("change_licences", &[("subscription_id", &basic), ("quantity", "15")]).await;
    let body = refused(change, StatusCode::CONFLICT).await;
    assert!(body.contains("PartnerIdInactive") && body.contains(INACTIVE), "{body}");
    let renewal = admin.call("schedule_renewal", &[("subscription_id", &basic), ("renewal_quantity", "12")]).await;
    assert!(refused(renewal, StatusCode::CONFLICT).await.contains("PartnerIdInactive"));
    let partner = app.signed_in_as(PARTNER).await;
    let api = Api { app: &app, token: api_key(&partner, &["read", "subscriptions"]).await };
    let answer = api.post(&format!("/api/v1/subscriptions/{basic}/licence-changes"), &json!({ "quantity": 15 })).await;
    assert_eq!(answer.status(), StatusCode::CONFLICT);
    assert_eq!(json(answer).await["key"], "PartnerIdInactive");
    assert_eq!(footprint(&app).await, before, "the vendor was not asked and nothing was written");
    let held = sqlx::query!(
        "select quantity, renewal_quantity from subscription where subscription_id = $1::text::uuid",
        basic
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((held.quantity, held.renewal_quantity), (10, None));

    // Auto-renewal is exempt: turning it on or off is allowed, and the renewal itself happens.
    ok(admin.call("set_auto_renew", &[("subscription_id", &basic), ("auto_renew", "on")]).await).await;
    sqlx::query!("update sandbox.clock set offset_by = interval '32 days'").execute(&app.pool).await.unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    app::jobs::enqueue(&mut conn, &app::billing::ssr::RenewSubscriptions { hour: "por-test".into() }).await.unwrap();
    let mut renewed = 0;
    for _ in 0..100 {
        renewed = count(
            &app,
            &format!("select count(*) from charge where kind = 'renewal' and subscription_id = '{basic}'::uuid"),
        )
        .await;
        if renewed > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(renewed, 1, "the subscription renewed under its inactive Partner ID");
}

/// A new-partner application with Partner ID `mpn`.
fn application(mpn: &str) -> Form {
    let mut form = Form::new()
        .text("kind", "new_partner")
        .text("company_name", "Pasif Bulut Bilişim A.Ş.")
        .text("tax_number", "4445556667")
        .text("address", "Maslak, Istanbul")
        .text("company_phone", "0212 555 01 02")
        .text("mpn_id", mpn.to_owned())
        .text("contact_name", "Ayşe Yılmaz")
        .text("contact_email", "ayse@pasif.example")
        .text("contact_phone", "0532 555 01 02");
    for field in DOCUMENTS {
        let (bytes, name) = good_documents(field).unwrap();
        form = form.part(field, reqwest::multipart::Part::bytes(bytes).file_name(name));
    }
    form
}

#[tokio::test]
async fn approving_an_application_with_an_inactive_partner_id_is_refused_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    assert_eq!(app.apply(application(INACTIVE)).await.status(), StatusCode::SEE_OTHER);
    let credit = app.signed_in_as("credit@distributor.example").await;
    let id =
        json(credit.call("application", &[("number", "1")]).await).await["application_id"].as_str().unwrap().to_owned();
    let (partners, users) =
        (count(&app, "select count(*) from partner").await, count(&app, "select count(*) from app_user").await);

    let approve = credit.call("approve_application", &[("application_id", &id), ("credit_limit", "5000")]).await;
    let body = refused(approve, StatusCode::CONFLICT).await;
    assert!(body.contains("ApplicantPartnerIdInactive") && body.contains(INACTIVE), "{body}");
    assert!(body.contains("inactive at Microsoft"), "{body}");
    assert_eq!(count(&app, "select count(*) from partner").await, partners, "no partner");
    assert_eq!(count(&app, "select count(*) from app_user").await, users, "no user");
    let status: String =
        sqlx::query_scalar("select status::text from partner_application").fetch_one(&app.pool).await.unwrap();
    assert_eq!(status, "submitted", "still to decide");

    // Once the Partner ID is put right, the approval goes through and is the first check.
    sqlx::query("update partner_application set mpn_id = '7654321'").execute(&app.pool).await.unwrap();
    ok(credit.call("approve_application", &[("application_id", &id), ("credit_limit", "5000")]).await).await;
    let checked: (Option<String>, Option<PartnerOfRecordRefusal>) = sqlx::query_as(
        "select partner_of_record_checked_id, partner_of_record_refusal from partner where mpn_id = '7654321'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(checked, (Some("7654321".to_owned()), None));
}

/// Runs one nightly check through the workers and waits for it to finish.
async fn nightly_check(app: &TestApp, day: &str) {
    let mut conn = app.pool.acquire().await.unwrap();
    let job = app::jobs::enqueue(&mut conn, &CheckPartnersOfRecord { day: day.to_owned() }).await.unwrap();
    for _ in 0..100 {
        let state: String = sqlx::query_scalar("select state::text from job where job_id = $1")
            .bind(job)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if state == "succeeded" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the check of {day} never finished");
}

#[tokio::test]
async fn the_nightly_check_records_a_refusal_and_the_control_panel_warns_until_it_passes() {
    let app = with_workers().await;
    // Queued once a day, however many processes and minutes ask.
    schedule_partner_of_record_checks(&app.pool).await.unwrap();
    schedule_partner_of_record_checks(&app.pool).await.unwrap();
    assert_eq!(count(&app, "select count(*) from job where kind = 'check_partners_of_record'").await, 1);

    sqlx::query("update partner set mpn_id = $2 where organisation_id = $1::uuid")
        .bind(PARTNER_ID)
        .bind(UNAUTHORISED)
        .execute(&app.pool)
        .await
        .unwrap();
    nightly_check(&app, "night-1").await;
    let recorded: (Option<String>, Option<PartnerOfRecordRefusal>, bool) = sqlx::query_as(
        "select partner_of_record_checked_id, partner_of_record_refusal, partner_of_record_checked_at is not null
         from partner where organisation_id = $1::uuid",
    )
    .bind(PARTNER_ID)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(recorded, (Some(UNAUTHORISED.to_owned()), Some(PartnerOfRecordRefusal::NotAuthorised), true));
    let other: Option<PartnerOfRecordRefusal> = sqlx::query_scalar(
        "select partner_of_record_refusal from partner where organisation_id <> $1::uuid and mpn_id is not null limit 1",
    )
    .bind(PARTNER_ID)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
    .flatten();
    assert_eq!(other, None, "valid partners are not warned");

    let partner = app.signed_in_as(PARTNER).await;
    let overview = ok(partner.call("partner_overview", &[]).await).await;
    let warning = overview["partner_id_warning"]["message"].as_str().unwrap_or_default().to_owned();
    assert!(warning.contains(UNAUTHORISED) && warning.contains("Contact the distributor"), "{overview}");
    let page = partner.get("/cp").await.text().await.unwrap();
    assert!(page.contains("Microsoft does not accept your Partner ID on orders"), "the Control Panel warns");
    assert!(page.contains("not authorised by Microsoft as an indirect reseller"), "with the reason");

    // Put right (here: the partner's Partner ID corrected), the next night's check clears it.
    sqlx::query("update partner set mpn_id = '1234567' where organisation_id = $1::uuid")
        .bind(PARTNER_ID)
        .execute(&app.pool)
        .await
        .unwrap();
    let overview = ok(partner.call("partner_overview", &[]).await).await;
    assert_eq!(overview["partner_id_warning"], Value::Null, "an answer about the old ID does not warn");
    nightly_check(&app, "night-2").await;
    let refusal: Option<PartnerOfRecordRefusal> =
        sqlx::query_scalar("select partner_of_record_refusal from partner where organisation_id = $1::uuid")
            .bind(PARTNER_ID)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(refusal, None);
    let page = partner.get("/cp").await.text().await.unwrap();
    assert!(!page.contains("Microsoft does not accept your Partner ID"), "no warning once valid");
}

#[tokio::test]
async fn a_failed_order_is_not_resubmitted_under_a_partner_id_microsoft_refuses() {
    let app = with_workers().await;
    // 8000151 passes every check but Microsoft refuses the order itself: provisioning fails.
    let number = order_for(&app, "contoso", "8000151").await;
    wait_for(&app, number, OrderStatus::ProvisioningFailed).await;
    let partner = app.signed_in_as(PARTNER).await;
    let before = footprint(&app).await;
    let order = number.to_string();

    let resubmit = [("order_number", order.as_str()), ("mpn_id", UNAUTHORISED), ("tenant", "contoso.onmicrosoft.com")];
    let body = refused(partner.call("resubmit_order", &resubmit).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("mpn_id") && body.contains("PartnerIdNotAuthorised"), "{body}");
    assert_eq!(footprint(&app).await, before, "not sent again, nothing queued");
    let held: (String, i32) =
        sqlx::query_as("select mpn_id, provisioning_run from sales_order where order_number = $1")
            .bind(number)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(held, ("8000151".to_owned(), 1), "the order is as it failed");

    let resubmit = [("order_number", order.as_str()), ("mpn_id", "1234567"), ("tenant", "contoso.onmicrosoft.com")];
    ok(partner.call("resubmit_order", &resubmit).await).await;
    wait_for(&app, number, OrderStatus::Completed).await;
}
