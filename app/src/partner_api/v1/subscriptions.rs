//! Subscriptions of the partner's customers: listed, read with the seats that can still be
//! removed and until when, their licence count changed under the 168-hour rule, auto-renew and
//! the count at renewal set, and cancelled (a cancellation order). The partner acts as the
//! customer, as from Control Panel → Customers → Actions, through the portal's own functions.

use axum::{Json, extract::State, response::Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    caller::ApiCaller,
    catalog::Cycle,
    extract::{ApiJson, ApiPath, ApiQuery},
    orders::{InProcess, created, load_order},
    problem::ApiResult,
    wire::{Limit, Page, iso},
};
use crate::{
    domain::SubscriptionStatus,
    error::AppError,
    i18n::Say,
    partner_api::{
        ApiScope,
        ssr::lists::{self, SubscriptionRow},
    },
    state::AppState,
    subscriptions::ssr::RenewalChoice,
};

#[derive(Serialize, ToSchema)]
pub struct Subscription {
    pub subscription_id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub sku: String,
    pub product_name: String,
    /// An add-on follows its base subscription when that is cancelled.
    pub is_add_on: bool,
    pub billing_cycle: Cycle,
    /// Licences.
    pub quantity: i32,
    pub status: SubscriptionStatus,
    #[schema(format = DateTime)]
    pub term_start: Option<String>,
    /// The renewal date: the current term's end.
    #[schema(format = DateTime)]
    pub term_end: Option<String>,
    pub auto_renew: bool,
    /// The licence count asked for at renewal.
    pub renewal_quantity: Option<i32>,
}

fn subscription(r: SubscriptionRow) -> Subscription {
    Subscription {
        subscription_id: r.subscription_id,
        customer_id: r.customer_id,
        customer_name: r.customer_name,
        sku: r.sku,
        product_name: r.product_name,
        is_add_on: r.is_addon,
        billing_cycle: r.billing_cycle.into(),
        quantity: r.quantity,
        status: r.status,
        term_start: r.term_start.map(iso),
        term_end: r.term_end.map(iso),
        auto_renew: r.auto_renew,
        renewal_quantity: r.renewal_quantity,
    }
}

/// Seats added within the last 168 hours, which can still be removed until `until`.
#[derive(Serialize, ToSchema)]
pub struct RemovableSeats {
    pub quantity: i32,
    #[schema(format = DateTime)]
    pub until: String,
}

/// One subscription with what changing or cancelling it depends on.
#[derive(Serialize, ToSchema)]
pub struct SubscriptionDetail {
    #[serde(flatten)]
    pub subscription: Subscription,
    /// The marketplace's time these were read at.
    #[schema(format = DateTime)]
    pub as_of: String,
    /// The seats that can still be removed and until when, soonest first; a decrease beyond
    /// them is refused (Partner Center's 800090): turn auto-renew off, or set a count at renewal.
    pub removable: Vec<RemovableSeats>,
    /// Add-ons that would be cancelled with it.
    pub add_ons: Vec<String>,
    /// The change or cancellation order under way for it.
    pub open_order: Option<i64>,
    /// The order provisioning or changing it, while that is under way.
    pub in_process: Option<InProcess>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionSearch {
    pub customer_id: Option<Uuid>,
    pub status: Option<SubscriptionStatus>,
    /// The `next_cursor` of the page before: a subscription's id.
    pub cursor: Option<Uuid>,
}

/// The subscriptions of the partner's customers, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/subscriptions",
    tag = "subscriptions",
    operation_id = "listSubscriptions",
    params(SubscriptionSearch, Limit),
    responses((status = 200, description = "A page of subscriptions", body = Page<Subscription>))
)]
pub async fn list_subscriptions(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(search): ApiQuery<SubscriptionSearch>,
    ApiQuery(limit): ApiQuery<Limit>,
) -> ApiResult<Json<Page<Subscription>>> {
    caller.require(ApiScope::Read)?;
    let limit = limit.get()?;
    let filter = lists::SubscriptionFilter { customer_id: search.customer_id, status: search.status };
    let rows = lists::subscriptions(&state.pool, caller.partner_id(), &filter, search.cursor, limit).await?;
    let items = rows.into_iter().map(subscription).collect();
    Ok(Json(Page::of(items, limit, |s| s.subscription_id.to_string())))
}

/// A subscription of the caller's partner's customers, or 404.
async fn owned(state: &AppState, caller: &ApiCaller, id: Uuid) -> ApiResult<SubscriptionRow> {
    lists::subscription(&state.pool, caller.partner_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found(Say::SubscriptionNotFound).into())
}

async fn detail(state: &AppState, caller: &ApiCaller, id: Uuid) -> ApiResult<SubscriptionDetail> {
    let row = owned(state, caller, id).await?;
    let customer_id = row.customer_id;
    let live = SubscriptionStatus::LIVE.contains(&row.status);
    // The portal's own reading: seat lots, add-ons, the order under way (live subscriptions).
    let portal = if live { crate::subscriptions::ssr::detail(&state.pool, customer_id, id).await? } else { None };
    let as_of = match &portal {
        Some(d) => d.now,
        None => sqlx::query_scalar!(r#"select market_now() as "now!""#).fetch_one(&state.pool).await?,
    };
    Ok(SubscriptionDetail {
        subscription: subscription(row),
        as_of: iso(as_of),
        removable: portal
            .as_ref()
            .map(|d| d.removable.iter().map(|r| RemovableSeats { quantity: r.quantity, until: iso(r.until) }).collect())
            .unwrap_or_default(),
        add_ons: portal.as_ref().map(|d| d.addons.clone()).unwrap_or_default(),
        open_order: portal.as_ref().and_then(|d| d.open_order),
        in_process: portal.and_then(|d| d.view.in_flight).map(InProcess::from),
    })
}

/// One subscription, with the seats that can still be removed and until when.
#[utoipa::path(
    get,
    path = "/api/v1/subscriptions/{subscription_id}",
    tag = "subscriptions",
    operation_id = "getSubscription",
    params(("subscription_id" = Uuid, Path, description = "The subscription's id")),
    responses((status = 200, description = "The subscription", body = SubscriptionDetail))
)]
pub async fn get_subscription(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SubscriptionDetail>> {
    caller.require(ApiScope::Read)?;
    Ok(Json(detail(&state, &caller, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenceChange {
    /// The new licence count: more at any time; fewer only by seats added in the last 168 hours.
    #[schema(minimum = 1, maximum = 10000, example = 12)]
    #[serde(deserialize_with = "super::wire::whole")]
    pub quantity: i64,
}

/// "Manage Subscription": a new licence count, as a change order of its own (provisioned at the
/// vendor, with its progress on the order). An increase is checked against the credit like a
/// sale; over it, the order waits for credit approval.
#[utoipa::path(
    post,
    path = "/api/v1/subscriptions/{subscription_id}/licence-changes",
    tag = "subscriptions",
    operation_id = "changeLicences",
    params(("subscription_id" = Uuid, Path, description = "The subscription's id")),
    request_body = LicenceChange,
    responses((status = 201, description = "The change order", body = super::orders::Order,
               headers(("Location" = String, description = "The change order's address"))))
)]
pub async fn change_licences(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<LicenceChange>,
) -> ApiResult<Response> {
    caller.require(ApiScope::Subscriptions)?;
    let row = owned(&state, &caller, id).await?;
    // The portal's own reading of a licence count.
    let target = crate::subscriptions::parse_licences(&input.quantity.to_string())
        .map_err(|m| AppError::invalid("quantity", m))?;
    let actor = caller.as_customer(row.customer_id);
    let number = crate::subscriptions::ssr::request_change(&state, &actor, id, target).await?;
    Ok(created(load_order(&state, &caller, number).await?))
}

/// What to change about the renewal; fields left out stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalUpdate {
    /// Off, the subscription ends at its renewal date.
    pub auto_renew: Option<bool>,
    /// The licence count to take effect at the renewal; `null` clears it.
    #[serde(default, deserialize_with = "super::wire::whole_or_null")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub renewal_quantity: Option<Option<i64>>,
}

/// Auto-renew and the licence count at renewal (how to go below the seats that can no longer be
/// removed). Only an active subscription renews.
#[utoipa::path(
    patch,
    path = "/api/v1/subscriptions/{subscription_id}",
    tag = "subscriptions",
    operation_id = "updateRenewal",
    params(("subscription_id" = Uuid, Path, description = "The subscription's id")),
    request_body = RenewalUpdate,
    responses((status = 200, description = "The subscription", body = SubscriptionDetail))
)]
pub async fn update_renewal(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<RenewalUpdate>,
) -> ApiResult<Json<SubscriptionDetail>> {
    caller.require(ApiScope::Subscriptions)?;
    let row = owned(&state, &caller, id).await?;
    let quantity = match input.renewal_quantity {
        Some(Some(n)) => Some(Some(
            crate::subscriptions::parse_licences(&n.to_string())
                .map_err(|m| AppError::invalid("renewal_quantity", m))?,
        )),
        Some(None) => Some(None),
        None => None,
    };
    if input.auto_renew.is_none() && quantity.is_none() {
        return Err(AppError::invalid("auto_renew", Say::ApiNothingToChange).into());
    }
    let actor = caller.as_customer(row.customer_id);
    if let Some(on) = input.auto_renew {
        crate::subscriptions::ssr::set_renewal(&state, &actor, id, RenewalChoice::AutoRenew(on)).await?;
    }
    if let Some(quantity) = quantity {
        crate::subscriptions::ssr::set_renewal(&state, &actor, id, RenewalChoice::Quantity(quantity)).await?;
    }
    Ok(Json(detail(&state, &caller, id).await?))
}

/// "Cancel Subscription": the subscription (and its add-ons) becomes pending cancellation and a
/// cancellation order in status `new` waits for the partner ("Open Order" approves it). Within 7
/// days of purchase or renewal the unused days are refunded; after that the term stays billed.
#[utoipa::path(
    post,
    path = "/api/v1/subscriptions/{subscription_id}/cancel",
    tag = "subscriptions",
    operation_id = "cancelSubscription",
    params(("subscription_id" = Uuid, Path, description = "The subscription's id")),
    responses((status = 201, description = "The cancellation order", body = super::orders::Order,
               headers(("Location" = String, description = "The cancellation order's address"))))
)]
pub async fn cancel_subscription(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    caller.require(ApiScope::Subscriptions)?;
    let row = owned(&state, &caller, id).await?;
    let actor = caller.as_customer(row.customer_id);
    let number = crate::subscriptions::ssr::request_cancellation(&state.pool, &actor, id).await?;
    Ok(created(load_order(&state, &caller, number).await?))
}
