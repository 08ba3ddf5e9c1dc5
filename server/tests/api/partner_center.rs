use std::time::Duration;

use app::partner_center::{PartnerCenter, PartnerCenterError, TenantStatus};

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

    assert!(matches!(result, Err(PartnerCenterError::Unavailable(_))), "{result:?}");
}

#[tokio::test]
async fn the_sandbox_can_be_turned_off() {
    let app = TestApp::spawn_with(|c| c.sandbox = false).await;

    let response = app.client.head(app.url("/sandbox/v1/domains/contoso.onmicrosoft.com")).send().await.unwrap();

    assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
}
