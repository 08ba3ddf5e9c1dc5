//! The demo tenants' real things, for tests that call every page or function with real ids.

use reqwest::StatusCode;
use uuid::Uuid;

use app::orders::OrderStatus;

use crate::{
    helpers::TestApp,
    provisioning::{order_for, wait_for},
};

/// The demo tenants' own things, real and in the states a user meets them in.
pub struct Fixture {
    pub contoso: String,
    pub subscription: String,
    pub contoso_order: String,
    pub new_tenant_order: String,
    pub cancellation: String,
    pub statement: String,
    pub application_id: String,
    pub application_number: String,
    pub application_token: String,
    pub document: String,
    pub dead_job: String,
    pub product: String,
    pub vendor_subscription: String,
    // Webhooks (issue #17): the demo partner's endpoint and a delivery in its log.
    pub webhook_endpoint: String,
    pub webhook_delivery: String,
    /// A partner API key of the demo partner (its id), and its token.
    pub api_key: String,
    pub api_token: String,
    /// The demo partner's invoice of last month (the demo's invoiced month).
    pub invoice: String,
}

/// Contoso with provisioned subscriptions (one of them with a cancellation request in status
/// New), a completed new-tenant order whose admin password waits for "View Password", a
/// statement of the demo partner, a partner application with a document, and a dead job.
/// Needs a server with workers.
pub async fn fixture(app: &TestApp, contoso_admin: &TestApp) -> Fixture {
    let scalar = |sql: &'static str| {
        let pool = app.pool.clone();
        async move { sqlx::query_scalar::<_, String>(sql).fetch_one(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}")) }
    };
    // Contoso's subscriptions, provisioned; and a new tenant whose admin password can be viewed.
    let contoso_order = order_for(app, "contoso", "1234567").await;
    let new_tenant_order = order_for(app, "matrixtenant", "1234567").await;
    wait_for(app, contoso_order, OrderStatus::Completed).await;
    wait_for(app, new_tenant_order, OrderStatus::Completed).await;
    let contoso = scalar("select organisation_id::text from customer where tenant_prefix = 'contoso'").await;
    let subscription = scalar(
        "select s.subscription_id::text from subscription s join product p using (product_id)
         where p.sku = 'CFQ7TTC0LH18' and s.customer_id = '00000000-0000-4000-8000-000000000003'",
    )
    .await;
    let defender = scalar(
        "select s.subscription_id::text from subscription s join product p using (product_id)
         where p.sku = 'CFQ7TTC0LHXK' and s.customer_id = '00000000-0000-4000-8000-000000000003'",
    )
    .await;
    // A cancellation request (status New) for the partner to decide.
    let cancelled = contoso_admin.call("cancel_subscription", &[("subscription_id", defender.as_str())]).await;
    assert_eq!(cancelled.status(), StatusCode::OK, "{}", cancelled.text().await.unwrap_or_default());
    let cancellation = cancelled.json::<i64>().await.expect("the request's number").to_string();

    let statement = scalar(
        "insert into statement (statement_id, partner_id, period, subtotal, vat, total, currency, issued_at)
         values (gen_random_uuid(), '00000000-0000-4000-8000-000000000002', '2026-10-01', 100, 20, 120, 'USD', now())
         returning statement_number::text",
    )
    .await;
    let application_id = Uuid::new_v4();
    let application_token = format!("matrix-{}", Uuid::new_v4().simple());
    let application_number = sqlx::query_scalar::<_, i64>(
        "insert into partner_application (application_id, access_token, kind, company_name, tax_number, address,
                                          mpn_id, contact_name, contact_email, contact_phone)
         values ($1, $2, 'new_partner', 'Matrix Bilişim', '1234567890', 'İstanbul', '7654321', 'Deniz',
                 'deniz@matrix.example', '02125550102')
         returning number",
    )
    .bind(application_id)
    .bind(&application_token)
    .fetch_one(&app.pool)
    .await
    .expect("an application");
    let document = Uuid::new_v4();
    sqlx::query(
        "insert into application_document (document_id, application_id, kind, file_name, content_type, size_bytes, content)
         values ($1, $2, (select min(e) from unnest(enum_range(null::document_kind)) e), 'vergi.pdf', 'application/pdf', 8,
                 '%PDF-1.4'::bytea)",
    )
    .bind(document)
    .bind(application_id)
    .execute(&app.pool)
    .await
    .expect("a document");
    // A job that gave up, of a kind no worker takes (so a retry leaves it queued).
    let dead_job = scalar(
        "insert into job (job_id, kind, payload, max_attempts, state, attempts, finished_at, last_error)
         values (gen_random_uuid(), 'matrix_probe', '{}', 1, 'dead', 1, now(), 'gave up')
         returning job_id::text",
    )
    .await;
    let product = scalar("select product_id::text from product where sku = 'CFQ7TTC0LH18'").await;
    let vendor_subscription = scalar(
        "select subscription_id::text from sandbox.subscription
         where tenant_id = '11111111-1111-4111-8111-111111111111' limit 1",
    )
    .await;
    // An endpoint of the demo partner (nothing listens on port 9) with a test delivery in its log.
    let partner = app.signed_in_as("partner@reseller.example").await;
    let created = partner
        .call("create_webhook_endpoint", &[("url", "http://127.0.0.1:9/matrix"), ("events[0]", "order.submitted")])
        .await;
    assert_eq!(created.status(), StatusCode::OK, "{}", created.text().await.unwrap_or_default());
    let webhook_endpoint = created.json::<String>().await.expect("the endpoint's id");
    let tested = partner.call("send_test_webhook", &[("endpoint_id", webhook_endpoint.as_str())]).await;
    assert_eq!(tested.status(), StatusCode::OK);
    let webhook_delivery = scalar("select delivery_id::text from webhook_delivery limit 1").await;
    // A partner API key of the demo partner, with every scope.
    let partner = app.signed_in_as("partner@reseller.example").await;
    let api_token = crate::partner_api::api_key(&partner, &["read", "orders", "subscriptions", "billing"]).await;
    let api_key = sqlx::query_scalar::<_, String>("select api_key_id::text from api_key where token_hash = $1")
        .bind(app::secrets::token_hash(&api_token))
        .fetch_one(&app.pool)
        .await
        .expect("the key");
    let invoice = scalar(
        "select invoice_number from invoice where partner_id = '00000000-0000-4000-8000-000000000002' and kind = 'sales'",
    )
    .await;
    Fixture {
        invoice,
        api_key,
        api_token,
        contoso,
        subscription,
        contoso_order: contoso_order.to_string(),
        new_tenant_order: new_tenant_order.to_string(),
        cancellation,
        statement,
        application_id: application_id.to_string(),
        application_number: application_number.to_string(),
        application_token,
        document: document.to_string(),
        dead_job,
        product,
        vendor_subscription,
        webhook_endpoint,
        webhook_delivery,
    }
}
