//! A customer's subscriptions: what provisioning creates, and what the customer portal lists
//! with its licences (or its progress while still "in process").

mod cards;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use cards::SubscriptionCards;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::{catalog::BillingCycle, error::AppError, i18n::Msg, provisioning::InFlight};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "subscription_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Pending,
    Active,
    PendingCancellation,
    Cancelled,
    Suspended,
    Expired,
}

impl SubscriptionStatus {
    /// Statuses that hold the product for the customer: a second order of it is refused. The
    /// partial unique index `subscription_one_live_per_product` lists the same ones (a test
    /// compares them).
    pub const LIVE: [Self; 4] = [Self::Pending, Self::Active, Self::PendingCancellation, Self::Suspended];

    pub fn label(self) -> Msg {
        match self {
            Self::Pending => Msg::SubscriptionPending,
            Self::Active => Msg::SubscriptionActive,
            Self::PendingCancellation => Msg::SubscriptionPendingCancellation,
            Self::Cancelled => Msg::SubscriptionCancelled,
            Self::Suspended => Msg::SubscriptionSuspended,
            Self::Expired => Msg::SubscriptionExpired,
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            Self::Active => "badge ok",
            Self::Pending | Self::PendingCancellation => "badge warn",
            Self::Suspended => "badge bad",
            Self::Cancelled | Self::Expired => "badge",
        }
    }
}

/// One subscription as the customer portal shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub product_name: String,
    pub sku: String,
    pub billing_cycle: BillingCycle,
    /// Licences.
    pub quantity: i32,
    pub status: SubscriptionStatus,
    /// The order still provisioning it, with where it stands.
    pub in_flight: Option<InFlight>,
}

/// The signed-in customer admin's subscriptions; the company comes from the session.
#[server(prefix = "/api", endpoint = "my_subscriptions")]
pub async fn my_subscriptions() -> Result<Vec<SubscriptionView>, AppError> {
    crate::error::ssr::respond(async {
        let user = crate::auth::ssr::require_role(&[Role::CustomerAdmin]).await?;
        let state = crate::state::app_state()?;
        Ok(ssr::of_customer(&state.pool, user.organisation_id).await?)
    })
    .await
}
