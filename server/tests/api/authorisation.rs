//! The authorisation matrix: every server function and every plain HTTP route of the product,
//! called by six callers — nobody, the admin of another customer (of the same partner), the
//! admin of another partner, operations, credit control, and the owner of what the call names —
//! with the owner's real ids. Each cell states what that caller gets. The rows are checked
//! against the functions and routes in the source (`surface`): one without a row, or a row for
//! one that no longer exists, fails the test.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode, header};
use uuid::Uuid;

use crate::{
    helpers::{TestApp, location, second_tenant},
    owned::{Fixture, fixture},
    surface,
};

/// What a caller gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Past every check: the answer is the function's own (200, or 409/422 about the input).
    Y,
    /// Sign in first: 401, or a page's redirect to the sign-in page.
    S,
    /// Signed in, but this role may not: 403.
    F,
    /// Someone else's: 404, as if it did not exist.
    H,
    /// Someone else's, named in a form: the field's message (422) that an id which does not
    /// exist gets too.
    I,
}
use Outcome::{F, H, I, S, Y};

/// The columns, in this order.
const CALLERS: [&str; 6] =
    ["anonymous", "other customer's admin", "other partner's admin", "operations", "credit control", "owner"];

/// Who the owner is in a row: whose ids the call carries, or the role the function is for.
#[derive(Clone, Copy, Debug)]
enum Owner {
    Partner,
    Customer,
    CreditControl,
    Operations,
}

type Form = Vec<(&'static str, String)>;

struct Call {
    endpoint: &'static str,
    owner: Owner,
    cells: [Outcome; 6],
    form: fn(&Fixture) -> Form,
}

fn none(_: &Fixture) -> Form {
    Vec::new()
}

const BASIC: &str = "CFQ7TTC0LH18";
const PARTNER_ID: &str = "00000000-0000-4000-8000-000000000002";
/// Contoso's tenant in the sandbox's Partner Center.
const CONTOSO_TENANT: &str = "11111111-1111-4111-8111-111111111111";

/// The server functions, in the order they are called: the ones that change the caller's
/// session (the portal, sign-in, sign-out) come last.
fn calls() -> Vec<Call> {
    use Owner::*;
    let c = |endpoint: &'static str, owner: Owner, cells: [Outcome; 6], form: fn(&Fixture) -> Form| Call {
        endpoint,
        owner,
        cells,
        form,
    };
    vec![
        // Anyone: who am I, the language, an applicant's status by its secret link.
        c("me", Partner, [Y, Y, Y, Y, Y, Y], none),
        c("set_locale", Partner, [Y, Y, Y, Y, Y, Y], |_| vec![("locale", "en".into())]),
        c("application_status", CreditControl, [Y, Y, Y, Y, Y, Y], |f| vec![("token", f.application_token.clone())]),
        // The catalog: staff and partners, not customers.
        c("catalog", Partner, [S, F, Y, Y, Y, Y], none),
        c("product", Partner, [S, F, Y, Y, Y, Y], |_| vec![("sku", BASIC.into())]),
        // A partner's own business: another partner gets its own (empty) answer.
        c("billing", Partner, [S, F, Y, F, F, Y], none),
        c("my_prices", Partner, [S, F, Y, F, F, Y], none),
        c("set_markup", Partner, [S, F, Y, F, F, Y], |f| {
            vec![("product_id", f.product.clone()), ("markup", "10".into())]
        }),
        c("cart", Partner, [S, F, Y, F, F, Y], none),
        c("add_to_cart", Partner, [S, F, Y, F, F, Y], |_| {
            vec![("sku", BASIC.into()), ("billing_cycle", "monthly".into()), ("quantity", "1".into())]
        }),
        c("update_cart_line", Partner, [S, F, Y, F, F, Y], |_| vec![("sku", BASIC.into()), ("quantity", "2".into())]),
        c("remove_cart_line", Partner, [S, F, Y, F, F, Y], |_| vec![("sku", BASIC.into())]),
        c("checkout", Partner, [S, F, Y, F, F, Y], none),
        c("checkout_customer", Partner, [S, F, I, F, F, Y], |f| {
            vec![("customer_mode", "existing".into()), ("customer_id", f.contoso.clone()), ("mpn_id", "1234567".into())]
        }),
        c("checkout_tenant", Partner, [S, F, Y, F, F, Y], |_| {
            vec![("tenant_mode", "existing".into()), ("domain", "contoso.onmicrosoft.com".into())]
        }),
        c("check_prefix", Partner, [S, F, Y, F, F, Y], |_| vec![("prefix", "matrixfree".into())]),
        c("submit_order", Partner, [S, F, Y, F, F, Y], |_| {
            vec![("idempotency_key", Uuid::new_v4().to_string()), ("payment_method", "wire_transfer".into())]
        }),
        c("customers", Partner, [S, F, Y, F, F, Y], none),
        c("customer", Partner, [S, F, H, F, F, Y], |f| vec![("customer_id", f.contoso.clone())]),
        // GDAP: the customer's partner only.
        c("request_gdap", Partner, [S, F, H, F, F, Y], |f| {
            vec![
                ("customer_id", f.contoso.clone()),
                ("roles[]", "88d8e3e3-8f55-4a1e-953a-9b9898b8876b".into()),
                ("duration_days", "30".into()),
            ]
        }),
        c("check_gdap", Partner, [S, F, H, F, F, Y], |f| vec![("customer_id", f.contoso.clone())]),
        c("customer_agreement", Partner, [S, F, H, F, F, Y], |f| vec![("customer_id", f.contoso.clone())]),
        c("relationship", Partner, [S, F, Y, F, F, Y], none),
        // Global search: a partner's own rows (another partner gets its own, empty, answer);
        // everything for the distributor's staff.
        c("search_my_business", Partner, [S, F, Y, F, F, Y], |_| vec![("q", "contoso".into())]),
        c("search_everything", CreditControl, [S, F, F, Y, Y, Y], |_| vec![("q", "contoso".into())]),
        // The Control Panel's home: the partner's own to-dos (another partner gets its own).
        c("partner_home_todos", Partner, [S, F, Y, F, F, Y], none),
        c("partner_home_work", Partner, [S, F, Y, F, F, Y], none),
        // Bulk renewal settings on one customer's subscriptions: its partner only.
        c("bulk_renewal", Partner, [S, F, H, F, F, Y], |f| {
            vec![
                ("customer_id", f.contoso.clone()),
                ("subscription_ids[]", f.subscription.clone()),
                ("action", "auto_renew_on".into()),
            ]
        }),
        // The back office's home: what needs the staff's attention.
        c("back_office_attention", CreditControl, [S, F, F, Y, Y, Y], none),
        c("partner_overview", Partner, [S, F, Y, F, F, Y], none),
        c("my_orders", Partner, [S, F, Y, F, F, Y], none),
        // One order: its partner and the distributor's staff.
        c("order", Partner, [S, F, H, Y, Y, Y], |f| vec![("order_number", f.contoso_order.clone())]),
        c("view_admin_password", Partner, [S, F, H, F, F, Y], |f| vec![("order_number", f.new_tenant_order.clone())]),
        c("resubmit_order", Partner, [S, F, H, F, F, Y], |f| {
            vec![("order_number", f.contoso_order.clone()), ("mpn_id", "1234567".into()), ("tenant", "contoso".into())]
        }),
        c("decide_cancellation", Partner, [S, F, H, F, F, Y], |f| {
            vec![("order_number", f.cancellation.clone()), ("decision", "reject".into())]
        }),
        // Several at once: each order is reported, another partner's as not found.
        c("decide_cancellations", Partner, [S, F, Y, F, F, Y], |f| {
            vec![("order_numbers[]", f.cancellation.clone()), ("decision", "reject".into())]
        }),
        // One statement: its partner and credit control.
        c("statement", Partner, [S, F, H, F, Y, Y], |f| vec![("statement_number", f.statement.clone())]),
        // Invoicing (issue #21): a partner's invoices (another partner gets its own, empty list),
        // one invoice for its partner and credit control; the rest is credit control's.
        c("invoices", Partner, [S, F, Y, F, Y, Y], none),
        c("my_invoices_page", Partner, [S, F, Y, F, F, Y], none),
        c("invoice_page", Partner, [S, F, H, F, Y, Y], |f| vec![("invoice_number", f.invoice.clone())]),
        c("invoices_page", CreditControl, [S, F, F, F, Y, Y], none),
        c("rates_page", CreditControl, [S, F, F, F, Y, Y], none),
        c("partner_invoicing_page", CreditControl, [S, F, F, F, Y, Y], |_| vec![("partner_id", PARTNER_ID.into())]),
        c("invoice", Partner, [S, F, H, F, Y, Y], |f| vec![("invoice_number", f.invoice.clone())]),
        c("issue_invoices", CreditControl, [S, F, F, F, Y, Y], |_| vec![("period", "2026-10".into())]),
        c("record_invoice_payment", CreditControl, [S, F, F, F, Y, Y], |f| {
            vec![
                ("invoice_number", f.invoice.clone()),
                ("paid_on", "2026-01-01".into()),
                ("amount", "1".into()),
                ("reference", "EFT matrix".into()),
            ]
        }),
        c("exchange_rates", CreditControl, [S, F, F, F, Y, Y], none),
        c("enter_rate", CreditControl, [S, F, F, F, Y, Y], |_| {
            vec![
                ("currency", "EUR".into()),
                ("rate_date", "2026-01-02".into()),
                ("buying", "44".into()),
                ("selling", "45".into()),
            ]
        }),
        c("fetch_rates", CreditControl, [S, F, F, F, Y, Y], none),
        c("save_invoicing_settings", CreditControl, [S, F, F, F, Y, Y], |_| {
            vec![
                ("e_invoice_series", "CMK".into()),
                ("e_archive_series", "CMA".into()),
                ("rate_basis", "forex_buying".into()),
            ]
        }),
        c("save_distributor_details", CreditControl, [S, F, F, F, Y, Y], |_| {
            vec![
                ("tax_number", "0680004312".into()),
                ("tax_office", "Büyük Mükellefler".into()),
                ("address", "Büyükdere Caddesi No: 185".into()),
                ("district", "Şişli".into()),
                ("city", "İstanbul".into()),
            ]
        }),
        c("partner_invoicing", CreditControl, [S, F, F, F, Y, Y], |_| vec![("partner_id", PARTNER_ID.into())]),
        c("save_partner_tax_details", CreditControl, [S, F, F, F, Y, Y], |_| {
            vec![
                ("partner_id", PARTNER_ID.into()),
                ("tax_number", "1234567890".into()),
                ("tax_office", "Çankaya".into()),
                ("address", "Atatürk Bulvarı No: 100".into()),
                ("district", "Çankaya".into()),
                ("city", "Ankara".into()),
            ]
        }),
        c("save_partner_invoicing", CreditControl, [S, F, F, F, Y, Y], |_| {
            vec![("partner_id", PARTNER_ID.into()), ("invoice_profile", "commercial".into())]
        }),
        // The customer portal: its customer's admin (another customer gets its own answer).
        c("my_company", Customer, [S, Y, F, F, F, Y], none),
        c("my_subscriptions", Customer, [S, Y, F, F, F, Y], none),
        c("subscription", Customer, [S, H, F, F, F, Y], |f| vec![("subscription_id", f.subscription.clone())]),
        c("change_licences", Customer, [S, H, F, F, F, Y], |f| {
            vec![("subscription_id", f.subscription.clone()), ("quantity", "11".into())]
        }),
        c("set_auto_renew", Customer, [S, H, F, F, F, Y], |f| {
            vec![("subscription_id", f.subscription.clone()), ("auto_renew", "off".into())]
        }),
        c("schedule_renewal", Customer, [S, H, F, F, F, Y], |f| {
            vec![("subscription_id", f.subscription.clone()), ("renewal_quantity", "12".into())]
        }),
        c("cancel_subscription", Customer, [S, H, F, F, F, Y], |f| vec![("subscription_id", f.subscription.clone())]),
        // The distributor's overview: both kinds of staff.
        c("all_orders", CreditControl, [S, F, F, Y, Y, Y], none),
        c("partners", CreditControl, [S, F, F, Y, Y, Y], none),
        c("outbox", CreditControl, [S, F, F, Y, Y, Y], none),
        c("missing_settings", CreditControl, [S, F, F, Y, Y, Y], none),
        // Credit control only.
        c("partner_billing", CreditControl, [S, F, F, F, Y, Y], |_| vec![("partner_id", PARTNER_ID.into())]),
        c("statements", CreditControl, [S, F, F, F, Y, Y], none),
        c("record_payment", CreditControl, [S, F, F, F, Y, Y], |f| {
            vec![("statement_number", f.statement.clone()), ("reference", "EFT matrix".into())]
        }),
        c("run_billing", CreditControl, [S, F, F, F, Y, Y], |_| vec![("period", "2026-10".into())]),
        // A price list naming no product: previewed line by line, refused whole (422) on import.
        c("preview_price_list", CreditControl, [S, F, F, F, Y, Y], |_| {
            vec![("csv", "NO-SUCH-SKU,annual,1.00,USD,2099-01-01".into())]
        }),
        c("import_price_list", CreditControl, [S, F, F, F, Y, Y], |_| {
            vec![("csv", "NO-SUCH-SKU,annual,1.00,USD,2099-01-01".into())]
        }),
        c("set_credit_limit", CreditControl, [S, F, F, F, Y, Y], |_| {
            vec![("partner_id", PARTNER_ID.into()), ("credit_limit", "6000".into())]
        }),
        c("decide_credit", CreditControl, [S, F, F, F, Y, Y], |f| {
            vec![("order_number", f.contoso_order.clone()), ("decision", "approve".into())]
        }),
        c("applications", CreditControl, [S, F, F, F, Y, Y], none),
        c("application", CreditControl, [S, F, F, F, Y, Y], |f| vec![("number", f.application_number.clone())]),
        c("reject_application", CreditControl, [S, F, F, F, Y, Y], |f| {
            vec![("application_id", f.application_id.clone()), ("reason", "Documents do not match.".into())]
        }),
        c("approve_application", CreditControl, [S, F, F, F, Y, Y], |f| {
            vec![("application_id", f.application_id.clone()), ("credit_limit", "1000".into())]
        }),
        // Webhooks (issue #17): the partner's own endpoints; another partner's id is not found.
        c("webhook_endpoints", Partner, [S, F, Y, F, F, Y], none),
        c("webhook_endpoint", Partner, [S, F, H, F, F, Y], |f| vec![("endpoint_id", f.webhook_endpoint.clone())]),
        c("webhook_deliveries", Partner, [S, F, H, F, F, Y], |f| vec![("endpoint_id", f.webhook_endpoint.clone())]),
        c("create_webhook_endpoint", Partner, [S, F, Y, F, F, Y], |_| {
            vec![("url", "http://127.0.0.1:9/matrix-new".into()), ("events[0]", "order.completed".into())]
        }),
        c("update_webhook_endpoint", Partner, [S, F, H, F, F, Y], |f| {
            vec![
                ("endpoint_id", f.webhook_endpoint.clone()),
                ("url", "http://127.0.0.1:9/matrix".into()),
                ("events[0]", "order.submitted".into()),
                ("enabled", "on".into()),
            ]
        }),
        c("rotate_webhook_secret", Partner, [S, F, H, F, F, Y], |f| vec![("endpoint_id", f.webhook_endpoint.clone())]),
        c("send_test_webhook", Partner, [S, F, H, F, F, Y], |f| vec![("endpoint_id", f.webhook_endpoint.clone())]),
        c("redeliver_webhook", Partner, [S, F, H, F, F, Y], |f| vec![("delivery_id", f.webhook_delivery.clone())]),
        // Last of them: the owner's call deletes the endpoint.
        c("delete_webhook_endpoint", Partner, [S, F, H, F, F, Y], |f| {
            vec![("endpoint_id", f.webhook_endpoint.clone()), ("confirm", "on".into())]
        }),
        // Operations only.
        c("jobs_overview", Operations, [S, F, F, Y, F, Y], none),
        c("retry_job", Operations, [S, F, F, Y, F, Y], |f| vec![("job_id", f.dead_job.clone())]),
        // Settings → API keys: a partner's own keys (another partner's key is not found).
        c("api_keys", Partner, [S, F, Y, F, F, Y], none),
        c("create_api_key", Partner, [S, F, Y, F, F, Y], |_| {
            vec![("name", "Matrix key".into()), ("scope_read", "on".into()), ("language", "en".into())]
        }),
        c("reveal_api_key", Partner, [S, F, Y, F, F, Y], |f| vec![("key_id", f.api_key.clone())]),
        c("revoke_api_key", Partner, [S, F, H, F, F, Y], |f| vec![("key_id", f.api_key.clone())]),
        // The caller's own account: a wrong current password or link is the answer, not a refusal.
        c("change_password", Partner, [S, Y, Y, Y, Y, Y], |_| {
            vec![
                ("current_password", "not-the-password".into()),
                ("new_password", "another-long-password".into()),
                ("confirm_password", "another-long-password".into()),
            ]
        }),
        c("set_password", Partner, [Y, Y, Y, Y, Y, Y], |_| {
            vec![
                ("token", "not-a-real-link".into()),
                ("new_password", "another-long-password".into()),
                ("confirm_password", "another-long-password".into()),
            ]
        }),
        c("open_customer_portal", Partner, [S, F, H, F, F, Y], |f| vec![("customer_id", f.contoso.clone())]),
        c("leave_customer_portal", Partner, [S, F, Y, F, F, Y], none),
        c("login", Partner, [Y, Y, Y, Y, Y, Y], |_| {
            vec![("email", "nobody@matrix.example".into()), ("password", "wrong".into()), ("next", String::new())]
        }),
        c("logout", Partner, [Y, Y, Y, Y, Y, Y], none),
    ]
}

/// A plain HTTP route: its path as the router names it, and the request made for it.
struct Route {
    route: &'static str,
    owner: Owner,
    cells: [Outcome; 6],
    method: Method,
    path: fn(&Fixture) -> String,
}

fn routes() -> Vec<Route> {
    use Owner::*;
    let r = |route: &'static str, owner: Owner, cells: [Outcome; 6], method: Method, path: fn(&Fixture) -> String| {
        Route { route, owner, cells, method, path }
    };
    // The sandbox's pages (nested under /sandbox) are open to anyone, as Microsoft's are; they
    // exist only when the sandbox is on.
    let vendor = [Y, Y, Y, Y, Y, Y];
    // Its API, like Partner Center's, takes no call without an Entra ID token, whoever's browser
    // sends it (the connector's tokens are tested in `partner_center`).
    let vendor_api = [S, S, S, S, S, S];
    vec![
        r("/healthz", Partner, [Y, Y, Y, Y, Y, Y], Method::GET, |_| "/healthz".into()),
        r("/readyz", Partner, [Y, Y, Y, Y, Y, Y], Method::GET, |_| "/readyz".into()),
        // Without CLOUDMARKET_METRICS_TOKEN there are no metrics, for anyone (see observability).
        r("/metrics", Operations, [H, H, H, H, H, H], Method::GET, |_| "/metrics".into()),
        r("/become-a-partner/submit", Partner, [Y, Y, Y, Y, Y, Y], Method::POST, |_| "/become-a-partner/submit".into()),
        r("/applications/{token}/documents/{document_id}", CreditControl, [Y, Y, Y, Y, Y, Y], Method::GET, |f| {
            format!("/applications/{}/documents/{}", f.application_token, f.document)
        }),
        r("/backoffice/documents/{document_id}", CreditControl, [S, F, F, F, Y, Y], Method::GET, |f| {
            format!("/backoffice/documents/{}", f.document)
        }),
        r("/cp/billing/statements/{number}/csv", Partner, [S, F, H, F, F, Y], Method::GET, |f| {
            format!("/cp/billing/statements/{}/csv", f.statement)
        }),
        r("/backoffice/statements/{number}/csv", CreditControl, [S, F, F, F, Y, Y], Method::GET, |f| {
            format!("/backoffice/statements/{}/csv", f.statement)
        }),
        r("/live/progress", Partner, [S, Y, Y, Y, Y, Y], Method::GET, |_| "/live/progress".into()),
        // The partner API's document and reference are public, like any API's; an unknown path
        // under it is not found for anyone.
        r("/api/v1/openapi.json", Partner, [Y, Y, Y, Y, Y, Y], Method::GET, |_| "/api/v1/openapi.json".into()),
        r("/api/v1/docs", Partner, [Y, Y, Y, Y, Y, Y], Method::GET, |_| "/api/v1/docs".into()),
        r("/api/v1/{*rest}", Partner, [H, H, H, H, H, H], Method::GET, |_| "/api/v1/no-such-resource".into()),
        // The sandbox's test controls: operations (or the token, tested in `hardening`).
        r("/clock", Operations, [S, F, F, Y, F, Y], Method::GET, |_| "/sandbox/clock".into()),
        r("/faults", Operations, [S, F, F, Y, F, Y], Method::GET, |_| "/sandbox/faults".into()),
        r("/tokens/revoke", Operations, [S, F, F, Y, F, Y], Method::POST, |_| "/sandbox/tokens/revoke".into()),
        // The stand-in for Entra ID's token endpoint: open, as Microsoft's is; without the app's
        // form it refuses the input, never the caller.
        r("/entra/{tenant}/oauth2/v2.0/token", Partner, vendor, Method::POST, |_| {
            "/sandbox/entra/sandbox-distributor.onmicrosoft.com/oauth2/v2.0/token".into()
        }),
        // An invoice's archived XML: its partner and credit control (issue #21).
        r("/cp/billing/invoices/{number}/xml", Partner, [S, F, H, F, F, Y], Method::GET, |f| {
            format!("/cp/billing/invoices/{}/xml", f.invoice)
        }),
        r("/backoffice/invoices/{number}/xml", CreditControl, [S, F, F, F, Y, Y], Method::GET, |f| {
            format!("/backoffice/invoices/{}/xml", f.invoice)
        }),
        // The sandbox's test controls: operations (or the token, tested in `hardening`).
        r("/clock", Operations, [S, F, F, Y, F, Y], Method::GET, |_| "/sandbox/clock".into()),
        r("/faults", Operations, [S, F, F, Y, F, Y], Method::GET, |_| "/sandbox/faults".into()),
        r("/tcmb-feed", Operations, [S, F, F, Y, F, Y], Method::GET, |_| "/sandbox/tcmb-feed".into()),
        // The TCMB stand-in is public like TCMB's; the integrator wants its API credentials, which
        // no browser session carries.
        r("/tcmb/today.xml", Partner, vendor, Method::GET, |_| "/sandbox/tcmb/today.xml".into()),
        r("/tcmb/{month}/{file}", Partner, vendor, Method::GET, |_| "/sandbox/tcmb/202612/01122026.xml".into()),
        r("/integrator/v1/invoices", Partner, [S, S, S, S, S, S], Method::POST, |_| {
            "/sandbox/integrator/v1/invoices".into()
        }),
        r("/integrator/v1/invoices/{ettn}", Partner, [S, S, S, S, S, S], Method::GET, |_| {
            format!("/sandbox/integrator/v1/invoices/{}", Uuid::nil())
        }),
        r("/relationship", Partner, vendor, Method::GET, |_| "/sandbox/relationship".into()),
        // A GDAP approval page: open like Microsoft's; one for a request that does not exist is
        // not found for anyone.
        r("/gdap/{id}", Partner, [H, H, H, H, H, H], Method::GET, |_| format!("/sandbox/gdap/{}", Uuid::nil())),
        r("/v1/gdap/relationships", Partner, vendor_api, Method::POST, |_| "/sandbox/v1/gdap/relationships".into()),
        r("/v1/gdap/relationships/{id}", Partner, vendor_api, Method::GET, |_| {
            format!("/sandbox/v1/gdap/relationships/{}", Uuid::nil())
        }),
        // The sandbox's stand-in for a partner's webhook receiver (issue #17).
        r("/webhook-receiver", Partner, vendor, Method::POST, |_| "/sandbox/webhook-receiver".into()),
        r("/portal", Partner, vendor, Method::GET, |_| "/sandbox/portal?domain=contoso.onmicrosoft.com".into()),
        // The stand-in for Microsoft's page of the Microsoft Customer Agreement (issue #19).
        r("/agreements/mca", Partner, vendor, Method::GET, |_| "/sandbox/agreements/mca?version=2025-07".into()),
        r("/v1/domains/{domain}", Partner, vendor_api, Method::HEAD, |_| {
            "/sandbox/v1/domains/contoso.onmicrosoft.com".into()
        }),
        r("/v1/profiles/mpn", Partner, vendor_api, Method::GET, |_| "/sandbox/v1/profiles/mpn?mpnId=1234567".into()),
        r("/v1/partners/validateresellers", Partner, vendor_api, Method::POST, |_| {
            "/sandbox/v1/partners/validateresellers".into()
        }),
        r("/v1/customers", Partner, vendor_api, Method::GET, |_| "/sandbox/v1/customers".into()),
        r("/v1/customers/{tenant_id}/agreements", Partner, vendor_api, Method::POST, |_| {
            format!("/sandbox/v1/customers/{CONTOSO_TENANT}/agreements")
        }),
        r("/v1/customers/{tenant_id}/orders", Partner, vendor_api, Method::POST, |_| {
            format!("/sandbox/v1/customers/{CONTOSO_TENANT}/orders")
        }),
        r("/v1/customers/{tenant_id}/subscriptions", Partner, vendor_api, Method::GET, |_| {
            format!("/sandbox/v1/customers/{CONTOSO_TENANT}/subscriptions")
        }),
        r("/v1/customers/{tenant_id}/subscriptions/{subscription_id}", Partner, vendor_api, Method::PATCH, |f| {
            format!("/sandbox/v1/customers/{CONTOSO_TENANT}/subscriptions/{}", f.vendor_subscription)
        }),
    ]
}

/// An operation of the partner API. Its callers hold keys, not sessions: the other partner's
/// admin and the owner call with a key of their partner (every scope); the others have none (a
/// customer admin or the distributor's staff cannot make one), so they get 401.
struct ApiRoute {
    route: &'static str,
    cells: [Outcome; 6],
    method: Method,
    path: fn(&Fixture) -> String,
    body: fn(&Fixture) -> serde_json::Value,
}

fn api_routes() -> Vec<ApiRoute> {
    use serde_json::json;
    let a = |route: &'static str, cells: [Outcome; 6], method: Method, path: fn(&Fixture) -> String| ApiRoute {
        route,
        cells,
        method,
        path,
        body: |_| json!({}),
    };
    // A list or something made anew: each partner gets its own. Someone else's id: not found.
    let own = [S, S, Y, S, S, Y];
    let theirs = [S, S, H, S, S, Y];
    vec![
        a("/api/v1/products", own, Method::GET, |_| "/api/v1/products".into()),
        a("/api/v1/products/{sku}", own, Method::GET, |_| format!("/api/v1/products/{BASIC}")),
        a("/api/v1/customers", own, Method::GET, |_| "/api/v1/customers".into()),
        ApiRoute {
            body: |_| {
                json!({ "company_name": "Matrix Müşteri Ltd.", "tax_number": "1234567890", "address": "İstanbul",
                        "phone": "0212 555 01 02", "contact_name": "Deniz", "contact_email": "it@matrixcustomer.example",
                        "mpn_id": "1234567" })
            },
            ..a("/api/v1/customers", own, Method::POST, |_| "/api/v1/customers".into())
        },
        a("/api/v1/customers/{customer_id}", theirs, Method::GET, |f| format!("/api/v1/customers/{}", f.contoso)),
        a("/api/v1/orders", own, Method::GET, |_| "/api/v1/orders".into()),
        ApiRoute {
            body: |f| {
                json!({ "customer_id": f.contoso, "validate_only": true,
                        "lines": [{ "sku": "CFQ7TTC0LF8R", "billing_cycle": "monthly", "quantity": 1 }] })
            },
            ..a("/api/v1/orders", theirs, Method::POST, |_| "/api/v1/orders".into())
        },
        a("/api/v1/orders/{order_number}", theirs, Method::GET, |f| format!("/api/v1/orders/{}", f.contoso_order)),
        ApiRoute {
            body: |_| json!({ "mpn_id": "1234567", "tenant": "contoso.onmicrosoft.com" }),
            ..a("/api/v1/orders/{order_number}/resubmit", theirs, Method::POST, |f| {
                format!("/api/v1/orders/{}/resubmit", f.contoso_order)
            })
        },
        a("/api/v1/subscriptions", own, Method::GET, |_| "/api/v1/subscriptions".into()),
        a("/api/v1/subscriptions/{subscription_id}", theirs, Method::GET, |f| {
            format!("/api/v1/subscriptions/{}", f.subscription)
        }),
        ApiRoute {
            body: |_| json!({ "auto_renew": true }),
            ..a("/api/v1/subscriptions/{subscription_id}", theirs, Method::PATCH, |f| {
                format!("/api/v1/subscriptions/{}", f.subscription)
            })
        },
        ApiRoute {
            body: |_| json!({ "quantity": 11 }),
            ..a("/api/v1/subscriptions/{subscription_id}/licence-changes", theirs, Method::POST, |f| {
                format!("/api/v1/subscriptions/{}/licence-changes", f.subscription)
            })
        },
        // Rejected first, so the cancellation order the server functions' rows decide is still new
        // for "approve" (a decided one is 409, its own answer).
        a("/api/v1/orders/{order_number}/reject", theirs, Method::POST, |f| {
            format!("/api/v1/orders/{}/reject", f.cancellation)
        }),
        a("/api/v1/orders/{order_number}/approve", theirs, Method::POST, |f| {
            format!("/api/v1/orders/{}/approve", f.cancellation)
        }),
        a("/api/v1/subscriptions/{subscription_id}/cancel", theirs, Method::POST, |f| {
            format!("/api/v1/subscriptions/{}/cancel", f.subscription)
        }),
        a("/api/v1/billing/credit", own, Method::GET, |_| "/api/v1/billing/credit".into()),
        a("/api/v1/billing/unbilled-charges", own, Method::GET, |_| "/api/v1/billing/unbilled-charges".into()),
        a("/api/v1/billing/statements", own, Method::GET, |_| "/api/v1/billing/statements".into()),
        a("/api/v1/billing/statements/{statement_number}", theirs, Method::GET, |f| {
            format!("/api/v1/billing/statements/{}", f.statement)
        }),
        a("/api/v1/billing/statements/{statement_number}/csv", theirs, Method::GET, |f| {
            format!("/api/v1/billing/statements/{}/csv", f.statement)
        }),
    ]
}

/// What a response says about the caller, or `Err` when no cell may ever be it (≥ 500).
fn outcome(expected: Outcome, status: StatusCode, location: &str) -> Result<Outcome, String> {
    match status.as_u16() {
        422 if expected == I => Ok(I),
        401 => Ok(S),
        403 => Ok(F),
        404 => Ok(H),
        300..=399 if location.starts_with("/login") => Ok(S),
        500.. => Err(format!("{status}")),
        _ => Ok(Y),
    }
}

struct Callers {
    anonymous: TestApp,
    other_customer: TestApp,
    other_partner: TestApp,
    operations: TestApp,
    credit: TestApp,
    partner: TestApp,
    customer: TestApp,
}

impl Callers {
    fn column(&self, column: usize, owner: Owner) -> &TestApp {
        match (column, owner) {
            (0, _) => &self.anonymous,
            (1, _) => &self.other_customer,
            (2, _) => &self.other_partner,
            (3, _) | (5, Owner::Operations) => &self.operations,
            (4, _) | (5, Owner::CreditControl) => &self.credit,
            (5, Owner::Partner) => &self.partner,
            (5, Owner::Customer) => &self.customer,
            _ => unreachable!("six columns"),
        }
    }
}

#[tokio::test]
async fn every_server_function_and_route_answers_each_caller_as_its_row_says() {
    let app = TestApp::spawn_with(|c| c.workers = 1).await;
    let (other_customer, other_partner) = second_tenant(&app).await;
    let callers = Callers {
        anonymous: app.another_user(),
        other_customer,
        other_partner,
        operations: app.signed_in_as("ops@distributor.example").await,
        credit: app.signed_in_as("credit@distributor.example").await,
        partner: app.signed_in_as("partner@reseller.example").await,
        customer: app.signed_in_as("admin@contoso.example").await,
    };
    let fixture = fixture(&app, &callers.customer).await;

    // Every server function and route has exactly one row.
    let calls = calls();
    let rows: BTreeSet<String> = calls.iter().map(|c| c.endpoint.to_owned()).collect();
    assert_eq!(rows.len(), calls.len(), "a server function with two rows");
    let functions: BTreeSet<String> = surface::server_fns().into_iter().map(|f| f.endpoint).collect();
    assert_eq!(
        rows.symmetric_difference(&functions).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "server functions without a row in the matrix (or rows for functions that are gone)"
    );
    let routes = routes();
    let api_routes = api_routes();
    let route_rows: BTreeSet<String> =
        routes.iter().map(|r| r.route.to_owned()).chain(api_routes.iter().map(|r| r.route.to_owned())).collect();
    assert_eq!(
        route_rows.symmetric_difference(&surface::routes()).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "routes without a row in the matrix (or rows for routes that are gone)"
    );

    // Routes first: the last server functions sign the callers out.
    let mut wrong = Vec::new();
    for route in &routes {
        let path = (route.path)(&fixture);
        for (column, expected) in route.cells.iter().enumerate() {
            let caller = callers.column(column, route.owner);
            let response = caller
                .client
                .request(route.method.clone(), caller.url(&path))
                .header(header::ACCEPT, "text/html,application/json")
                .send()
                .await
                .expect("a response");
            let status = response.status();
            let got = outcome(*expected, status, &location(&response));
            // Streams stay open: only the status and headers are read.
            drop(response);
            if got != Ok(*expected) {
                wrong.push(format!(
                    "{} {} as {}: expected {expected:?}, got {got:?} ({status})",
                    route.method, route.route, CALLERS[column]
                ));
            }
        }
    }
    // The partner API, with each column's key (none for callers who cannot have one).
    let other_key =
        crate::partner_api::api_key(&callers.other_partner, &["read", "orders", "subscriptions", "billing"]).await;
    let plain = reqwest::Client::new();
    for route in &api_routes {
        let path = (route.path)(&fixture);
        for (column, expected) in route.cells.iter().enumerate() {
            let key = match column {
                2 => Some(other_key.as_str()),
                5 => Some(fixture.api_token.as_str()),
                _ => None,
            };
            let mut request = plain.request(route.method.clone(), callers.partner.url(&path));
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            if route.method != Method::GET {
                request = request.header("idempotency-key", Uuid::new_v4().to_string()).json(&(route.body)(&fixture));
            }
            let response = request.send().await.expect("a response");
            let status = response.status();
            let got = outcome(*expected, status, &location(&response));
            if got != Ok(*expected) {
                let body: String = response.text().await.unwrap_or_default().chars().take(200).collect();
                wrong.push(format!(
                    "{} {} as {}: expected {expected:?}, got {got:?} ({status} {body})",
                    route.method, route.route, CALLERS[column]
                ));
            }
        }
    }
    for call in &calls {
        let form = (call.form)(&fixture);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (column, expected) in call.cells.iter().enumerate() {
            let response = callers.column(column, call.owner).call(call.endpoint, &form).await;
            let status = response.status();
            let got = outcome(*expected, status, &location(&response));
            if got != Ok(*expected) {
                let body: String = response.text().await.unwrap_or_default().chars().take(200).collect();
                wrong.push(format!(
                    "{} as {}: expected {expected:?}, got {got:?} ({status} {body})",
                    call.endpoint, CALLERS[column]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{} cells differ from the matrix:\n{}", wrong.len(), wrong.join("\n"));
}
