//! A partner's customers and their Microsoft tenants.

mod customer_page;
mod customers_page;
mod relationship_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use customer_page::CustomerPage;
pub use customers_page::CustomersPage;
pub use relationship_page::{RelationshipLinkBox, RelationshipPage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub customer_id: Uuid,
    pub name: String,
    /// `<prefix>.onmicrosoft.com`, when the customer has a tenant.
    pub tenant_domain: Option<String>,
    pub relationship_accepted: bool,
    /// Subscriptions that hold a product (pending, active, pending cancellation, suspended).
    pub live_subscriptions: i64,
    /// Orders for this customer still on their way (Customers → Actions shows their progress).
    pub in_flight: Vec<crate::provisioning::InFlight>,
}

impl CustomerSummary {
    /// The search on the customer list: name or tenant, ignoring case.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().to_lowercase();
        query.is_empty()
            || self.name.to_lowercase().contains(&query)
            || self.tenant_domain.as_deref().is_some_and(|d| d.contains(&query))
    }
}

/// One customer as its partner sees it: profile, tenant, orders on their way, subscriptions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub summary: CustomerSummary,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub mpn_id: Option<String>,
    pub subscriptions: Vec<crate::subscriptions::SubscriptionView>,
}

/// One of the signed-in partner's customers; another partner's customer is not found.
#[server(prefix = "/api", endpoint = "customer")]
pub async fn get_customer(customer_id: Uuid) -> Result<CustomerDetail, AppError> {
    crate::error::ssr::respond(async {
        let user = crate::auth::ssr::require_role(&[Role::PartnerAdmin]).await?;
        let state = crate::state::app_state()?;
        ssr::customer_of_partner(&state.pool, user.organisation_id, customer_id)
            .await?
            .ok_or_else(|| AppError::NotFound("That customer".into()))
    })
    .await
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
    fn customers_are_found_by_name_or_tenant() {
        let customer = CustomerSummary {
            customer_id: Uuid::nil(),
            name: "Contoso Ltd".into(),
            tenant_domain: Some("contoso.onmicrosoft.com".into()),
            relationship_accepted: true,
            live_subscriptions: 0,
            in_flight: Vec::new(),
        };
        assert!(customer.matches(""));
        assert!(customer.matches("  conTOSO "));
        assert!(customer.matches("onmicrosoft"));
        assert!(!customer.matches("fabrikam"));
    }

    #[test]
    fn the_message_carries_the_link_and_the_partner() {
        let text = relationship_message("Demo Reseller", "https://example.test/accept?partnerId=1");
        assert!(text.contains("https://example.test/accept?partnerId=1"));
        assert!(text.contains("Demo Reseller"));
        assert!(text.contains("Global admin"));
    }
}
