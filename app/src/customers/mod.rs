//! A partner's customers and their Microsoft tenants.

mod customers_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use customers_page::CustomersPage;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub name: String,
    /// `<prefix>.onmicrosoft.com`, when the customer has a tenant.
    pub tenant_domain: Option<String>,
    pub relationship_accepted: bool,
}

/// The signed-in partner's own customers; never anyone else's.
#[server(prefix = "/api", endpoint = "customers")]
pub async fn list_my_customers() -> Result<Vec<CustomerSummary>, AppError> {
    crate::error::ssr::respond(async {
        let user = crate::auth::ssr::require_role(&[Role::PartnerAdmin]).await?;
        let state = crate::state::app_state()?;
        Ok(ssr::customers_of_partner(&state.pool, user.organisation_id).await?)
    })
    .await
}
