//! The customer portal: the customer admin's view of its own company and subscriptions.

mod portal_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use portal_page::{AccountPage, CspPage, PortalHomePage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyInfo {
    pub name: String,
    pub tenant_domain: Option<String>,
    pub partner_name: String,
}

/// The signed-in customer admin's own company; the id comes from the session, never the request.
#[server(prefix = "/api", endpoint = "my_company")]
pub async fn my_company() -> Result<CompanyInfo, AppError> {
    crate::error::ssr::respond(async {
        let user = crate::auth::ssr::require_role(&[Role::CustomerAdmin]).await?;
        let state = crate::state::app_state()?;
        ssr::company(&state.pool, user.organisation_id).await?.ok_or_else(|| AppError::NotFound("Your company".into()))
    })
    .await
}
