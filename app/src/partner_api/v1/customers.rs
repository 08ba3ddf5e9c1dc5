//! Customers: the partner's own, searched as Control Panel → Customers searches them, made with
//! the profile rules of checkout's "New Customer", with their tenant and whether it accepted the
//! reseller relationship.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    caller::ApiCaller,
    extract::{ApiJson, ApiPath, ApiQuery},
    orders::InProcess,
    problem::ApiResult,
    wire::{Limit, Page},
};
use crate::{
    checkout::{CustomerChoice, CustomerForm, parse_customer},
    customers::{CustomerDetail, CustomerStatus, CustomerSummary, ssr::ExistingTenant},
    domain::{CustomerId, DomainPrefix},
    error::{AppError, Refusals},
    i18n::Say,
    partner_api::ApiScope,
    state::AppState,
};

/// Whether a tenant's Global admin accepted the distributor as its reseller (SPEC B).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Accepted,
    /// Its orders cannot be provisioned yet: send the customer the partner's relationship link.
    Pending,
}

#[derive(Serialize, ToSchema)]
pub struct Tenant {
    /// The initial domain, `<prefix>.onmicrosoft.com`.
    pub domain: String,
    pub relationship: Relationship,
}

/// A customer as the list shows it.
#[derive(Serialize, ToSchema)]
pub struct CustomerItem {
    pub customer_id: Uuid,
    pub name: String,
    /// None until the customer has a tenant (a new one is named by its first order).
    pub tenant: Option<Tenant>,
    pub status: CustomerStatus,
    /// Subscriptions that hold a product (pending, active, pending cancellation, suspended).
    pub live_subscriptions: i64,
    /// Orders for it still on their way.
    pub orders_in_process: Vec<InProcess>,
}

/// One customer with its profile.
#[derive(Serialize, ToSchema)]
pub struct Customer {
    #[serde(flatten)]
    pub item: CustomerItem,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    /// The MPN ID its orders use when an order names none.
    pub mpn_id: Option<String>,
    /// The partner's reseller relationship link, to send while the relationship is pending.
    pub relationship_link: Option<String>,
}

fn item(c: CustomerSummary) -> CustomerItem {
    let status = c.status();
    CustomerItem {
        customer_id: c.customer_id.get(),
        tenant: c.tenant_domain.map(|domain| Tenant {
            domain,
            relationship: if c.relationship_accepted { Relationship::Accepted } else { Relationship::Pending },
        }),
        name: c.name,
        status,
        live_subscriptions: c.live_subscriptions,
        orders_in_process: c.in_flight.into_iter().map(InProcess::from).collect(),
    }
}

fn customer(state: &AppState, partner_id: Uuid, d: CustomerDetail) -> Customer {
    let pending = d.summary.tenant_domain.is_some() && !d.summary.relationship_accepted;
    Customer {
        item: item(d.summary),
        contact_name: d.contact_name,
        contact_email: d.contact_email,
        mpn_id: d.mpn_id,
        relationship_link: pending.then(|| state.settings.relationship_link(partner_id)),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerSearch {
    /// Part of the name or tenant (case as Turkish and English readers expect).
    pub q: Option<String>,
    pub status: Option<CustomerStatus>,
    /// The `next_cursor` of the page before: a customer's id.
    pub cursor: Option<Uuid>,
}

/// The partner's customers by name.
#[utoipa::path(
    get,
    path = "/api/v1/customers",
    tag = "customers",
    operation_id = "listCustomers",
    params(CustomerSearch, Limit),
    responses((status = 200, description = "A page of customers", body = Page<CustomerItem>))
)]
pub async fn list_customers(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(search): ApiQuery<CustomerSearch>,
    ApiQuery(limit): ApiQuery<Limit>,
) -> ApiResult<Json<Page<CustomerItem>>> {
    caller.require(ApiScope::Read)?;
    let limit = limit.get()?;
    let query = search.q.unwrap_or_default();
    let found: Vec<CustomerItem> = crate::customers::ssr::customers_of_partner(&state.pool, caller.partner_id())
        .await?
        .into_iter()
        .filter(|c| c.matches(&query) && search.status.is_none_or(|status| c.status() == status))
        .map(item)
        .collect();
    let after = search.cursor.map(|id| id.to_string());
    Ok(Json(Page::after(found, after.as_deref(), limit, |c| c.customer_id.to_string())))
}

/// One customer. A pending relationship is asked about at Partner Center first, so the answer
/// is current.
#[utoipa::path(
    get,
    path = "/api/v1/customers/{customer_id}",
    tag = "customers",
    operation_id = "getCustomer",
    params(("customer_id" = Uuid, Path, description = "The customer's id")),
    responses((status = 200, description = "The customer", body = Customer))
)]
pub async fn get_customer(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(customer_id): ApiPath<CustomerId>,
) -> ApiResult<Json<Customer>> {
    caller.require(ApiScope::Read)?;
    let partner_id = caller.partner_id();
    let detail = crate::customers::ssr::customer_of_partner(&state.pool, &state.settings, partner_id, customer_id)
        .await?
        .ok_or_else(|| AppError::not_found(Say::CustomerNotFound))?;
    let detail = if detail.summary.tenant_domain.is_some() && !detail.summary.relationship_accepted {
        crate::customers::ssr::refresh_relationships(&state, partner_id).await?;
        crate::customers::ssr::customer_of_partner(&state.pool, &state.settings, partner_id, customer_id)
            .await?
            .unwrap_or(detail)
    } else {
        detail
    };
    Ok(Json(customer(&state, partner_id, detail)))
}

/// A new customer: the fields of checkout's "New Customer", with the same rules.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    /// 2–100 characters, letters required: letters, digits, spaces and `. , & - ' ( ) /`.
    #[schema(example = "Acme Bilişim Ltd.")]
    pub company_name: String,
    /// The Turkish tax number: 10 digits (11 for a sole proprietor).
    #[schema(example = "1234567890")]
    pub tax_number: String,
    #[schema(example = "Levent, İstanbul")]
    pub address: String,
    #[schema(example = "+90 212 555 01 02")]
    pub phone: String,
    #[schema(example = "Ayşe Yılmaz")]
    pub contact_name: String,
    /// Not an `@microsoft.com` address.
    #[schema(example = "it@acme.example")]
    pub contact_email: String,
    /// The Microsoft Partner ID the customer's orders transact under: 7 digits.
    #[schema(example = "1234567")]
    pub mpn_id: String,
    /// The customer's existing Microsoft tenant, if it has one: its initial domain exactly. It is
    /// looked up at Partner Center; a customer without one gets a new tenant with its first order.
    #[schema(example = "contoso.onmicrosoft.com")]
    pub tenant_domain: Option<String>,
}

/// What a refused field is called in this request.
fn field(name: &str) -> Option<&'static str> {
    match name {
        "domain" => Some("tenant_domain"),
        "customer_mode" => Some("company_name"),
        _ => None,
    }
}

/// Makes a customer: the profile is checked as checkout checks it, the MPN ID and an existing
/// tenant at Partner Center. A tenant that has not accepted the relationship yet is kept as
/// pending (`relationship_link` says what to send); orders for it are refused until it accepts.
#[utoipa::path(
    post,
    path = "/api/v1/customers",
    tag = "customers",
    operation_id = "createCustomer",
    request_body = NewCustomer,
    responses((status = 201, description = "The customer, made", body = Customer,
               headers(("Location" = String, description = "The customer's address"))))
)]
pub async fn create_customer(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiJson(input): ApiJson<NewCustomer>,
) -> ApiResult<Response> {
    caller.require(ApiScope::Orders)?;
    let form = CustomerForm {
        customer_mode: "new".into(),
        customer_id: None,
        company_name: Some(input.company_name),
        tax_number: Some(input.tax_number),
        address: Some(input.address),
        phone: Some(input.phone),
        contact_name: Some(input.contact_name),
        contact_email: Some(input.contact_email),
        mpn_id: Some(input.mpn_id),
    };
    let mut refusals = Refusals::default();
    let parsed = refusals.check(parse_customer(&form))?;
    let prefix = match input.tenant_domain.as_deref() {
        Some(domain) => refusals
            .check(DomainPrefix::parse_initial_domain(domain).map_err(|m| AppError::invalid("tenant_domain", m)))?,
        None => None,
    };
    refusals.finish().map_err(|e| super::problem::ApiError::from(e).fields(field))?;
    let Some((CustomerChoice::New { profile }, mpn)) = parsed else {
        return Err(
            crate::error::ssr::internal("making a customer", "a new customer's profile did not parse as one").into()
        );
    };
    // Partner Center's checks, both, so that every refusal is told at once.
    let mut refusals = Refusals::default();
    refusals.check(crate::checkout::ssr::verify_mpn(&state, &mpn).await)?;
    let tenant = match prefix {
        Some(prefix) => refusals
            .check(crate::checkout::ssr::existing_tenant_related(&state, &prefix).await)?
            .map(|related| ExistingTenant { prefix, related }),
        None => None,
    };
    refusals.finish().map_err(|e| super::problem::ApiError::from(e).fields(field))?;
    let customer_id =
        crate::customers::ssr::create_customer(&state.pool, caller.user(), &profile, &mpn, tenant.as_ref())
            .await
            .map_err(|e| super::problem::ApiError::from(e).fields(field))?;
    let detail =
        crate::customers::ssr::customer_of_partner(&state.pool, &state.settings, caller.partner_id(), customer_id)
            .await?
            .ok_or_else(|| crate::error::ssr::internal("making a customer", "the customer just made is not found"))?;
    let mut response = (StatusCode::CREATED, Json(customer(&state, caller.partner_id(), detail))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/customers/{customer_id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
