//! Orders: placed from lines, a customer and a tenant through checkout's own path (every check
//! of the Control Panel's "Submit", then the same transaction), or only checked
//! (`validate_only`, every refusal at once, nothing written); read, listed, resubmitted after a
//! fix; and cancellation orders opened ("Open Order") or rejected.

use std::net::SocketAddr;

use axum::{
    Extension, Json,
    extract::{ConnectInfo, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    caller::ApiCaller,
    catalog::Cycle,
    extract::{ApiJson, ApiPath, ApiQuery},
    idempotent::IdempotencyKey,
    problem::{ApiError, ApiResult},
    wire::{Limit, Money, Page, iso, number_cursor},
};
use crate::{
    checkout::{
        CustomerChoice, CustomerForm,
        agreement::{Attestation, SignatoryForm, parse_signatory},
        parse_customer,
        place_order::{CustomerRef, LineRequest, Mode, OrderRequest, Placement, Preview, TenantRef},
    },
    domain::{DomainPrefix, OrderKind, OrderNumber, OrderStatus, PaymentMethod, ProvisioningStep, Quantity},
    error::{AppError, Refusals},
    i18n::{Locale, Say},
    orders::OrderDetail,
    partner_api::{ApiScope, ssr::lists},
    provisioning::InFlight,
    state::AppState,
};

/// An order still on its way: where provisioning stands.
#[derive(Serialize, ToSchema)]
pub struct InProcess {
    pub order_number: i64,
    pub status: OrderStatus,
    /// The latest step of its current run; none before a worker took it.
    pub step: Option<ProvisioningStep>,
    pub percent: i32,
}

impl From<InFlight> for InProcess {
    fn from(f: InFlight) -> Self {
        Self { order_number: f.order_number, status: f.status, step: f.step, percent: f.percent }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrderLine {
    pub sku: String,
    pub product_name: String,
    pub billing_cycle: Cycle,
    pub quantity: i32,
    pub unit_price: Money,
    pub line_total: Money,
}

/// A step of provisioning, as it was recorded.
#[derive(Serialize, ToSchema)]
pub struct Step {
    pub step: ProvisioningStep,
    pub percent: i32,
    #[schema(format = DateTime)]
    pub at: String,
}

/// Why provisioning stopped, and the one action that fixes it, in the caller's language.
#[derive(Serialize, ToSchema)]
pub struct Failure {
    /// Partner Center's code.
    pub code: Option<i64>,
    pub reason: String,
    pub fix: String,
}

/// What a change or cancellation order does to its subscription.
#[derive(Serialize, ToSchema)]
pub struct Change {
    pub subscription_id: Option<Uuid>,
    pub product_name: String,
    pub from_quantity: i32,
    /// 0 for a cancellation.
    pub to_quantity: i32,
    pub refund: Money,
}

/// An order as the list shows it.
#[derive(Serialize, ToSchema)]
pub struct OrderItem {
    pub order_number: i64,
    pub kind: OrderKind,
    pub status: OrderStatus,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub subtotal: Money,
    pub vat: Money,
    pub total: Money,
    /// What it puts on the partner's credit (an annual line its 12 months).
    pub term_value: Money,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// One order with its lines, provisioning and, for a failed one, the reason and the fix.
#[derive(Serialize, ToSchema)]
pub struct Order {
    #[serde(flatten)]
    pub item: OrderItem,
    pub mpn_id: String,
    pub tenant_domain: String,
    /// Provisioning creates the tenant.
    pub new_tenant: bool,
    pub lines: Vec<OrderLine>,
    /// The steps of its current provisioning run, oldest first.
    pub steps: Vec<Step>,
    pub failure: Option<Failure>,
    pub change: Option<Change>,
    /// Credit control's reason, for an order it rejected.
    pub decision_reason: Option<String>,
}

fn order(d: OrderDetail, customer_id: Uuid, subscription_id: Option<Uuid>, locale: Locale) -> Order {
    let currency = d.summary.currency;
    Order {
        item: OrderItem {
            order_number: d.summary.order_number.get(),
            kind: d.kind,
            status: d.summary.status,
            customer_id,
            customer_name: d.summary.customer_name,
            subtotal: Money::new(d.subtotal, currency),
            vat: Money::new(d.vat, currency),
            total: Money::new(d.summary.total, currency),
            term_value: Money::new(d.summary.term_value, currency),
            created_at: iso(d.summary.created_at),
        },
        mpn_id: d.mpn_id,
        tenant_domain: d.tenant_domain,
        new_tenant: d.new_tenant,
        lines: d
            .lines
            .into_iter()
            .map(|l| OrderLine {
                sku: l.sku,
                product_name: l.product_name,
                billing_cycle: l.billing_cycle.into(),
                quantity: l.quantity,
                unit_price: Money::new(l.unit_price, currency),
                line_total: Money::new(l.line_total, currency),
            })
            .collect(),
        steps: d
            .progress
            .into_iter()
            .map(|p| Step { step: p.step, percent: p.percent, at: iso(p.recorded_at) })
            .collect(),
        failure: d.failure.map(|f| Failure {
            code: f.code,
            reason: f.reason.render(locale),
            fix: f.fix.render(locale),
        }),
        change: d.change.map(|c| Change {
            subscription_id,
            product_name: c.product_name,
            from_quantity: c.from_quantity,
            to_quantity: c.to_quantity,
            refund: Money::new(c.refund, currency),
        }),
        decision_reason: d.decision_reason,
    }
}

/// One of the caller's partner's orders, as the API shows it; 404 for anyone else's.
pub async fn load_order(state: &AppState, caller: &ApiCaller, number: i64) -> ApiResult<Order> {
    let not_found = || ApiError::from(AppError::not_found(Say::OrderNotFound));
    let (customer_id, subscription_id) =
        lists::order_facts(&state.pool, caller.partner_id(), number).await?.ok_or_else(not_found)?;
    let detail = crate::orders::ssr::detail(&state.pool, OrderNumber(number), Some(caller.partner_id()))
        .await?
        .ok_or_else(not_found)?;
    Ok(order(detail, customer_id, subscription_id, caller.locale))
}

/// `201 Created` with the order and its address.
pub fn created(order: Order) -> Response {
    let location = format!("/api/v1/orders/{}", order.item.order_number);
    let mut response = (StatusCode::CREATED, Json(order)).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderSearch {
    pub status: Option<OrderStatus>,
    pub kind: Option<OrderKind>,
    pub customer_id: Option<Uuid>,
    /// Placed on or after this day (UTC), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Placed on or before this day (UTC), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// The `next_cursor` of the page before: the last order number seen.
    #[param(minimum = 1)]
    pub cursor: Option<i64>,
}

fn day(field: &str, raw: Option<&str>) -> ApiResult<Option<Date>> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    raw.map(|raw| Date::parse(raw.trim(), format).map_err(|_| ApiError::bad_request(field, Say::ApiDateFormat)))
        .transpose()
}

/// The partner's orders of every kind (sales, change, cancellation), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/orders",
    tag = "orders",
    operation_id = "listOrders",
    params(OrderSearch, Limit),
    responses((status = 200, description = "A page of orders", body = Page<OrderItem>))
)]
pub async fn list_orders(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(search): ApiQuery<OrderSearch>,
    ApiQuery(limit): ApiQuery<Limit>,
) -> ApiResult<Json<Page<OrderItem>>> {
    caller.require(ApiScope::Read)?;
    let limit = limit.get()?;
    let filter = lists::OrderFilter {
        status: search.status,
        kind: search.kind,
        customer_id: search.customer_id,
        from: day("from", search.from.as_deref())?,
        to: day("to", search.to.as_deref())?,
    };
    let rows = lists::orders(&state.pool, caller.partner_id(), &filter, number_cursor(search.cursor)?, limit).await?;
    let items = rows
        .into_iter()
        .map(|r| OrderItem {
            order_number: r.order_number,
            kind: r.kind,
            status: r.status,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            subtotal: Money::new(r.subtotal, r.currency),
            vat: Money::new(r.vat, r.currency),
            total: Money::new(r.total, r.currency),
            term_value: Money::new(r.term_value, r.currency),
            created_at: iso(r.created_at),
        })
        .collect();
    Ok(Json(Page::of(items, limit, |o| o.order_number.to_string())))
}

/// One order.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{order_number}",
    tag = "orders",
    operation_id = "getOrder",
    params(("order_number" = i64, Path, description = "The order number", minimum = 1)),
    responses((status = 200, description = "The order", body = Order))
)]
pub async fn get_order(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(number): ApiPath<i64>,
) -> ApiResult<Json<Order>> {
    caller.require(ApiScope::Read)?;
    Ok(Json(load_order(&state, &caller, number).await?))
}

/// A new customer's profile (checkout's "New Customer").
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomerProfile {
    #[schema(example = "Acme Bilişim Ltd.")]
    pub company_name: String,
    #[schema(example = "1234567890")]
    pub tax_number: String,
    #[schema(example = "Levent, İstanbul")]
    pub address: String,
    #[schema(example = "+90 212 555 01 02")]
    pub phone: String,
    #[schema(example = "Ayşe Yılmaz")]
    pub contact_name: String,
    #[schema(example = "it@acme.example")]
    pub contact_email: String,
}

/// The customer's signatory of the Microsoft Customer Agreement. Sending it is the partner's
/// statement that this person accepted the agreement (version
/// `2025-07`, https://www.microsoft.com/licensing/docs/customeragreement): the marketplace keeps
/// it as evidence and attests to Microsoft once per customer, before its first order is sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    #[schema(example = "Ayşe")]
    pub first_name: String,
    #[schema(example = "Yılmaz")]
    pub last_name: String,
    #[schema(example = "ayse@acme.example")]
    pub email: String,
    #[schema(example = "Acme Bilişim Ltd.")]
    pub company: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "TR")]
    pub country: String,
    /// ISO 639-1.
    #[schema(example = "tr")]
    pub language: String,
}

/// The customer's tenant: its existing one (which must have accepted the reseller relationship),
/// or a new one provisioning creates (the prefix is free and permanent once made).
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TenantChoice {
    Existing {
        #[schema(example = "contoso.onmicrosoft.com")]
        domain: String,
    },
    New {
        /// Letters and digits, stored lower-case; at most 27 unless configured otherwise.
        #[schema(example = "acmeltd")]
        prefix: String,
    },
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLine {
    #[schema(example = "CFQ7TTC0LH18")]
    pub sku: String,
    pub billing_cycle: Cycle,
    #[schema(minimum = 1, maximum = 10000, example = 10)]
    #[serde(deserialize_with = "super::wire::whole")]
    pub quantity: i64,
}

#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Payment {
    WireTransfer,
}

/// An order, as checkout takes it: the lines, the customer (an existing one by id, or a new one's
/// profile), its MPN ID and tenant, the payment method.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// One of your customers; leave it out and give `customer` for a new one.
    pub customer_id: Option<Uuid>,
    /// A new customer, made with the order (as checkout's "New Customer").
    pub customer: Option<NewCustomerProfile>,
    /// The Microsoft Partner ID to transact under (7 digits). For an existing customer, left
    /// out, the one last used for it (or the partner's own).
    #[schema(example = "1234567")]
    pub mpn_id: Option<String>,
    /// For an existing customer with a tenant, left out: that tenant.
    pub tenant: Option<TenantChoice>,
    #[schema(min_items = 1)]
    pub lines: Vec<NewLine>,
    /// `wire_transfer` (the only one, and the default).
    pub payment_method: Option<Payment>,
    /// Required when the customer has not accepted the Microsoft Customer Agreement yet (a new
    /// customer, or one without an order attested); ignored once it has.
    pub signatory: Option<Signatory>,
    /// Only check: every refusal is answered at once, and nothing is written.
    #[serde(default)]
    pub validate_only: bool,
}

/// An order that passed every check, as it would be placed now.
#[derive(Serialize, ToSchema)]
pub struct OrderCheck {
    /// Always true: a refused order is answered with 422 and every refusal.
    pub valid: bool,
    /// `submitted`, or `awaiting_credit_approval` when it is over the available credit.
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub subtotal: Money,
    pub vat: Money,
    pub total: Money,
    pub term_value: Money,
    pub available_credit: Money,
}

fn check(preview: Preview) -> OrderCheck {
    let currency = preview.currency;
    OrderCheck {
        valid: true,
        status: preview.status,
        lines: preview
            .lines
            .into_iter()
            .map(|l| OrderLine {
                sku: l.sku,
                product_name: l.name,
                billing_cycle: l.cycle.into(),
                quantity: l.quantity,
                unit_price: Money::new(l.unit_price, currency),
                line_total: Money::new(l.line_total, currency),
            })
            .collect(),
        subtotal: Money::new(preview.totals.subtotal, currency),
        vat: Money::new(preview.totals.vat, currency),
        total: Money::new(preview.totals.total, currency),
        term_value: Money::new(preview.term_value, currency),
        available_credit: Money::new(preview.available_credit, currency),
    }
}

/// What checkout's fields are called in this request.
fn order_field(name: &str) -> Option<&'static str> {
    Some(match name {
        "cart" => "lines",
        "prefix" => "tenant.prefix",
        "domain" => "tenant.domain",
        "tenant_mode" => "tenant",
        "customer_mode" => "customer",
        "company_name" => "customer.company_name",
        "tax_number" => "customer.tax_number",
        "address" => "customer.address",
        "phone" => "customer.phone",
        "contact_name" => "customer.contact_name",
        "contact_email" => "customer.contact_email",
        "agreement" | "agreement_accepted" => "signatory",
        "signatory_first_name" => "signatory.first_name",
        "signatory_last_name" => "signatory.last_name",
        "signatory_email" => "signatory.email",
        "signatory_company" => "signatory.company",
        "signatory_country" => "signatory.country",
        "signatory_language" => "signatory.language",
        _ => return None,
    })
}

/// The order checkout would be given, from the request: every refusal of its form at once.
async fn order_request(
    state: &AppState,
    caller: &ApiCaller,
    input: NewOrder,
    key: &str,
    client_ip: Option<std::net::IpAddr>,
) -> ApiResult<OrderRequest> {
    let partner_id = caller.partner_id();
    let mut refusals = Refusals::default();
    let attestation = match input.signatory {
        Some(s) => refusals
            .check(parse_signatory(&SignatoryForm {
                first_name: Some(s.first_name),
                last_name: Some(s.last_name),
                email: Some(s.email),
                company: Some(s.company),
                country: Some(s.country),
                language: Some(s.language),
                accepted: true,
            }))?
            .flatten()
            .map(|signatory| Attestation::new(signatory, client_ip)),
        None => None,
    };
    let (form, stored_tenant) = match (input.customer_id, input.customer) {
        (Some(customer_id), None) => {
            let customer_id = crate::domain::CustomerId(customer_id);
            if !crate::customers::ssr::is_customer_of(&state.pool, partner_id, customer_id).await? {
                return Err(AppError::not_found(Say::CustomerNotFound).into());
            }
            let (_, stored) = crate::checkout::ssr::own_customer(&state.pool, partner_id, customer_id).await?;
            // SPEC E.5: an existing customer's MPN ID is filled in.
            let mpn_id = match input.mpn_id {
                Some(mpn) => Some(mpn),
                None => crate::checkout::ssr::known_mpn(&state.pool, partner_id, customer_id.get()).await?,
            };
            let form = CustomerForm {
                customer_mode: "existing".into(),
                customer_id: Some(customer_id.to_string()),
                mpn_id,
                ..CustomerForm::default()
            };
            (form, stored)
        }
        (None, Some(profile)) => {
            let form = CustomerForm {
                customer_mode: "new".into(),
                customer_id: None,
                company_name: Some(profile.company_name),
                tax_number: Some(profile.tax_number),
                address: Some(profile.address),
                phone: Some(profile.phone),
                contact_name: Some(profile.contact_name),
                contact_email: Some(profile.contact_email),
                mpn_id: input.mpn_id,
            };
            (form, None)
        }
        _ => {
            refusals.check::<()>(Err(AppError::invalid("customer", Say::ApiCustomerOneOf)))?;
            (CustomerForm { customer_mode: "none".into(), mpn_id: input.mpn_id, ..CustomerForm::default() }, None)
        }
    };
    let parsed = if form.customer_mode == "none" {
        None
    } else {
        refusals.check(parse_customer(&form).map_err(|e| ApiError::from(e).fields(order_field).error))?
    };
    let max = state.settings.tenant_prefix_max;
    let tenant = match (input.tenant, stored_tenant) {
        (Some(TenantChoice::Existing { domain }), _) => refusals
            .check(DomainPrefix::parse_initial_domain(&domain).map_err(|m| AppError::invalid("tenant.domain", m)))?
            .map(|prefix| TenantRef { prefix, new: false }),
        (Some(TenantChoice::New { prefix }), _) => refusals
            .check(DomainPrefix::parse(&prefix, max).map_err(|m| AppError::invalid("tenant.prefix", m)))?
            .map(|prefix| TenantRef { prefix, new: true }),
        (None, Some(stored)) => Some(TenantRef {
            prefix: DomainPrefix::stored(&stored).map_err(|m| crate::error::ssr::internal("a customer's tenant", m))?,
            new: false,
        }),
        (None, None) => {
            refusals.check::<()>(Err(AppError::invalid("tenant", Say::ApiTenantRequired)))?;
            None
        }
    };
    if input.lines.is_empty() {
        refusals.check::<()>(Err(AppError::invalid("lines", Say::CartEmpty)))?;
    }
    let mut lines = Vec::with_capacity(input.lines.len());
    for (i, line) in input.lines.into_iter().enumerate() {
        let sku = line.sku.trim().to_owned();
        if sku.is_empty() || sku.chars().count() > 100 {
            refusals.check::<()>(Err(AppError::invalid(&format!("lines[{i}].sku"), Say::ApiSkuFormat)))?;
        }
        let quantity = refusals
            .check(Quantity::new(line.quantity).map_err(|m| AppError::invalid(&format!("lines[{i}].quantity"), m)))?;
        if let Some(quantity) = quantity {
            lines.push(LineRequest { sku, cycle: line.billing_cycle.into(), quantity });
        }
    }
    refusals.finish()?;
    let (Some((choice, mpn_id)), Some(tenant)) = (parsed, tenant) else {
        return Err(crate::error::ssr::internal("reading an order", "a part neither parsed nor refused").into());
    };
    Ok(OrderRequest {
        partner_id,
        user_id: caller.user().user_id,
        // The API's `Idempotency-Key`, as the order's own: even a retry after the key's memory is
        // gone (24 hours) finds the order it made.
        idempotency_key: Uuid::new_v5(&partner_id, format!("api:{key}").as_bytes()),
        customer: match choice {
            CustomerChoice::Existing { customer_id } => CustomerRef::Existing(customer_id),
            CustomerChoice::New { profile } => CustomerRef::New(profile),
        },
        tenant,
        mpn_id,
        payment_method: match input.payment_method {
            None | Some(Payment::WireTransfer) => PaymentMethod::WireTransfer,
        },
        lines,
        clears_checkout: false,
        attestation,
    })
}

/// Places an order, or with `validate_only` checks it: every check of the Control Panel's
/// checkout (the profile, the MPN ID and the tenant at Partner Center, products and seat
/// limits, add-ons and their base, products the customer already has, the credit), all refusals
/// at once. An order over the available credit is placed in `awaiting_credit_approval`.
#[utoipa::path(
    post,
    path = "/api/v1/orders",
    tag = "orders",
    operation_id = "createOrder",
    request_body = NewOrder,
    responses(
        (status = 201, description = "The order, placed", body = Order,
         headers(("Location" = String, description = "The order's address"))),
        (status = 200, description = "With `validate_only`: the order passed every check; nothing was written",
         body = OrderCheck),
    )
)]
pub async fn create_order(
    caller: ApiCaller,
    State(state): State<AppState>,
    Extension(IdempotencyKey(key)): Extension<IdempotencyKey>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(input): ApiJson<NewOrder>,
) -> ApiResult<Response> {
    caller.require(ApiScope::Orders)?;
    let mode = if input.validate_only { Mode::Validate } else { Mode::Place };
    let client_ip = peer.map(|Extension(ConnectInfo(peer))| peer.ip());
    let request = order_request(&state, &caller, input, &key, client_ip).await.map_err(|e| e.fields(order_field))?;
    let placed =
        crate::checkout::ssr::place(&state, &request, mode).await.map_err(|e| ApiError::from(e).fields(order_field))?;
    match placed {
        Placement::Valid(preview) => Ok((StatusCode::OK, Json(check(preview))).into_response()),
        Placement::Placed(placed) => {
            let order = load_order(&state, &caller, placed.order_number.get()).await?;
            Ok(if placed.created { created(order) } else { Json(order).into_response() })
        }
    }
}

/// The corrections of a failed order: the MPN ID, and the tenant (a new tenant's prefix, or an
/// existing tenant's domain, as the order had).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resubmission {
    #[schema(example = "1234567")]
    pub mpn_id: String,
    #[schema(example = "contoso.onmicrosoft.com")]
    pub tenant: String,
}

/// "Resubmit for Provisioning": a failed sales order, corrected, provisions again (a new run).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{order_number}/resubmit",
    tag = "orders",
    operation_id = "resubmitOrder",
    params(("order_number" = i64, Path, description = "The order number", minimum = 1)),
    request_body = Resubmission,
    responses((status = 200, description = "The order, submitted again", body = Order))
)]
pub async fn resubmit_order(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(number): ApiPath<i64>,
    ApiJson(input): ApiJson<Resubmission>,
) -> ApiResult<Json<Order>> {
    caller.require(ApiScope::Orders)?;
    let mpn = crate::domain::MpnId::parse(&input.mpn_id).map_err(|m| AppError::invalid("mpn_id", m))?;
    crate::orders::ssr::resubmit(&state, caller.user(), OrderNumber(number), &mpn, &input.tenant).await?;
    Ok(Json(load_order(&state, &caller, number).await?))
}

async fn decide(state: &AppState, caller: &ApiCaller, number: i64, approve: bool) -> ApiResult<Json<Order>> {
    caller.require(ApiScope::Subscriptions)?;
    crate::subscriptions::ssr::decide_cancellation(&state.pool, caller.user(), number, approve).await?;
    Ok(Json(load_order(state, caller, number).await?))
}

/// "Open Order": approves a cancellation order in status `new`; the vendor cancels the
/// subscription (and its add-ons).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{order_number}/approve",
    tag = "orders",
    operation_id = "approveCancellation",
    params(("order_number" = i64, Path, description = "The cancellation order's number", minimum = 1)),
    responses((status = 200, description = "The cancellation order, approved", body = Order))
)]
pub async fn approve_cancellation(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(number): ApiPath<i64>,
) -> ApiResult<Json<Order>> {
    decide(&state, &caller, number, true).await
}

/// Rejects a cancellation order in status `new`: the subscription is active again and the
/// customer's contact is told.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{order_number}/reject",
    tag = "orders",
    operation_id = "rejectCancellation",
    params(("order_number" = i64, Path, description = "The cancellation order's number", minimum = 1)),
    responses((status = 200, description = "The cancellation order, rejected", body = Order))
)]
pub async fn reject_cancellation(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(number): ApiPath<i64>,
) -> ApiResult<Json<Order>> {
    decide(&state, &caller, number, false).await
}
