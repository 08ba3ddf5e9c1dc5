//! A partner's customers and their Microsoft tenants.

mod customers_page;
mod relationship_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use customers_page::CustomersPage;
pub use relationship_page::{RelationshipLinkBox, RelationshipPage};

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
    /// Orders for this customer still on their way (Customers → Actions shows their progress).
    pub in_flight: Vec<crate::provisioning::InFlight>,
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

/// The partner's reseller relationship link, a message ready to send with it, and where each
/// customer's tenant stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationshipInfo {
    pub link: String,
    pub message: String,
    pub customers: Vec<CustomerSummary>,
}

/// The send-ready text a partner forwards to a customer's Global admin.
pub fn relationship_message(partner_name: &str, link: &str) -> String {
    format!(
        "Hello,\n\nTo let {partner_name} order and manage your Microsoft cloud services, your Global admin needs to \
         accept us as your Cloud Solution Provider once. Sign in to the Microsoft 365 admin center as Global admin, \
         open the link below, tick \"I accept\" and confirm:\n\n{link}\n\nYour existing subscriptions, data and users \
         do not change.\n\nThank you,\n{partner_name}"
    )
}

/// Also asks Partner Center about tenants not yet accepted, so the page shows acceptance as
/// soon as it happened.
#[server(prefix = "/api", endpoint = "relationship")]
pub async fn get_relationship() -> Result<RelationshipInfo, AppError> {
    crate::error::ssr::respond(async {
        let user = crate::auth::ssr::require_role(&[Role::PartnerAdmin]).await?;
        let state = crate::state::app_state()?;
        ssr::refresh_relationships(&state, user.organisation_id).await?;
        let link = state.settings.relationship_link(user.organisation_id);
        Ok(RelationshipInfo {
            message: relationship_message(&user.organisation_name, &link),
            link,
            customers: ssr::customers_of_partner(&state.pool, user.organisation_id).await?,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_carries_the_link_and_the_partner() {
        let text = relationship_message("Demo Reseller", "https://example.test/accept?partnerId=1");
        assert!(text.contains("https://example.test/accept?partnerId=1"));
        assert!(text.contains("Demo Reseller"));
        assert!(text.contains("Global admin"));
    }
}
