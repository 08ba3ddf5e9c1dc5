//! Provisioning through the real workers and the sandbox: the named steps, completion, a
//! vendor refusal with its reason and fix, and the corrected resubmission.

use std::time::Duration;

use reqwest::StatusCode;
use uuid::Uuid;

use app::{
    catalog::BillingCycle,
    domain::{DomainPrefix, MpnId, PhoneNumber, Quantity, TaxNumber},
    orders::{
        NewCustomerProfile, OrderStatus, PaymentMethod,
        ssr::{CustomerRef, LineRequest, OrderRequest, TenantRef, place_order},
    },
    provisioning::ProvisioningStep,
};

use crate::helpers::TestApp;

async fn with_workers() -> TestApp {
    TestApp::spawn_with(|c| c.workers = 1).await
}

pub(crate) async fn order_for(app: &TestApp, prefix: &str, mpn: &str) -> i64 {
    let user = sqlx::query_scalar!("select user_id from app_user where email = 'partner@reseller.example'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let request = OrderRequest {
        partner_id: "00000000-0000-4000-8000-000000000002".parse().unwrap(),
        user_id: user,
        idempotency_key: Uuid::new_v4(),
        customer: CustomerRef::New(NewCustomerProfile {
            company_name: format!("{prefix} Ltd"),
            tax_number: TaxNumber::parse("1234567890").unwrap(),
            address: "Istanbul".into(),
            phone: PhoneNumber::parse("02125550102").unwrap(),
            contact_name: "IT".into(),
            contact_email: format!("it@{prefix}.example"),
        }),
        tenant: TenantRef { prefix: DomainPrefix::parse(prefix, 27).unwrap(), new: true },
        mpn_id: MpnId::parse(mpn).unwrap(),
        payment_method: PaymentMethod::WireTransfer,
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
    place_order(&app.pool, &request).await.unwrap().order_number
}

async fn wait_for(app: &TestApp, number: i64, wanted: OrderStatus) {
    for _ in 0..200 {
        let status = sqlx::query_scalar!(
            r#"select status as "status: OrderStatus" from sales_order where order_number = $1"#,
            number
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
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
    let failed = sqlx::query!(
        "select failure_code, failure_reason, failure_fix from sales_order where order_number = $1",
        number
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(failed.failure_code, Some(800015));
    assert!(failed.failure_reason.unwrap().contains("800015"));
    assert!(failed.failure_fix.unwrap().contains("Resubmit for Provisioning"));

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
