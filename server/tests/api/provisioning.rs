//! Provisioning through the real workers and the sandbox: the named steps, completion, a
//! vendor refusal with its reason and fix, and the corrected resubmission.

use std::time::Duration;

use reqwest::StatusCode;
use uuid::Uuid;

use app::{
    catalog::BillingCycle,
    checkout::place_order::{CustomerRef, LineRequest, OrderRequest, TenantRef, place_order},
    domain::{DomainPrefix, MpnId, PhoneNumber, Quantity, TaxNumber},
    orders::{NewCustomerProfile, OrderStatus, PaymentMethod},
    provisioning::{Failure, ProvisioningStep},
};

use crate::helpers::{TestApp, json};

pub async fn with_workers() -> TestApp {
    TestApp::spawn_with(|c| c.workers = 1).await
}

/// The demo partner's order of two products for a new customer with the new tenant `prefix`,
/// or, with "contoso", for the demo customer Contoso on its existing tenant.
pub async fn order_for(app: &TestApp, prefix: &str, mpn: &str) -> i64 {
    let user = sqlx::query_scalar!("select user_id from app_user where email = 'partner@reseller.example'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // Contoso accepted the Microsoft Customer Agreement before (the demo's); a new customer's
    // signatory accepts it with the order.
    let (customer, new) = if prefix == "contoso" {
        let contoso = sqlx::query_scalar!("select organisation_id from customer where tenant_prefix = 'contoso'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        (CustomerRef::Existing(app::domain::CustomerId(contoso)), false)
    } else {
        let profile = NewCustomerProfile {
            company_name: format!("{prefix} Ltd"),
            tax_number: TaxNumber::parse("1234567890").unwrap(),
            address: "Istanbul".into(),
            phone: PhoneNumber::parse("02125550102").unwrap(),
            contact_name: "IT".into(),
            contact_email: format!("it@{prefix}.example"),
        };
        (CustomerRef::New(profile), true)
    };
    let request = OrderRequest {
        partner_id: "00000000-0000-4000-8000-000000000002".parse().unwrap(),
        user_id: user,
        idempotency_key: Uuid::new_v4(),
        customer,
        tenant: TenantRef { prefix: DomainPrefix::parse(prefix, 27).unwrap(), new },
        mpn_id: MpnId::parse(mpn).unwrap(),
        payment_method: PaymentMethod::WireTransfer,
        clears_checkout: true,
        attestation: (prefix != "contoso").then(|| crate::helpers::attestation(&format!("{prefix} Ltd"))),
        lines: vec![
            LineRequest {
                sku: "CFQ7TTC0LH18".into(),
                cycle: BillingCycle::Monthly,
                quantity: Quantity::new(10).unwrap(),
            },
            LineRequest {
                sku: "CFQ7TTC0LHXK".into(),
                cycle: BillingCycle::Monthly,
                quantity: Quantity::new(10).unwrap(),
            },
        ],
    };
    place_order(&app.pool, &request).await.unwrap().order_number.get()
}

/// The failure recorded on an order: code, reason and fix.
pub async fn failure_of(app: &TestApp, number: i64) -> Failure {
    let row = sqlx::query!(
        r#"select failure_code, failure_detail as "detail!" from sales_order
           where order_number = $1 and failure_detail is not null"#,
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    app::provisioning::failure(row.failure_code, &row.detail, None)
}

/// The order's status now.
pub async fn status_of(app: &TestApp, number: i64) -> OrderStatus {
    sqlx::query_scalar!(r#"select status as "status: OrderStatus" from sales_order where order_number = $1"#, number)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub async fn wait_for(app: &TestApp, number: i64, wanted: OrderStatus) {
    for _ in 0..200 {
        let status = status_of(app, number).await;
        if status == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("order {number} never reached {wanted:?}");
}

#[tokio::test]
async fn a_submitted_order_provisions_step_by_step_to_completed() {
    let app = with_workers().await;
    let number = order_for(&app, "provsteps", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;

    let steps = sqlx::query_scalar!(
        r#"select step as "step: ProvisioningStep" from order_progress p join sales_order o using (order_id)
           where o.order_number = $1 order by p.progress_id"#,
        number
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        steps,
        [
            ProvisioningStep::Validating,
            ProvisioningStep::CreatingTenant,
            ProvisioningStep::AcceptingAgreement,
            ProvisioningStep::CreatingSubscriptions,
            ProvisioningStep::AssigningLicences,
            ProvisioningStep::Completed,
        ]
    );
    let active = sqlx::query_scalar!(
        "select count(*) from subscription s join sales_order o using (order_id)
         where o.order_number = $1 and s.status = 'active' and s.vendor_subscription_id is not null",
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(active, Some(2));
    let at_vendor = sqlx::query_scalar!(
        "select count(*) from sandbox.subscription s join sandbox.tenant t using (tenant_id) where t.domain_prefix = 'provsteps'"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(at_vendor, Some(2), "exactly one vendor subscription per order line");
    let job = sqlx::query_scalar!("select state::text from job where kind = 'provision_order'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(job.as_deref(), Some("succeeded"));
}

#[tokio::test]
async fn a_refused_mpn_id_fails_with_its_reason_and_fix_and_a_corrected_resubmission_completes() {
    let app = with_workers().await;
    // The MPN ID lost its standing between checkout and provisioning.
    let number = order_for(&app, "provfails", "8000150").await;
    wait_for(&app, number, OrderStatus::ProvisioningFailed).await;
    let failed = failure_of(&app, number).await;
    assert_eq!(failed.code, Some(800015));
    assert!(failed.reason.to_string().contains("800015"));
    assert!(failed.fix.to_string().contains("Resubmit for Provisioning"));

    app.login_ok("partner@reseller.example").await;
    let page = app.get(&format!("/cp/orders/{number}")).await.text().await.unwrap();
    assert!(page.contains("Provisioning Failed") && page.contains("Resubmit for Provisioning"));

    let n = number.to_string();
    let bad = app.call("resubmit_order", &[("order_number", &n), ("mpn_id", "12"), ("tenant", "provfails")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fixed =
        app.call("resubmit_order", &[("order_number", &n), ("mpn_id", "1234567"), ("tenant", "provfails")]).await;
    assert_eq!(fixed.status(), StatusCode::OK);
    wait_for(&app, number, OrderStatus::Completed).await;
    let again =
        app.call("resubmit_order", &[("order_number", &n), ("mpn_id", "1234567"), ("tenant", "provfails")]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "only a failed order can be resubmitted");
}

#[tokio::test]
async fn a_new_tenants_password_is_shown_once_and_mailed_to_the_customers_contact() {
    let app = with_workers().await;
    let number = order_for(&app, "provpass", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    app.login_ok("partner@reseller.example").await;
    let n = number.to_string();

    let order = json(app.call("order", &[("order_number", &n)]).await).await;
    assert_eq!(order["password_pending"], true);
    let link = order["o365_link"].as_str().expect("a completed order links to O365").to_owned();
    assert!(link.ends_with("/sandbox/portal?domain=provpass.onmicrosoft.com"), "{link}");
    let portal = app.client.get(&link).send().await.unwrap();
    assert_eq!(portal.status(), StatusCode::OK);
    let portal = portal.text().await.unwrap();
    assert!(portal.contains("provpass.onmicrosoft.com") && portal.contains("CFQ7TTC0LH18"), "{portal}");

    let shown = app.call("view_admin_password", &[("order_number", &n)]).await;
    assert_eq!(shown.status(), StatusCode::OK);
    let shown = json(shown).await;
    assert_eq!(shown["user_name"], "admin@provpass.onmicrosoft.com");
    let password = shown["password"].as_str().unwrap().to_owned();
    let at_vendor = sqlx::query_scalar!("select admin_password from sandbox.tenant where domain_prefix = 'provpass'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(at_vendor.as_deref(), Some(password.as_str()), "the password Partner Center issued");

    let again = app.call("view_admin_password", &[("order_number", &n)]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "shown once only");
    let kept = sqlx::query!(
        "select admin_password_sealed, admin_password_viewed_at from sales_order where order_number = $1",
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(kept.admin_password_sealed.is_none() && kept.admin_password_viewed_at.is_some(), "not kept once viewed");
    let order = json(app.call("order", &[("order_number", &n)]).await).await;
    assert_eq!((order["password_pending"].as_bool(), order["password_viewed"].as_bool()), (Some(false), Some(true)));

    // The contact's mail carries it, sealed until delivery; the partner's mail never does.
    let mailed = sqlx::query!(
        r#"select outbox_id, body_text, secret as "secret!" from email_outbox
           where recipient = 'it@provpass.example' and subject like '%completed%'"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!mailed.body_text.contains(&password), "never readable in the outbox");
    let sealed = crate::helpers::test_secret_key().open(&mailed.secret, mailed.outbox_id.as_bytes());
    assert_eq!(sealed.as_deref(), Some(password.as_str()), "the customer's contact gets the password by e-mail");
    let to_partner = sqlx::query_scalar!(
        "select body_text from email_outbox where recipient = 'partner@reseller.example' and subject like '%completed%'"
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!to_partner.contains(&password) && to_partner.contains("View Password"), "{to_partner}");

    // Staff may look at the order but never at the password.
    let ops = app.another_user();
    ops.login_ok("ops@distributor.example").await;
    assert_eq!(ops.call("view_admin_password", &[("order_number", &n)]).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_existing_tenant_has_no_password_to_show() {
    let app = with_workers().await;
    let number = order_for(&app, "contoso", "1234567").await;
    wait_for(&app, number, OrderStatus::Completed).await;
    app.login_ok("partner@reseller.example").await;
    let shown = app.call("view_admin_password", &[("order_number", &number.to_string())]).await;
    assert_eq!(shown.status(), StatusCode::CONFLICT);
    assert!(shown.text().await.unwrap().contains("existing tenant"));
}

#[tokio::test]
async fn a_partner_of_record_removed_after_checkout_fails_and_resubmits_onto_the_same_new_tenant() {
    let app = with_workers().await;
    let number = order_for(&app, "provrecord", "8000151").await;
    wait_for(&app, number, OrderStatus::ProvisioningFailed).await;
    assert_eq!(failure_of(&app, number).await.code, Some(800015));

    app.login_ok("partner@reseller.example").await;
    let n = number.to_string();
    let fixed =
        app.call("resubmit_order", &[("order_number", &n), ("mpn_id", "1234567"), ("tenant", "provrecord")]).await;
    assert_eq!(fixed.status(), StatusCode::OK);
    wait_for(&app, number, OrderStatus::Completed).await;
    let vendor = sqlx::query!(
        r#"select count(distinct t.tenant_id) as "tenants!", count(s.subscription_id) as "subscriptions!"
           from sandbox.tenant t left join sandbox.subscription s using (tenant_id) where t.domain_prefix = 'provrecord'"#
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((vendor.tenants, vendor.subscriptions), (1, 2), "the tenant of the first run is reused, never doubled");
}
