//! Partners: the Control Panel's start page for a partner, and the distributor's partner list.

#[cfg(feature = "ssr")]
mod attention;
mod control_panel_page;
mod partners_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use control_panel_page::ControlPanelPage;
pub use partners_page::PartnersPage;

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerSummary {
    pub partner_id: crate::domain::PartnerId,
    pub name: String,
    pub mpn_id: Option<String>,
    pub credit_limit: Decimal,
    /// The limit less unpaid statements, unbilled charges and open orders.
    pub available: Decimal,
    pub currency: crate::domain::Currency,
    pub customers: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerOverview {
    pub name: String,
    pub products: i64,
    pub customers: i64,
    pub credit_limit: Decimal,
    pub currency: crate::domain::Currency,
    /// Why Microsoft refused the partner's Partner ID at the latest nightly check, with the fix;
    /// `None` while it is accepted (or not checked yet).
    pub partner_id_warning: Option<crate::i18n::Text>,
}

/// What needs the partner's attention, for its Control Panel home (issue #20).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HomeTodos {
    /// Orders whose provisioning failed, with their fix.
    pub failed: crate::components::TodoList,
    /// Orders waiting for the distributor's credit control.
    pub awaiting_credit: crate::components::TodoList,
    /// Cancellation Orders in status New, waiting for "Open Order".
    pub cancellations: crate::components::TodoList,
    /// Customers whose admin has not accepted the reseller relationship.
    pub relationships: crate::components::TodoList,
    /// Subscriptions renewing (or ending) in the next 30 days.
    pub renewals: crate::components::TodoList,
}

/// One order on its way, for the home.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderInFlight {
    pub customer_name: String,
    pub in_flight: crate::provisioning::InFlight,
}

/// The partner's work under way, for the lower half of its Control Panel home.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeWork {
    /// Orders submitted or provisioning, newest first (the first few).
    pub in_flight: Vec<OrderInFlight>,
    /// The credit limit and what uses it.
    pub usage: crate::billing::CreditUsage,
    /// Unpaid statements, unbilled charges and open orders as stretches of the limit (start and
    /// width in percent), and how much of it they use, rounded to a whole percent.
    pub gauge: Vec<(Decimal, Decimal)>,
    pub in_use_percent: Decimal,
    /// This month's charges not on a statement yet: their sum and how many.
    pub unbilled_this_month: Decimal,
    pub charges_this_month: i64,
}

/// The signed-in partner's work under way; never another partner's.
#[server(prefix = "/api", endpoint = "partner_home_work")]
pub async fn partner_home_work() -> Result<HomeWork, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    attention::home_work(&state.pool, user.organisation_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::YourPartnerAccountNotFound))
}

/// The signed-in partner's to-dos, worded in the reader's language; never another partner's.
#[server(prefix = "/api", endpoint = "partner_home_todos")]
pub async fn partner_home_todos() -> Result<HomeTodos, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let locale = crate::i18n::request_locale();
    Ok(attention::home_todos(&state.pool, user.organisation_id, locale).await?)
}

#[server(prefix = "/api", endpoint = "partners")]
pub async fn list_partners() -> Result<Vec<PartnerSummary>, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::Oversee).await?;
    Ok(ssr::list_partners(&state.pool).await?)
}

#[server(prefix = "/api", endpoint = "partner_overview")]
pub async fn get_partner_overview() -> Result<PartnerOverview, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::overview(&state.pool, user.organisation_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::YourPartnerAccountNotFound))
}

/// Credit control changes a partner's marketplace credit limit (audited with old and new value).
#[server(prefix = "/api", endpoint = "set_credit_limit")]
pub async fn set_credit_limit(partner_id: crate::domain::PartnerId, credit_limit: String) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let limit = crate::domain::parse_amount(&credit_limit, Decimal::from(1_000_000))
        .map_err(|message| AppError::invalid("credit_limit", message))?;
    ssr::set_credit_limit(&state.pool, &user, partner_id, limit).await
}
