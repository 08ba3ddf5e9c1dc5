//! Shared server state, handed to axum handlers and provided to Leptos as context.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;

use crate::error::AppError;

/// Settings the application layer needs; the server builds them from its configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Wrong passwords allowed per address and client inside `login_window_minutes`.
    pub login_max_failures: i64,
    pub login_window_minutes: i64,
    /// Cookies get the `Secure` flag when the public URL is https.
    pub secure_cookies: bool,
    /// How users reach the product, for links in e-mails (no trailing slash).
    pub public_url: String,
    /// Longest prefix accepted for a new tenant's initial domain.
    pub tenant_prefix_max: usize,
    /// Where a customer's Global admin accepts the distributor as its CSP reseller; the
    /// partner's id is added to make each partner's link.
    pub relationship_link_base: String,
    /// Where "Log into O365" leads: the Microsoft 365 admin center, or the sandbox's stand-in.
    pub o365_portal_base: String,
    /// Applications accepted per contact e-mail address per day.
    pub applications_per_email_per_day: i64,
    /// Seals the secrets that wait in the database (see `secrets`).
    pub secrets: crate::secrets::SecretKey,
    /// What this process runs without (shown to operations and credit control).
    pub missing: Vec<crate::domain::MissingSetting>,
}

impl Settings {
    /// The partner's reseller relationship link (SPEC B: partner-specific, not per customer).
    pub fn relationship_link(&self, partner_id: uuid::Uuid) -> String {
        format!("{}?partnerId={partner_id}", self.relationship_link_base)
    }

    /// "Log into O365" for a tenant.
    pub fn o365_link(&self, tenant_domain: &str) -> String {
        let domain: String = form_urlencoded::byte_serialize(tenant_domain.as_bytes()).collect();
        format!("{}?domain={domain}", self.o365_portal_base)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            login_max_failures: 5,
            login_window_minutes: 15,
            secure_cookies: false,
            public_url: "http://127.0.0.1:3000".into(),
            tenant_prefix_max: crate::domain::DomainPrefix::DEFAULT_MAX_LEN,
            relationship_link_base: "http://127.0.0.1:3000/sandbox/relationship".into(),
            o365_portal_base: "http://127.0.0.1:3000/sandbox/portal".into(),
            applications_per_email_per_day: 2,
            secrets: crate::secrets::SecretKey::random(),
            missing: Vec::new(),
        }
    }
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    /// The vendor connector: Partner Center, or the bundled sandbox.
    pub partner_center: crate::partner_center::PartnerCenter,
    /// This process's relay of live provisioning progress to browsers.
    pub live: crate::live::hub::Hub,
    /// This process's abuse limits (sign-in, applications, password hashing, live streams).
    pub limits: crate::limits::Limits,
    /// Invoicing's outside services: TCMB's rate feed and the e-Fatura integrator (or their
    /// sandbox stand-ins).
    pub tcmb: crate::gib::TcmbFeed,
    pub integrator: crate::gib::Integrator,
}

/// The state inside a server function or page render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| crate::error::ssr::internal("app state missing", "no AppState in context"))
}
