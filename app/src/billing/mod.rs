//! Billing: the partner's marketplace credit and, as they are issued, its statements.

mod billing_page;
mod orders_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use billing_page::BillingPage;
pub use orders_page::BillingOrdersPage;

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditSummary {
    pub credit_limit: Decimal,
    /// What is left after unpaid statements, unbilled charges and open orders at term value
    /// (the `partner_credit_used` SQL function).
    pub available: Decimal,
    pub currency: String,
}

#[server(prefix = "/api", endpoint = "credit")]
pub async fn get_credit_summary() -> Result<CreditSummary, AppError> {
    crate::error::ssr::respond(async {
        let user = crate::auth::ssr::require_role(&[Role::PartnerAdmin]).await?;
        let state = crate::state::app_state()?;
        ssr::credit_summary(&state.pool, user.organisation_id)
            .await?
            .ok_or_else(|| AppError::NotFound("Your partner account".into()))
    })
    .await
}
