//! The customer portal: the customer admin's view of its own company and subscriptions.

mod portal_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use portal_page::{AccountPage, CspPage, PortalHomePage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyInfo {
    pub name: String,
    pub tenant_domain: Option<String>,
    pub partner_name: String,
}

/// The portal's company (its admin's, or the one a partner acts as); the id comes from the
/// session, never the request.
#[server(prefix = "/api", endpoint = "my_company")]
pub async fn my_company() -> Result<CompanyInfo, AppError> {
    let (actor, state) = crate::auth::ssr::customer_caller().await?;
    ssr::company(&state.pool, actor.customer_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::YourCompanyNotFound))
}
