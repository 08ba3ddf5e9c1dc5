//! The bundled Partner Center sandbox: the same REST API subset the connector
//! (`app::partner_center`) speaks, served under `/sandbox`, with the fixtures of SPEC §6 so every
//! case can be tried without Microsoft. Its state lives in the `sandbox` schema.
//!
//! Fixtures: tenants `contoso` (relationship accepted) and `fabrikam` (not accepted yet); any
//! other prefix is free. Every 7-digit MPN ID verifies except 8000150 (800015 not found),
//! 8000160 (800016 not an indirect reseller) and 9001230 (900123 agreement not signed).
//! Microsoft's Partner-of-Record check (`POST /v1/partners/validateresellers`) finds 8000170
//! inactive and 8000180 not authorised as our indirect reseller (both verify as MPN IDs, so a
//! partner can apply and order with them); the IDs that do not verify are not found (8000150 and
//! malformed ones) or not authorised (8000160, 9001230); every other ID is valid.
//!
//! `POST /v1/customers/{id}/agreements` takes the distributor's attestation of the Microsoft
//! Customer Agreement with its signatory (400 naming a missing or malformed field, 409 with
//! 600061 once the tenant is attested), and `/agreements/mca?version=` serves a stand-in of the
//! agreement's text.
//!
//! The `/v1` API can be made slow and unreliable on purpose (see [`faults`]); the relationship
//! page, which a person uses, cannot. Every `/v1` call needs an access token from the sandbox's
//! stand-in for Entra ID ([`entra`]), as Partner Center's do.

pub mod control;
pub mod entra;
pub mod faults;
mod gdap;
// Invoicing (issue #21): TCMB's rate feed and an e-Fatura integrator, stood in for.
pub mod integrator;
mod subscriptions;
pub mod tcmb;

use axum::http::HeaderMap;
use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    middleware,
    response::Html,
    response::{IntoResponse, Response},
    routing::{get, head, post},
};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use app::partner_center::{ErrorBody, codes};

use faults::FaultSwitch;

/// The API and the pages a customer uses (the relationship acceptance, the portal), open to
/// anyone like Microsoft's; the test controls are in [`control_router`].
pub fn router(pool: PgPool, faults: FaultSwitch, entra: entra::Entra) -> Router {
    let api = Router::new()
        .route("/v1/domains/{domain}", head(domain_exists))
        .route("/v1/profiles/mpn", get(mpn_profile))
        .route("/v1/partners/validateresellers", post(validate_resellers))
        .route("/v1/customers", get(customers).post(create_customer))
        .route("/v1/customers/{tenant_id}/agreements", post(accept_agreement))
        .route("/v1/customers/{tenant_id}/orders", post(create_order))
        .route("/v1/customers/{tenant_id}/subscriptions", get(subscriptions))
        .route("/v1/customers/{tenant_id}/subscriptions/{subscription_id}", axum::routing::patch(subscriptions::update))
        .route("/v1/gdap/relationships", post(gdap::create))
        .route("/v1/gdap/relationships/{id}", get(gdap::show))
        .layer(middleware::from_fn_with_state(entra.clone(), entra::require_token))
        .layer(middleware::from_fn_with_state(faults, faults::inject))
        .with_state(pool.clone());
    let tokens = Router::new().route("/entra/{tenant}/oauth2/v2.0/token", post(entra::token)).with_state(entra);
    let pages = Router::new()
        .route("/relationship", get(relationship_form).post(accept_relationship))
        .route("/portal", get(portal))
        .route("/gdap/{id}", get(gdap::approval_page).post(gdap::approve))
        .route("/agreements/mca", get(agreement_page))
        .with_state(pool.clone());
    // A partner's webhook receiver for demos (issue #17): register
    // http://127.0.0.1:3000/sandbox/webhook-receiver and "Send test event" shows a delivery.
    let receiver = Router::new().route("/webhook-receiver", post(webhook_receiver));
    api.merge(pages).merge(receiver).merge(tokens).merge(tcmb::router(pool.clone())).merge(integrator::router(pool))
}

/// Stands in for a partner's webhook receiver: takes any delivery and answers 200, keeping
/// nothing (a real receiver verifies the signature with the endpoint's secret first).
async fn webhook_receiver() -> Response {
    (StatusCode::OK, Json(json!({ "received": true }))).into_response()
}

/// The sandbox's test controls: its clock and its fault switch. `startup` puts them behind
/// [`control::allow`] and the session layer.
pub fn control_router(pool: PgPool, faults: FaultSwitch, entra: entra::Entra) -> Router {
    let clock = Router::new()
        .route("/clock", get(subscriptions::clock).put(subscriptions::move_clock))
        .with_state(pool.clone());
    let switch = Router::new().route("/faults", get(faults::show).put(faults::change)).with_state(faults);
    let tokens = Router::new().route("/tokens/revoke", post(entra::revoke)).with_state(entra);
    let feed = tcmb::control_router(pool);
    clock.merge(switch).merge(tokens).merge(feed)
}

fn error(status: StatusCode, code: i64, description: &str) -> Response {
    (status, Json(ErrorBody { code, description: description.to_owned() })).into_response()
}

fn internal(err: sqlx::Error) -> Response {
    tracing::error!(error = %err, "sandbox database error");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn prefix_of(domain: &str) -> Option<String> {
    domain.to_ascii_lowercase().strip_suffix(".onmicrosoft.com").map(str::to_owned)
}

/// `HEAD /v1/domains/{domain}`: 200 taken, 404 free.
async fn domain_exists(State(pool): State<PgPool>, Path(domain): Path<String>) -> Response {
    let Some(prefix) = prefix_of(&domain) else { return StatusCode::NOT_FOUND.into_response() };
    match sqlx::query_scalar!(
        "select exists(select 1 from sandbox.tenant where domain_prefix = $1) as \"taken!\"",
        prefix
    )
    .fetch_one(&pool)
    .await
    {
        Ok(true) => StatusCode::OK.into_response(),
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => internal(err),
    }
}

#[derive(Deserialize)]
struct MpnQuery {
    #[serde(rename = "mpnId")]
    mpn_id: Option<String>,
}

/// The sandbox's verdict on an MPN ID, as Partner Center gives it.
pub fn mpn_verdict(mpn_id: &str) -> Result<(), (StatusCode, i64, &'static str)> {
    if mpn_id.len() != 7 || !mpn_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err((StatusCode::NOT_FOUND, codes::MPN_NOT_FOUND, "The MPN ID was not found."));
    }
    match mpn_id {
        "8000150" => Err((StatusCode::NOT_FOUND, codes::MPN_NOT_FOUND, "The MPN ID was not found.")),
        "8000160" => Err((
            StatusCode::FORBIDDEN,
            codes::MPN_NOT_INDIRECT_RESELLER,
            "The MPN ID does not belong to an indirect reseller.",
        )),
        "9001230" => Err((
            StatusCode::FORBIDDEN,
            codes::PARTNER_AGREEMENT_NOT_SIGNED,
            "The partner has not signed the Microsoft Partner Agreement.",
        )),
        _ => Ok(()),
    }
}

/// The verdict on an order line's partner of record. `8000151` passes the profile lookup at
/// checkout but has since been removed: Partner Center refuses orders that name it, which is how
/// the demo shows a provisioning failure and its resubmission.
pub fn partner_of_record_verdict(mpn_id: &str) -> Result<(), (StatusCode, i64, &'static str)> {
    if mpn_id == REMOVED_MPN {
        return Err((StatusCode::NOT_FOUND, codes::MPN_NOT_FOUND, "The partner of record's MPN ID was not found."));
    }
    mpn_verdict(mpn_id)
}

pub const REMOVED_MPN: &str = "8000151";

/// A Partner ID that verifies as an MPN ID but that Microsoft reports inactive for
/// Partner-of-Record purposes.
pub const INACTIVE_RESELLER: &str = "8000170";
/// A Partner ID that verifies as an MPN ID but is not authorised as the distributor's indirect
/// reseller.
pub const UNAUTHORISED_RESELLER: &str = "8000180";

/// The sandbox's `validateresellers` verdict: `None` when valid, else Microsoft's reason.
/// [`REMOVED_MPN`] stays valid here: it stands for an ID removed after the order was checked.
pub fn reseller_verdict(partner_id: &str) -> Option<&'static str> {
    match partner_id {
        INACTIVE_RESELLER => Some("inactive"),
        UNAUTHORISED_RESELLER => Some("notAuthorized"),
        _ => match mpn_verdict(partner_id) {
            Ok(()) => None,
            Err((_, codes::MPN_NOT_FOUND, _)) => Some("notFound"),
            Err(_) => Some("notAuthorized"),
        },
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValidateResellers {
    partner_ids: Vec<String>,
}

/// `POST /v1/partners/validateresellers` with `{"partnerIds": [...]}`: one item per ID,
/// `{"partnerId", "isValid", "reason"}`, `reason` only when not valid.
async fn validate_resellers(Json(body): Json<ValidateResellers>) -> Response {
    if body.partner_ids.is_empty() || body.partner_ids.len() > app::partner_center::VALIDATE_RESELLERS_AT_ONCE {
        return error(StatusCode::BAD_REQUEST, 400, "Name between 1 and 100 Partner IDs.");
    }
    let items: Vec<_> = body
        .partner_ids
        .iter()
        .map(|id| match reseller_verdict(id) {
            None => json!({ "partnerId": id, "isValid": true }),
            Some(reason) => json!({ "partnerId": id, "isValid": false, "reason": reason }),
        })
        .collect();
    Json(json!({ "totalCount": items.len(), "items": items })).into_response()
}

/// A one-time password for a new tenant's admin, as Partner Center hands out.
fn one_time_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let body: String = (0..14).map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char).collect();
    // Microsoft's complexity rules want a symbol and a digit too.
    format!("{body}!{}", rng.gen_range(10..100))
}

/// `GET /v1/profiles/mpn?mpnId=`
async fn mpn_profile(Query(query): Query<MpnQuery>) -> Response {
    let mpn_id = query.mpn_id.unwrap_or_default();
    match mpn_verdict(&mpn_id) {
        Ok(()) => Json(json!({
            "mpnId": mpn_id,
            "partnerName": format!("Sandbox Partner {mpn_id}"),
            "profileType": "MpnProfile",
        }))
        .into_response(),
        Err((status, code, description)) => error(status, code, description),
    }
}

#[derive(Deserialize)]
struct CustomerQuery {
    filter: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Filter {
    field: String,
    value: String,
    operator: String,
}

/// `GET /v1/customers?filter={"Field":"Domain","Value":…,"Operator":"starts_with"}`: only the
/// tenants that accepted the reseller relationship, as in Partner Center.
async fn customers(State(pool): State<PgPool>, Query(query): Query<CustomerQuery>) -> Response {
    let filter = match query.filter.as_deref().map(serde_json::from_str::<Filter>) {
        None => None,
        Some(Ok(filter)) if filter.field == "Domain" && filter.operator == "starts_with" => {
            Some(filter.value.to_ascii_lowercase())
        }
        Some(_) => return error(StatusCode::BAD_REQUEST, 400, "Only a Domain starts_with filter is supported."),
    };
    let rows = sqlx::query!(
        r#"select tenant_id, domain_prefix, company_name from sandbox.tenant
           where relationship_accepted_at is not null
             and ($1::text is null or domain_prefix || '.onmicrosoft.com' like $1 || '%')
           order by domain_prefix"#,
        filter
    )
    .fetch_all(&pool)
    .await;
    match rows {
        Ok(rows) => {
            let items: Vec<_> = rows
                .into_iter()
                .map(|r| {
                    json!({
                        "id": r.tenant_id,
                        "companyProfile": {
                            "tenantId": r.tenant_id,
                            "domain": format!("{}.onmicrosoft.com", r.domain_prefix),
                            "companyName": r.company_name,
                        },
                        "relationshipToPartner": "reseller",
                    })
                })
                .collect();
            Json(json!({ "totalCount": items.len(), "items": items, "attributes": { "objectType": "Collection" } }))
                .into_response()
        }
        Err(err) => internal(err),
    }
}

fn request_id(headers: &HeaderMap) -> Option<Uuid> {
    headers.get("MS-RequestId").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
}

/// Creates refuse a call without a usable MS-RequestId: it is what makes a retry safe.
fn missing_request_id() -> Response {
    error(StatusCode::BAD_REQUEST, 400, "MS-RequestId must be a GUID.")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewCustomer {
    company_profile: NewCompanyProfile,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewCompanyProfile {
    domain: String,
    company_name: String,
}

fn customer_json(tenant_id: Uuid, prefix: &str, company: &str, password: Option<&str>) -> serde_json::Value {
    json!({
        "id": tenant_id,
        "companyProfile": { "tenantId": tenant_id, "domain": format!("{prefix}.onmicrosoft.com"), "companyName": company },
        "relationshipToPartner": "reseller",
        "userCredentials": password.map(|p| json!({ "userName": "admin", "password": p })),
    })
}

/// `POST /v1/customers`: a new tenant, related to us from the start. The same MS-RequestId
/// answers with the tenant it created.
async fn create_customer(State(pool): State<PgPool>, headers: HeaderMap, Json(body): Json<NewCustomer>) -> Response {
    let Some(request) = request_id(&headers) else { return missing_request_id() };
    let Some(prefix) = prefix_of(&body.company_profile.domain) else {
        return error(StatusCode::BAD_REQUEST, 400, "The domain must be <prefix>.onmicrosoft.com.");
    };
    let password = one_time_password();
    let created = sqlx::query_scalar!(
        r#"insert into sandbox.tenant (domain_prefix, tenant_id, company_name, relationship_accepted_at, created_by_request,
                                       admin_password)
           values ($1, $2, $3, now(), $4, $5)
           on conflict do nothing
           returning tenant_id"#,
        prefix,
        Uuid::new_v4(),
        body.company_profile.company_name,
        request,
        password
    )
    .fetch_optional(&pool)
    .await;
    match created {
        Ok(Some(tenant_id)) => (
            StatusCode::CREATED,
            Json(customer_json(tenant_id, &prefix, &body.company_profile.company_name, Some(&password))),
        )
            .into_response(),
        Ok(None) => {
            // Either this request already created it (a retry) or the domain belongs to someone.
            match sqlx::query!(
                "select tenant_id, company_name, admin_password from sandbox.tenant
                 where domain_prefix = $1 and created_by_request = $2",
                prefix,
                request
            )
            .fetch_optional(&pool)
            .await
            {
                Ok(Some(row)) => (
                    StatusCode::CREATED,
                    Json(customer_json(row.tenant_id, &prefix, &row.company_name, row.admin_password.as_deref())),
                )
                    .into_response(),
                Ok(None) => error(StatusCode::CONFLICT, 409, "The domain is already in use by another tenant."),
                Err(err) => internal(err),
            }
        }
        Err(err) => internal(err),
    }
}

/// The refusal when we may not act for a tenant: it must exist (60003) and have accepted us as
/// its reseller (20002).
async fn refuse_unrelated(pool: &PgPool, tenant_id: Uuid) -> Option<Response> {
    match sqlx::query_scalar!(
        "select relationship_accepted_at is not null as \"related!\" from sandbox.tenant where tenant_id = $1",
        tenant_id
    )
    .fetch_optional(pool)
    .await
    {
        Ok(Some(true)) => None,
        Ok(Some(false)) => Some(error(
            StatusCode::FORBIDDEN,
            codes::NO_RELATIONSHIP,
            "The customer has no reseller relationship with the partner.",
        )),
        Ok(None) => Some(error(StatusCode::NOT_FOUND, codes::TENANT_NOT_FOUND, "The customer tenant was not found.")),
        Err(err) => Some(internal(err)),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Attestation {
    agreement_type: Option<String>,
    template_id: Option<String>,
    primary_contact: Option<Contact>,
    company_name: Option<String>,
    country: Option<String>,
    language: Option<String>,
    date_agreed: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Contact {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
}

/// An attestation Partner Center would take, or the refusal naming its first bad field.
struct Attested {
    template_id: String,
    first_name: String,
    last_name: String,
    email: String,
    company_name: String,
    country: String,
    language: String,
    date_agreed: time::OffsetDateTime,
}

fn attestation_verdict(body: Attestation) -> Result<Attested, &'static str> {
    fn given(value: Option<String>, refusal: &'static str) -> Result<String, &'static str> {
        value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).ok_or(refusal)
    }
    if body.agreement_type.as_deref() != Some("MicrosoftCustomerAgreement") {
        return Err("agreementType must be MicrosoftCustomerAgreement.");
    }
    let contact = body.primary_contact.unwrap_or_default();
    let email = given(contact.email, "primaryContact.email is required.")?;
    let well_formed = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.contains('@'));
    if !well_formed {
        return Err("primaryContact.email is not a valid e-mail address.");
    }
    let two_letters = |v: &str| v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic());
    let country = given(body.country, "country is required.")?;
    let language = given(body.language, "language is required.")?;
    if !two_letters(&country) || !two_letters(&language) {
        return Err("country and language are two-letter codes.");
    }
    let date_agreed = given(body.date_agreed, "dateAgreed is required.")?;
    Ok(Attested {
        template_id: given(body.template_id, "templateId is required.")?,
        first_name: given(contact.first_name, "primaryContact.firstName is required.")?,
        last_name: given(contact.last_name, "primaryContact.lastName is required.")?,
        email,
        company_name: given(body.company_name, "companyName is required.")?,
        country,
        language,
        date_agreed: time::OffsetDateTime::parse(&date_agreed, &time::format_description::well_known::Rfc3339)
            .map_err(|_| "dateAgreed must be an RFC 3339 date and time.")?,
    })
}

/// `POST /v1/customers/{id}/agreements`: the distributor attests that the customer's signatory
/// accepted the Microsoft Customer Agreement (enhanced attestation). The signatory is checked
/// (400 naming the field) and kept; a tenant attested already is answered 409 with 600061, as
/// Partner Center does, except to a retry of the call that attested it.
async fn accept_agreement(
    State(pool): State<PgPool>,
    Path(tenant_id): Path<Uuid>,
    headers: HeaderMap,
    Json(body): Json<Attestation>,
) -> Response {
    let Some(request) = request_id(&headers) else { return missing_request_id() };
    if let Some(refusal) = refuse_unrelated(&pool, tenant_id).await {
        return refusal;
    }
    let attested = match attestation_verdict(body) {
        Ok(attested) => attested,
        Err(reason) => return error(StatusCode::BAD_REQUEST, 400, reason),
    };
    let created = json!({ "agreementType": "MicrosoftCustomerAgreement", "templateId": attested.template_id });
    let result: Result<Response, sqlx::Error> = async {
        let mut tx = pool.begin().await?;
        let tenant = sqlx::query!(
            r#"select t.agreement_accepted_at is not null as "accepted!", a.request_id as "request_id?"
               from sandbox.tenant t left join sandbox.agreement_attestation a using (tenant_id)
               where t.tenant_id = $1 for update of t"#,
            tenant_id
        )
        .fetch_one(&mut *tx)
        .await?;
        let already = || {
            error(
                StatusCode::CONFLICT,
                codes::AGREEMENT_ALREADY_ATTESTED,
                "The customer has already accepted the Microsoft Customer Agreement.",
            )
        };
        if let Some(first) = tenant.request_id {
            sqlx::query!("update sandbox.agreement_attestation set calls = calls + 1 where tenant_id = $1", tenant_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(if first == request { (StatusCode::CREATED, Json(created)).into_response() } else { already() });
        }
        if tenant.accepted {
            // Accepted before attestations were kept (the old acceptance call).
            return Ok(already());
        }
        sqlx::query!(
            "insert into sandbox.agreement_attestation (tenant_id, request_id, agreement_version, first_name, last_name,
                                                        email, company_name, country, language, date_agreed)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            tenant_id,
            request,
            attested.template_id,
            attested.first_name,
            attested.last_name,
            attested.email,
            attested.company_name,
            attested.country,
            attested.language,
            attested.date_agreed
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("update sandbox.tenant set agreement_accepted_at = now() where tenant_id = $1", tenant_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((StatusCode::CREATED, Json(created)).into_response())
    }
    .await;
    result.unwrap_or_else(internal)
}

#[derive(Deserialize)]
struct AgreementQuery {
    version: Option<String>,
}

/// `GET /agreements/mca?version=`: stands in for Microsoft's page of the Microsoft Customer
/// Agreement, which checkout links to at the version it attests to.
async fn agreement_page(Query(query): Query<AgreementQuery>) -> Response {
    let current = app::partner_center::CUSTOMER_AGREEMENT_VERSION;
    let version = query.version.unwrap_or_else(|| current.to_owned());
    if version != current {
        return (
            StatusCode::NOT_FOUND,
            titled_page(
                "Microsoft Customer Agreement",
                &format!(
                    "<h1>No such version</h1><p>Version {} is not published; the current one is {current}.</p>",
                    escape(&version)
                ),
            ),
        )
            .into_response();
    }
    titled_page(
        "Microsoft Customer Agreement",
        &format!(
            "<h1>Microsoft Customer Agreement</h1><p class=\"note\">Version {current} · a stand-in for \
             Microsoft's text in the Partner Center sandbox</p>\
             <p>This Microsoft Customer Agreement is entered into between the Customer and Microsoft. It \
             consists of these terms, the Use Rights and the Service Level Agreement for each product the \
             Customer orders through its Cloud Solution Provider.</p>\
             <h2>1. Licences</h2><p>Products are licensed, not sold, for the Customer's own use during the \
             term of its subscriptions.</p>\
             <h2>2. Privacy and security</h2><p>Microsoft processes Customer Data as the Microsoft Products \
             and Services Data Protection Addendum describes.</p>\
             <h2>3. Acceptance</h2><p>The person accepting represents that they may bind the Customer. \
             The Customer's Cloud Solution Provider attests the acceptance to Microsoft with that person's \
             name, e-mail address, company, country and language.</p>"
        ),
    )
    .into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewOrder {
    line_items: Vec<NewLineItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewLineItem {
    line_item_number: i32,
    offer_id: String,
    quantity: i32,
    partner_id_on_record: Option<String>,
}

async fn order_json(pool: &PgPool, order_id: Uuid) -> Result<serde_json::Value, sqlx::Error> {
    let lines = sqlx::query!(
        "select subscription_id, line_number, offer_id, quantity from sandbox.subscription
         where order_id = $1 order by line_number",
        order_id
    )
    .fetch_all(pool)
    .await?;
    Ok(json!({
        "id": order_id,
        "lineItems": lines.into_iter().map(|l| json!({
            "lineItemNumber": l.line_number,
            "offerId": l.offer_id,
            "quantity": l.quantity,
            "subscriptionId": l.subscription_id,
        })).collect::<Vec<_>>(),
        "status": "completed",
    }))
}

/// `POST /v1/customers/{id}/orders`: one subscription per line item. A repeated MS-RequestId
/// returns the order it made: a retry never creates a second subscription.
async fn create_order(
    State(pool): State<PgPool>,
    Path(tenant_id): Path<Uuid>,
    headers: HeaderMap,
    Json(body): Json<NewOrder>,
) -> Response {
    let Some(request) = request_id(&headers) else { return missing_request_id() };
    if let Some(refusal) = refuse_unrelated(&pool, tenant_id).await {
        return refusal;
    }
    if body.line_items.is_empty() || body.line_items.iter().any(|l| l.quantity < 1) {
        return error(StatusCode::BAD_REQUEST, 400, "An order needs line items with a quantity of at least 1.");
    }
    if let Some(Err((status, code, description))) = body
        .line_items
        .iter()
        .filter_map(|l| l.partner_id_on_record.as_deref())
        .map(partner_of_record_verdict)
        .find(Result::is_err)
    {
        return error(status, code, description);
    }
    let result: Result<Response, sqlx::Error> = async {
        let agreement = sqlx::query_scalar!(
            "select agreement_accepted_at is not null as \"accepted!\" from sandbox.tenant where tenant_id = $1",
            tenant_id
        )
        .fetch_one(&pool)
        .await?;
        if !agreement {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                codes::CUSTOMER_AGREEMENT_NOT_ACCEPTED,
                "The customer has not accepted the Microsoft Customer Agreement.",
            ));
        }
        let mut tx = pool.begin().await?;
        let order_id = Uuid::new_v4();
        let inserted = sqlx::query_scalar!(
            "insert into sandbox.customer_order (order_id, request_id, tenant_id) values ($1, $2, $3)
             on conflict (request_id) do nothing returning order_id",
            order_id,
            request,
            tenant_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(order_id) = inserted else {
            tx.rollback().await?;
            let existing = sqlx::query_scalar!("select order_id from sandbox.customer_order where request_id = $1", request)
                .fetch_one(&pool)
                .await?;
            return Ok((StatusCode::CREATED, Json(order_json(&pool, existing).await?)).into_response());
        };
        for line in &body.line_items {
            sqlx::query!(
                "insert into sandbox.subscription (subscription_id, order_id, tenant_id, line_number, offer_id, quantity)
                 values ($1, $2, $3, $4, $5, $6)",
                Uuid::new_v4(),
                order_id,
                tenant_id,
                line.line_item_number,
                line.offer_id,
                line.quantity
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((StatusCode::CREATED, Json(order_json(&pool, order_id).await?)).into_response())
    }
    .await;
    result.unwrap_or_else(internal)
}

/// `GET /v1/customers/{id}/subscriptions`
async fn subscriptions(State(pool): State<PgPool>, Path(tenant_id): Path<Uuid>) -> Response {
    let rows = sqlx::query!(
        r#"select subscription_id, offer_id, quantity, status::text as "status!", order_id
           from sandbox.subscription where tenant_id = $1 order by created_at, line_number"#,
        tenant_id
    )
    .fetch_all(&pool)
    .await;
    match rows {
        Ok(rows) => {
            let items: Vec<_> = rows
                .into_iter()
                .map(|r| json!({ "id": r.subscription_id, "offerId": r.offer_id, "quantity": r.quantity, "status": r.status, "orderId": r.order_id }))
                .collect();
            Json(json!({ "totalCount": items.len(), "items": items })).into_response()
        }
        Err(err) => internal(err),
    }
}

#[derive(Deserialize)]
struct InvitationQuery {
    #[serde(rename = "partnerId")]
    partner_id: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(body: &str) -> Html<String> {
    titled_page("Accept reseller relationship", body)
}

fn titled_page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} · Partner Center \
         sandbox</title><style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}}\
         label{{display:block;margin:.75rem 0 .25rem}}input[type=text]{{width:100%;padding:.5rem;font-size:1rem}}\
         button{{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}}.note{{color:#555}}</style></head><body>\
         <p class=\"note\">Microsoft 365 admin center (Partner Center sandbox)</p>{body}</body></html>"
    ))
}

#[derive(Deserialize)]
struct PortalQuery {
    domain: Option<String>,
}

/// `GET /portal?domain=`: where "Log into O365" leads in the demo, standing in for the Microsoft
/// 365 admin center: the tenant and the licences Partner Center holds for it.
async fn portal(State(pool): State<PgPool>, Query(query): Query<PortalQuery>) -> Response {
    let domain = query.domain.unwrap_or_default();
    let Some(prefix) = prefix_of(&domain) else {
        return (
            StatusCode::NOT_FOUND,
            titled_page("Sign in", "<h1>Tenant not found</h1><p>Open this page from “Log into O365”.</p>"),
        )
            .into_response();
    };
    let rows = sqlx::query!(
        r#"select t.company_name, s.offer_id as "offer_id?", s.quantity as "quantity?", s.status::text as "status?"
           from sandbox.tenant t left join sandbox.subscription s using (tenant_id)
           where t.domain_prefix = $1 order by s.created_at"#,
        prefix
    )
    .fetch_all(&pool)
    .await;
    let rows = match rows {
        Ok(rows) if !rows.is_empty() => rows,
        Ok(_) => {
            return (
                StatusCode::NOT_FOUND,
                titled_page("Sign in", "<h1>Tenant not found</h1><p>No tenant has this domain.</p>"),
            )
                .into_response();
        }
        Err(err) => return internal(err),
    };
    let licences: String = rows
        .iter()
        .filter_map(|r| Some((r.offer_id.as_deref()?, r.quantity?, r.status.as_deref()?)))
        .map(|(offer, quantity, status)| {
            format!("<tr><td>{}</td><td>{quantity}</td><td>{}</td></tr>", escape(offer), escape(status))
        })
        .collect();
    let licences = if licences.is_empty() {
        "<p>No licences yet.</p>".to_owned()
    } else {
        format!(
            "<table><thead><tr><th>Product</th><th>Licences</th><th>Status</th></tr></thead><tbody>{licences}</tbody></table>"
        )
    };
    titled_page(
        "Microsoft 365",
        &format!(
            "<h1>{company}</h1><p>Signed in to <strong>{prefix}.onmicrosoft.com</strong></p><h2>Licences</h2>{licences}",
            company = escape(&rows[0].company_name),
        ),
    )
    .into_response()
}

/// The page a customer's Global admin opens from the partner's reseller relationship link.
async fn relationship_form(Query(query): Query<InvitationQuery>) -> Html<String> {
    let partner = escape(query.partner_id.as_deref().unwrap_or_default());
    page(&format!(
        "<h1>Accept a reseller relationship</h1>\
         <p>Armada Bilgisayar asks to become the Cloud Solution Provider of your organisation, for partner \
         <code>{partner}</code>.</p>\
         <form method=\"post\"><input type=\"hidden\" name=\"partner_id\" value=\"{partner}\">\
         <label for=\"domain\">Your organisation's initial domain</label>\
         <input type=\"text\" id=\"domain\" name=\"domain\" placeholder=\"contoso.onmicrosoft.com\" required>\
         <label><input type=\"checkbox\" name=\"accept\" value=\"yes\" required> I accept Armada Bilgisayar as \
         my Cloud Solution Provider</label>\
         <button type=\"submit\">Accept and authorise</button></form>"
    ))
}

#[derive(Deserialize)]
struct Acceptance {
    domain: String,
    accept: Option<String>,
}

async fn accept_relationship(State(pool): State<PgPool>, axum::Form(form): axum::Form<Acceptance>) -> Response {
    if form.accept.as_deref() != Some("yes") {
        return (StatusCode::UNPROCESSABLE_ENTITY, page("<h1>Not accepted</h1><p>Tick the box to accept.</p>"))
            .into_response();
    }
    let Some(prefix) = prefix_of(form.domain.trim()) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            page("<h1>Unknown domain</h1><p>Enter the initial domain, e.g. contoso.onmicrosoft.com.</p>"),
        )
            .into_response();
    };
    let updated = sqlx::query!(
        "update sandbox.tenant set relationship_accepted_at = coalesce(relationship_accepted_at, now())
         where domain_prefix = $1 returning company_name",
        prefix
    )
    .fetch_optional(&pool)
    .await;
    match updated {
        Ok(Some(row)) => page(&format!(
            "<h1>Relationship accepted</h1><p>{} ({}.onmicrosoft.com) now has Armada Bilgisayar as its Cloud \
             Solution Provider. You can close this page.</p>",
            escape(&row.company_name),
            escape(&prefix)
        ))
        .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            page(&format!("<h1>Unknown tenant</h1><p>No tenant {}.onmicrosoft.com exists.</p>", escape(&prefix))),
        )
            .into_response(),
        Err(err) => internal(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpn_fixtures_fail_with_their_codes() {
        assert!(mpn_verdict("1234567").is_ok());
        assert_eq!(mpn_verdict("8000150").unwrap_err().1, 800015);
        assert_eq!(mpn_verdict("8000160").unwrap_err().1, 800016);
        assert_eq!(mpn_verdict("9001230").unwrap_err().1, 900123);
        assert_eq!(mpn_verdict("123").unwrap_err().1, 800015);
    }

    #[test]
    fn reseller_fixtures_have_their_reasons_and_other_known_ids_are_valid() {
        assert_eq!(reseller_verdict(INACTIVE_RESELLER), Some("inactive"));
        assert_eq!(reseller_verdict(UNAUTHORISED_RESELLER), Some("notAuthorized"));
        assert_eq!(reseller_verdict("8000150"), Some("notFound"));
        assert_eq!(reseller_verdict("8000160"), Some("notAuthorized"));
        assert_eq!(reseller_verdict("1234567"), None);
        assert_eq!(reseller_verdict(REMOVED_MPN), None);
        assert!(mpn_verdict(INACTIVE_RESELLER).is_ok() && mpn_verdict(UNAUTHORISED_RESELLER).is_ok());
    }

    #[test]
    fn only_initial_domains_have_a_prefix() {
        assert_eq!(prefix_of("Contoso.onmicrosoft.com").as_deref(), Some("contoso"));
        assert_eq!(prefix_of("contoso.com"), None);
    }
}
