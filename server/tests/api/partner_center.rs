use std::time::Duration;

use app::partner_center::{OrderLine, PartnerCenter, PartnerCenterError, TenantStatus};
use uuid::Uuid;

use crate::helpers::TestApp;

fn connector(app: &TestApp) -> PartnerCenter {
    PartnerCenter::new(&app.url("/sandbox"), Duration::from_secs(5)).expect("a client")
}

#[tokio::test]
async fn the_sandbox_knows_the_fixture_tenants_and_their_relationships() {
    let app = TestApp::spawn().await;
    let pc = connector(&app);

    assert!(matches!(pc.tenant_status("contoso").await.unwrap(), TenantStatus::Related { .. }));
    assert_eq!(pc.tenant_status("fabrikam").await.unwrap(), TenantStatus::NoRelationship);
    assert_eq!(pc.tenant_status("northwindtraders").await.unwrap(), TenantStatus::Free);
    assert!(pc.domain_taken("fabrikam").await.unwrap());
    assert!(!pc.domain_taken("anythingelse42").await.unwrap());
}

#[tokio::test]
async fn mpn_ids_verify_or_fail_with_partner_center_codes() {
    let app = TestApp::spawn().await;
    let pc = connector(&app);

    let profile = pc.verify_mpn("1234567").await.unwrap();
    assert_eq!(profile.mpn_id, "1234567");
    for (mpn, code) in [("8000150", 800015), ("8000160", 800016), ("9001230", 900123)] {
        match pc.verify_mpn(mpn).await {
            Err(PartnerCenterError::Refused { code: got, description }) => {
                assert_eq!(got, code, "{mpn}");
                assert!(!description.is_empty());
            }
            other => panic!("{mpn}: expected a refusal, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_unreachable_partner_center_is_unavailable_not_a_refusal() {
    let pc = PartnerCenter::new("http://127.0.0.1:9", Duration::from_millis(500)).unwrap();

    let result = pc.verify_mpn("1234567").await;

    assert!(matches!(result, Err(PartnerCenterError::Unavailable { retry_after: None, .. })), "{result:?}");
}

#[tokio::test]
async fn the_sandbox_can_be_turned_off() {
    let app = TestApp::spawn_with(|c| c.sandbox = false).await;

    let response = app.client.head(app.url("/sandbox/v1/domains/contoso.onmicrosoft.com")).send().await.unwrap();

    assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_retried_create_returns_what_the_first_call_made_never_a_second_one() {
    let app = TestApp::spawn().await;
    let pc = connector(&app);
    let request = Uuid::new_v4();

    let created = pc.create_customer("retrytenant", "Retry Ltd", request).await.unwrap();
    let again = pc.create_customer("retrytenant", "Retry Ltd", request).await.unwrap();
    let tenant = created.tenant_id;
    assert_eq!(again.tenant_id, tenant);
    let password = created.admin_password.expect("a new tenant comes with its admin's one-time password");
    assert!(password.len() >= 12);
    assert_eq!(again.admin_password.as_deref(), Some(password.as_str()), "a retry hands out the same credentials");
    assert!(matches!(
        pc.create_customer("retrytenant", "Someone Else", Uuid::new_v4()).await,
        Err(PartnerCenterError::Refused { code: 409, .. })
    ));
    assert_eq!(pc.tenant_status("retrytenant").await.unwrap(), TenantStatus::Related { tenant_id: tenant });

    let lines = [line(1, "CFQ7TTC0LH18", 10, "1234567"), line(2, "CFQ7TTC0LHXK", 10, "1234567")];
    let order_request = Uuid::new_v4();
    assert!(matches!(
        pc.create_order(tenant, &lines, order_request).await,
        Err(PartnerCenterError::Refused { code: 13605, .. })
    ));
    pc.accept_agreement(tenant, Uuid::new_v4()).await.unwrap();
    let first = pc.create_order(tenant, &lines, order_request).await.unwrap();
    let retried = pc.create_order(tenant, &lines, order_request).await.unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first, retried, "the same request id answers with the same subscriptions");
    assert_eq!(pc.subscriptions(tenant).await.unwrap().len(), 2, "exactly one subscription per line");

    // A partner of record Partner Center no longer knows is refused, and nothing is created.
    let removed = [line(1, "CFQ7TTC0LH1G", 1, "8000151")];
    assert!(matches!(
        pc.create_order(tenant, &removed, Uuid::new_v4()).await,
        Err(PartnerCenterError::Refused { code: 800015, .. })
    ));
    assert_eq!(pc.subscriptions(tenant).await.unwrap().len(), 2);
}

fn line(number: i32, offer: &str, quantity: i32, mpn: &str) -> OrderLine {
    OrderLine { line_item_number: number, offer_id: offer.into(), quantity, partner_id_on_record: mpn.into() }
}

#[tokio::test]
async fn orders_need_a_tenant_that_exists_and_accepted_the_relationship() {
    let app = TestApp::spawn().await;
    let pc = connector(&app);
    let lines = [line(1, "CFQ7TTC0LH18", 1, "1234567")];
    let fabrikam: Uuid = "22222222-2222-4222-8222-222222222222".parse().unwrap();
    assert!(matches!(
        pc.create_order(fabrikam, &lines, Uuid::new_v4()).await,
        Err(PartnerCenterError::Refused { code: 20002, .. })
    ));
    assert!(matches!(
        pc.accept_agreement(Uuid::new_v4(), Uuid::new_v4()).await,
        Err(PartnerCenterError::Refused { code: 60003, .. })
    ));
}
