use std::time::Duration;

use app::{
    orders::OrderStatus,
    partner_center::{
        Attested, CREDENTIALS_REFUSED, OrderLine, PartnerCenter, PartnerCenterError, TenantStatus,
        auth::{self, Credentials},
    },
};
use uuid::Uuid;

use crate::helpers::{TestApp, json};

fn connector(app: &TestApp) -> PartnerCenter {
    PartnerCenter::sandbox(&app.url("/sandbox"), Duration::from_secs(5)).expect("a client")
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
    let pc = PartnerCenter::sandbox("http://127.0.0.1:9", Duration::from_millis(500)).unwrap();

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
    let attestation = crate::helpers::vendor_attestation();
    let attest_request = Uuid::new_v4();
    assert_eq!(pc.accept_agreement(tenant, &attestation, attest_request).await.unwrap(), Attested::Now);
    assert_eq!(
        pc.accept_agreement(tenant, &attestation, attest_request).await.unwrap(),
        Attested::Now,
        "a retry of the call that attested is answered as it was"
    );
    assert_eq!(
        pc.accept_agreement(tenant, &attestation, Uuid::new_v4()).await.unwrap(),
        Attested::Already,
        "600061 (already attested) is done, not a refusal"
    );
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
        pc.accept_agreement(Uuid::new_v4(), &crate::helpers::vendor_attestation(), Uuid::new_v4()).await,
        Err(PartnerCenterError::Refused { code: 60003, .. })
    ));
}

// Authentication: every call carries an Entra ID token for Partner Center's audience.

fn credentials(app: &TestApp) -> Credentials {
    Credentials::sandbox(&app.url("/sandbox"))
}

#[tokio::test]
async fn the_sandbox_takes_no_call_without_a_token_for_partner_center() {
    let app = TestApp::spawn().await;

    let bare = app.client.get(app.url("/sandbox/v1/profiles/mpn?mpnId=1234567")).send().await.unwrap();
    assert_eq!(bare.status(), reqwest::StatusCode::UNAUTHORIZED);
    let forged = app
        .client
        .get(app.url("/sandbox/v1/profiles/mpn?mpnId=1234567"))
        .bearer_auth("eyJhbGciOiJIUzI1NiJ9.e30.not-a-signature")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), reqwest::StatusCode::UNAUTHORIZED);

    // The token endpoint wants the app's secret and Partner Center's scope.
    let token_url = app.url(&format!("/sandbox/entra/{}/oauth2/v2.0/token", auth::sandbox::TENANT));
    let ask = |secret: &'static str, scope: &'static str| {
        app.client.post(&token_url).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", auth::sandbox::APP_ID),
            ("client_secret", secret),
            ("scope", scope),
        ])
    };
    let wrong_secret = ask("guessed", "https://api.partnercenter.microsoft.com/.default").send().await.unwrap();
    assert_eq!(wrong_secret.status(), reqwest::StatusCode::UNAUTHORIZED);
    let retired_audience = ask(auth::sandbox::APP_SECRET, "https://graph.windows.net/.default").send().await.unwrap();
    assert_eq!(retired_audience.status(), reqwest::StatusCode::BAD_REQUEST);
    let granted =
        json(ask(auth::sandbox::APP_SECRET, "https://api.partnercenter.microsoft.com/.default").send().await.unwrap())
            .await;
    let token = granted["access_token"].as_str().expect("a token");
    assert_eq!(granted["expires_in"], 3600);
    let read =
        app.client.get(app.url("/sandbox/v1/profiles/mpn?mpnId=1234567")).bearer_auth(token).send().await.unwrap();
    assert_eq!(read.status(), reqwest::StatusCode::OK);
    // An app-only token does not act on a customer.
    let write = app
        .client
        .post(app.url("/sandbox/v1/customers"))
        .bearer_auth(token)
        .header("MS-RequestId", Uuid::new_v4().to_string())
        .json(&serde_json::json!({ "companyProfile": { "domain": "apponly.onmicrosoft.com", "companyName": "App Only" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), reqwest::StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_revoked_token_is_replaced_and_the_call_sent_once_more() {
    let app = TestApp::spawn().await;
    let pc = connector(&app);
    pc.verify_mpn("1234567").await.expect("a first call, with a token fetched and kept");
    pc.create_customer("revokedtoken", "Revoked Token Ltd", Uuid::new_v4()).await.expect("an App+User call");

    let revoked = app.sandbox(reqwest::Method::POST, "/sandbox/tokens/revoke").send().await.unwrap();
    assert_eq!(revoked.status(), reqwest::StatusCode::NO_CONTENT);

    // Both kept tokens are refused now; each call fetches a new one and succeeds on its second send.
    assert_eq!(pc.verify_mpn("1234567").await.unwrap().mpn_id, "1234567");
    assert!(pc.domain_taken("revokedtoken").await.unwrap());
    pc.create_customer("revokedtoken2", "Revoked Token 2 Ltd", Uuid::new_v4())
        .await
        .expect("the App+User token renewed");
}

#[tokio::test]
async fn credentials_partner_center_refuses_are_reported_as_such_and_not_retried() {
    let app = TestApp::spawn().await;

    // An App+User token consented without MFA: reads pass, anything acting on a customer is 900421.
    let no_mfa = PartnerCenter::new(
        &app.url("/sandbox"),
        Duration::from_secs(5),
        Credentials {
            refresh_token: Some(auth::Secret::new(auth::sandbox::REFRESH_TOKEN_WITHOUT_MFA)),
            ..credentials(&app)
        },
    )
    .unwrap();
    no_mfa.verify_mpn("1234567").await.expect("an app-only call needs no user");
    match no_mfa.create_customer("nomfa", "No MFA Ltd", Uuid::new_v4()).await {
        Err(PartnerCenterError::Unauthorized { code: 900421, description }) => {
            assert!(description.contains("Multi-factor"), "{description}")
        }
        other => panic!("expected 900421, got {other:?}"),
    }
    assert!(!no_mfa.domain_taken("nomfa").await.unwrap(), "nothing was created");

    // A wrong app secret: Entra's refusal, said as our credentials' problem.
    let wrong = PartnerCenter::new(
        &app.url("/sandbox"),
        Duration::from_secs(5),
        Credentials { app_secret: auth::Secret::new("rotated-away"), ..credentials(&app) },
    )
    .unwrap();
    let refused = wrong.verify_mpn("1234567").await.unwrap_err();
    assert!(
        matches!(&refused, PartnerCenterError::Unauthorized { code: 401, description } if description.contains("AADSTS7000215")),
        "{refused:?}"
    );
    assert!(refused.to_string().starts_with(CREDENTIALS_REFUSED), "{refused}");

    // No refresh token at all: the App+User calls say what to configure.
    let app_only = PartnerCenter::new(
        &app.url("/sandbox"),
        Duration::from_secs(5),
        Credentials { refresh_token: None, ..credentials(&app) },
    )
    .unwrap();
    let refused = app_only.create_customer("noconsent", "No Consent Ltd", Uuid::new_v4()).await.unwrap_err();
    assert!(refused.to_string().contains("CLOUDMARKET_PARTNER_CENTER_REFRESH_TOKEN"), "{refused}");
}

#[tokio::test]
async fn provisioning_refused_for_want_of_mfa_stops_its_job_and_alerts_operations() {
    let app = TestApp::spawn_with(|config| {
        config.workers = 1;
        config.partner_center_refresh_token = Some(auth::Secret::new(auth::sandbox::REFRESH_TOKEN_WITHOUT_MFA));
    })
    .await;
    let number = crate::provisioning::order_for(&app, "mfaalert", "1234567").await;

    let mut overview = app::operations::ssr::overview(&app.pool, 10).await.unwrap();
    for _ in 0..200 {
        if overview.credentials_refused.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        overview = app::operations::ssr::overview(&app.pool, 10).await.unwrap();
    }
    let alert = overview.credentials_refused.expect("operations are alerted");
    assert_eq!(alert.jobs, 1);
    assert!(alert.reason.contains("900421"), "{}", alert.reason);
    // Dead after one attempt: not a retry loop against a refusal that will not change.
    let job = &overview.dead[0];
    assert_eq!((job.kind.as_str(), job.attempts, job.order_number), ("provision_order", 1, Some(number)));
    // The order is not the partner's failure: it waits for the fix and "Retry".
    let status = crate::provisioning::status_of(&app, number).await;
    assert!(matches!(status, OrderStatus::Submitted | OrderStatus::Provisioning), "{status:?}");
}
