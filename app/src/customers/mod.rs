//! A partner's customers and their Microsoft tenants.

mod customer_page;
mod customers_page;
pub mod gdap;
mod gdap_box;
pub mod mails;
mod relationship_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use customer_page::CustomerPage;
pub use customers_page::CustomersPage;
pub use relationship_page::{RelationshipLinkBox, RelationshipPage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub customer_id: crate::domain::CustomerId,
    pub name: String,
    /// `<prefix>.onmicrosoft.com`, when the customer has a tenant.
    pub tenant_domain: Option<String>,
    pub relationship_accepted: bool,
    /// Subscriptions that hold a product (pending, active, pending cancellation, suspended).
    pub live_subscriptions: i64,
    /// Orders for this customer still on their way (Customers → Actions shows their progress).
    pub in_flight: Vec<crate::provisioning::InFlight>,
    /// Days until its GDAP relationship ends, while it is expiring (30 days or fewer, no
    /// auto-extend).
    pub gdap_ends_in: Option<i64>,
}

/// Where a customer stands, for the status filter on the customer list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    /// An order for it is still on its way.
    InProcess,
    /// It holds subscriptions.
    Active,
    /// Its tenant has not accepted the partner as reseller yet.
    RelationshipPending,
    /// Nothing ordered yet.
    NoSubscriptions,
}

impl CustomerStatus {
    pub const ALL: [Self; 4] = [Self::InProcess, Self::Active, Self::RelationshipPending, Self::NoSubscriptions];

    pub fn code(self) -> &'static str {
        match self {
            Self::InProcess => "in_process",
            Self::Active => "active",
            Self::RelationshipPending => "relationship_pending",
            Self::NoSubscriptions => "no_subscriptions",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Self::InProcess => Msg::SubscriptionPending,
            Self::Active => Msg::SubscriptionActive,
            Self::RelationshipPending => Msg::RelationshipPending,
            Self::NoSubscriptions => Msg::CustomerNoSubscriptions,
        }
    }
}

impl CustomerSummary {
    /// The first that applies: on its way, holding subscriptions, waiting for the relationship,
    /// or nothing yet.
    pub fn status(&self) -> CustomerStatus {
        if !self.in_flight.is_empty() {
            CustomerStatus::InProcess
        } else if self.live_subscriptions > 0 {
            CustomerStatus::Active
        } else if self.tenant_domain.is_some() && !self.relationship_accepted {
            CustomerStatus::RelationshipPending
        } else {
            CustomerStatus::NoSubscriptions
        }
    }

    /// The search on the customer list: name or tenant, ignoring case as Turkish and English
    /// readers both expect (`crate::domain::search_key`).
    pub fn matches(&self, query: &str) -> bool {
        let query = crate::domain::search_key(query.trim());
        query.is_empty()
            || crate::domain::search_key(&self.name).contains(&query)
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
    /// Its latest GDAP relationship, in play or over; none if never asked for.
    pub gdap: Option<GdapView>,
    /// "Log into O365" for its tenant, offered while GDAP grants access.
    pub admin_centre: Option<String>,
}

/// A customer's GDAP relationship as its partner's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GdapView {
    pub status: crate::domain::GdapStatus,
    /// Role names.
    pub roles: Vec<String>,
    pub duration_days: i32,
    pub auto_extend: bool,
    pub requested_at: time::OffsetDateTime,
    pub request_expires_at: time::OffsetDateTime,
    pub ends_at: Option<time::OffsetDateTime>,
    /// Whole days until it ends (a started day counts), while it runs.
    pub days_left: Option<i64>,
    /// For the customer's Global admin, while the request waits.
    pub approval_link: String,
}

/// One of the signed-in partner's customers; another partner's customer is not found.
#[server(prefix = "/api", endpoint = "customer")]
pub async fn get_customer(customer_id: crate::domain::CustomerId) -> Result<CustomerDetail, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::customer_of_partner(&state.pool, &state.settings, user.organisation_id, customer_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::CustomerNotFound))
}

/// Asks Microsoft for a GDAP relationship with the customer's tenant: the chosen Entra roles, a
/// duration of 1 to 730 days, and auto-extend (never with Global Administrator). Refused while
/// one is requested or active; another partner's customer is not found.
#[server(prefix = "/api", endpoint = "request_gdap")]
pub async fn request_gdap(
    customer_id: crate::domain::CustomerId,
    #[server(default)] roles: Vec<String>,
    duration_days: String,
    #[server(default)] auto_extend: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let request = gdap::parse_request(&roles, &duration_days, auto_extend.is_some())
        .map_err(|(field, message)| AppError::invalid(field, message))?;
    ssr::request_gdap(&state, &user, customer_id, request).await?;
    crate::auth::ssr::redirect_plain_form(&format!("/cp/customers/{customer_id}"));
    Ok(())
}

/// Asks Microsoft where the customer's GDAP relationship stands now (approved, ended), as the
/// nightly refresh does; the notice of its end goes out if one is due.
#[server(prefix = "/api", endpoint = "check_gdap")]
pub async fn check_gdap(customer_id: crate::domain::CustomerId) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    if !ssr::is_customer_of(&state.pool, user.organisation_id, customer_id).await? {
        return Err(AppError::not_found(crate::i18n::Say::CustomerNotFound));
    }
    ssr::refresh_gdap(&state.pool, &state.partner_center, Some(customer_id.get())).await.map_err(|err| {
        tracing::warn!(error = %err, "could not check a GDAP relationship");
        AppError::conflict(crate::i18n::Say::PartnerCenterUnreachable { what: crate::i18n::Msg::GdapHeading })
    })?;
    crate::auth::ssr::redirect_plain_form(&format!("/cp/customers/{customer_id}"));
    Ok(())
}

/// The signed-in partner's own customers; never anyone else's.
#[server(prefix = "/api", endpoint = "customers")]
pub async fn list_my_customers() -> Result<Vec<CustomerSummary>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    Ok(ssr::customers_of_partner(&state.pool, user.organisation_id).await?)
}

/// Control Panel → Customers → Actions: the partner admin opens the customer's portal as that
/// customer. Audited; every page then shows a banner with the way back. Another partner's
/// customer is not found. Returns where to go.
#[server(prefix = "/api", endpoint = "open_customer_portal")]
pub async fn open_customer_portal(customer_id: crate::domain::CustomerId) -> Result<String, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    if !ssr::is_customer_of(&state.pool, user.organisation_id, customer_id).await? {
        return Err(AppError::not_found(crate::i18n::Say::CustomerNotFound));
    }
    crate::auth::ssr::start_acting_as(customer_id.get()).await?;
    crate::audit::record(
        &state.pool,
        crate::audit::AuditEntry {
            actor: Some(user.user_id),
            acting_as: Some(customer_id.get()),
            action: "portal.opened",
            target_type: "customer",
            target_id: customer_id.to_string(),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    crate::auth::ssr::redirect_plain_form("/portal");
    Ok("/portal".to_owned())
}

/// Leaves the customer portal the partner opened, back to that customer's page.
#[server(prefix = "/api", endpoint = "leave_customer_portal")]
pub async fn leave_customer_portal() -> Result<String, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let back = match crate::auth::ssr::stop_acting_as().await? {
        Some(customer_id) => {
            crate::audit::record(
                &state.pool,
                crate::audit::AuditEntry {
                    actor: Some(user.user_id),
                    acting_as: Some(customer_id),
                    action: "portal.left",
                    target_type: "customer",
                    target_id: customer_id.to_string(),
                    detail: serde_json::json!({}),
                },
            )
            .await?;
            format!("/cp/customers/{customer_id}")
        }
        None => "/cp/customers".to_owned(),
    };
    crate::auth::ssr::redirect_plain_form(&back);
    Ok(back)
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
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::refresh_relationships(&state, user.organisation_id).await?;
    let link = state.settings.relationship_link(user.organisation_id);
    Ok(RelationshipInfo {
        message: relationship_message(&user.organisation_name, &link),
        link,
        customers: ssr::customers_of_partner(&state.pool, user.organisation_id).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_are_found_by_name_or_tenant() {
        let customer = CustomerSummary {
            customer_id: crate::domain::CustomerId(uuid::Uuid::nil()),
            name: "Contoso Ltd".into(),
            tenant_domain: Some("contoso.onmicrosoft.com".into()),
            relationship_accepted: true,
            live_subscriptions: 0,
            in_flight: Vec::new(),
            gdap_ends_in: None,
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
