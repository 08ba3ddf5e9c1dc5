//! A customer's subscriptions after the sale (SPEC H and I): what the customer portal lists with
//! term, renewal date and auto-renew; "Manage Subscription" (licence changes under new-commerce
//! rules, each an order of its own); "Cancel Subscription" (a cancellation order the partner
//! opens and approves, or rejects).

mod bulk_form;
mod cards;
pub mod mails;
mod manage_page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;
mod subscription_page;

pub use bulk_form::BulkRenewalForm;
pub use cards::SubscriptionCards;
pub use manage_page::ManageSubscriptionPage;
pub use subscription_page::{AccountSubscriptions, SubscriptionPage};

pub use crate::domain::SubscriptionStatus;
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::{domain::BillingCycle, error::AppError, i18n::Say, provisioning::InFlight};

/// One subscription as the customer portal shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub subscription_id: crate::domain::SubscriptionId,
    pub product_name: String,
    pub sku: String,
    pub billing_cycle: BillingCycle,
    /// Licences.
    pub quantity: i32,
    pub status: SubscriptionStatus,
    /// The renewal date: the end of the current term (none before it is active).
    pub term_end: Option<OffsetDateTime>,
    pub auto_renew: bool,
    /// A licence count asked for at renewal.
    pub renewal_quantity: Option<i32>,
    /// An add-on: it follows its base subscription when that is cancelled.
    pub is_addon: bool,
    /// The order still provisioning it, or changing it, with where it stands.
    pub in_flight: Option<InFlight>,
}

/// One subscription with what "Manage Subscription" and "Cancel Subscription" need to explain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionDetail {
    pub view: SubscriptionView,
    pub term_start: Option<OffsetDateTime>,
    /// Per licence for one term (a month, or a year) at the partner's price (its markup on the
    /// distributor's); the cancellation refund below is at this price too.
    pub unit_price: Decimal,
    pub currency: crate::domain::Currency,
    /// The marketplace's time the rules below were read at.
    pub now: OffsetDateTime,
    /// Seats that can still be removed, and until when (soonest first).
    pub removable: Vec<rules::Removable>,
    /// What cancelling now would give back; none unless the subscription is active.
    pub cancellation_refund: Option<rules::Refund>,
    /// Add-ons that would be cancelled with it.
    pub addons: Vec<String>,
    /// A change or cancellation order under way for it.
    pub open_order: Option<i64>,
}

impl SubscriptionDetail {
    pub fn removable_now(&self) -> i32 {
        self.removable.iter().map(|r| r.quantity).sum()
    }
}

/// A licence count typed into "Manage Subscription": a whole number of at least one.
pub fn parse_licences(raw: &str) -> Result<i32, Say> {
    let n: i64 = raw.trim().parse().map_err(|_| Say::LicencesWholeNumber)?;
    if n < 1 {
        return Err(rules::ChangeRefusal::BelowOne.into());
    }
    crate::domain::Quantity::new(n).map(|q| q.get())
}

/// The portal's subscriptions: the company comes from the session (its admin, or the partner
/// acting as it).
#[server(prefix = "/api", endpoint = "my_subscriptions")]
pub async fn my_subscriptions() -> Result<Vec<SubscriptionView>, AppError> {
    let (actor, state) = crate::auth::ssr::customer_caller().await?;
    Ok(ssr::of_customer(&state.pool, actor.customer_id).await?)
}

/// One of the portal's subscriptions; another company's is not found.
#[server(prefix = "/api", endpoint = "subscription")]
pub async fn get_subscription(subscription_id: crate::domain::SubscriptionId) -> Result<SubscriptionDetail, AppError> {
    let (actor, state) = crate::auth::ssr::customer_caller().await?;
    ssr::detail(&state.pool, actor.customer_id, subscription_id.get())
        .await?
        .ok_or_else(|| AppError::not_found(Say::SubscriptionNotFound))
}

/// "Manage Subscription": asks for a new licence count. An increase is always allowed; a
/// decrease only of seats added in the last 168 hours. The change is an order of its own,
/// provisioned at the vendor; its number is returned.
#[server(prefix = "/api", endpoint = "change_licences")]
pub async fn change_licences(
    subscription_id: crate::domain::SubscriptionId,
    quantity: String,
) -> Result<crate::domain::OrderNumber, AppError> {
    let (actor, state) = crate::auth::ssr::customer_caller().await?;
    let target = parse_licences(&quantity).map_err(|e| AppError::invalid("quantity", e))?;
    let number = ssr::request_change(&state, &actor, subscription_id.get(), target).await?;
    crate::auth::ssr::redirect_plain_form(&format!("/portal/csp/{subscription_id}"));
    Ok(crate::domain::OrderNumber(number))
}

/// Turns auto-renew on or off: off, the subscription ends at its renewal date.
#[server(prefix = "/api", endpoint = "set_auto_renew")]
pub async fn set_auto_renew(
    subscription_id: crate::domain::SubscriptionId,
    auto_renew: crate::domain::Switch,
) -> Result<(), AppError> {
    let (actor, state) = crate::auth::ssr::customer_caller().await?;
    let on = auto_renew.is_on();
    ssr::set_renewal(&state, &actor, subscription_id.get(), ssr::RenewalChoice::AutoRenew(on)).await?;
    crate::auth::ssr::redirect_plain_form(&format!("/portal/csp/{subscription_id}"));
    Ok(())
}

/// Schedules a licence count for the renewal (an empty count clears it): how to go below the
/// seats that can no longer be removed.
#[server(prefix = "/api", endpoint = "schedule_renewal")]
pub async fn schedule_renewal(
    subscription_id: crate::domain::SubscriptionId,
    renewal_quantity: String,
) -> Result<(), AppError> {
    let (actor, state) = crate::auth::ssr::customer_caller().await?;
    let quantity = match renewal_quantity.trim() {
        "" => None,
        raw => Some(parse_licences(raw).map_err(|e| AppError::invalid("renewal_quantity", e))?),
    };
    ssr::set_renewal(&state, &actor, subscription_id.get(), ssr::RenewalChoice::Quantity(quantity)).await?;
    crate::auth::ssr::redirect_plain_form(&format!("/portal/csp/{subscription_id}"));
    Ok(())
}

/// "Cancel Subscription": the subscription (and its add-ons) becomes pending cancellation and a
/// Cancellation Order (status New) goes to the partner, who is e-mailed. Returns its number.
#[server(prefix = "/api", endpoint = "cancel_subscription")]
pub async fn cancel_subscription(
    subscription_id: crate::domain::SubscriptionId,
) -> Result<crate::domain::OrderNumber, AppError> {
    let (actor, state) = crate::auth::ssr::customer_caller().await?;
    let number = ssr::request_cancellation(&state.pool, &actor, subscription_id.get()).await?;
    crate::auth::ssr::redirect_plain_form(&format!("/portal/account/subscriptions/{subscription_id}"));
    Ok(crate::domain::OrderNumber(number))
}

/// The partner opens a Cancellation Order: "Open Order" approves it (the vendor cancels), or it
/// is rejected and the subscription is active again. Another partner's order is not found; a
/// decided one answers 409.
#[server(prefix = "/api", endpoint = "decide_cancellation")]
pub async fn decide_cancellation(
    order_number: crate::domain::OrderNumber,
    decision: crate::domain::Decision,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let approve = decision.approves();
    ssr::decide_cancellation(&state.pool, &user, order_number.get(), approve).await?;
    crate::auth::ssr::redirect_plain_form(&format!("/cp/orders/{order_number}"));
    Ok(())
}

/// What a bulk action on a customer's subscriptions sets on each one it selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenewalAction {
    AutoRenewOn,
    AutoRenewOff,
    /// The licence count typed beside it at renewal (empty: clears a scheduled count).
    RenewalQuantity,
}

/// Bulk renewal settings from the partner's customer page: the selected subscriptions of one of
/// its customers, each checked as the single action is and reported one by one. The count is
/// read once, before any subscription is touched.
#[server(prefix = "/api", endpoint = "bulk_renewal")]
pub async fn bulk_renewal(
    customer_id: crate::domain::CustomerId,
    #[server(default)] subscription_ids: Vec<crate::domain::SubscriptionId>,
    action: RenewalAction,
    #[server(default)] renewal_quantity: String,
) -> Result<Vec<crate::components::ItemOutcome>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let choice = match action {
        RenewalAction::AutoRenewOn => ssr::RenewalChoice::AutoRenew(true),
        RenewalAction::AutoRenewOff => ssr::RenewalChoice::AutoRenew(false),
        RenewalAction::RenewalQuantity => ssr::RenewalChoice::Quantity(match renewal_quantity.trim() {
            "" => None,
            raw => Some(parse_licences(raw).map_err(|e| AppError::invalid("renewal_quantity", e))?),
        }),
    };
    let ids: Vec<uuid::Uuid> = subscription_ids.iter().map(|id| id.get()).collect();
    let outcomes = ssr::bulk_renewal(&state, &user, customer_id.get(), &ids, choice).await?;
    crate::auth::ssr::redirect_plain_form(&bulk_summary(&format!("/cp/customers/{customer_id}"), &outcomes));
    Ok(outcomes)
}

/// "Open Order" or reject for the Cancellation Orders selected on Billing → Orders, each decided
/// on its own and reported.
#[server(prefix = "/api", endpoint = "decide_cancellations")]
pub async fn decide_cancellations(
    #[server(default)] order_numbers: Vec<crate::domain::OrderNumber>,
    decision: crate::domain::Decision,
) -> Result<Vec<crate::components::ItemOutcome>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let numbers: Vec<i64> = order_numbers.iter().map(|n| n.get()).collect();
    let outcomes = ssr::decide_cancellations(&state.pool, &user, &numbers, decision.approves()).await?;
    crate::auth::ssr::redirect_plain_form(&bulk_summary("/cp/billing/orders", &outcomes));
    Ok(outcomes)
}

/// Where a plain form post of a bulk action goes back to: the page, told how many items were
/// done and refused (the page itself shows each item's new state).
#[cfg(feature = "ssr")]
fn bulk_summary(page: &str, outcomes: &[crate::components::ItemOutcome]) -> String {
    let refused = outcomes.iter().filter(|o| o.refused.is_some()).count();
    format!("{page}?done={}&refused={refused}", outcomes.len() - refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licence_counts_are_whole_numbers_of_at_least_one() {
        assert_eq!(parse_licences(" 7 "), Ok(7));
        assert!(parse_licences("0").unwrap_err().to_string().contains("Cancel Subscription"));
        assert!(parse_licences("-3").is_err());
        assert_eq!(parse_licences("2.5"), Err(Say::LicencesWholeNumber));
        assert!(parse_licences("10001").is_err());
    }
}
