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
    /// Where a customer's Global admin approves a GDAP relationship (the relationship's id is
    /// added): the Microsoft 365 admin centre's page, or the sandbox's stand-in.
    pub gdap_approval_base: String,
    /// The Microsoft Customer Agreement's text: Microsoft's page, or the sandbox's stand-in.
    pub agreement_link_base: String,
    /// Applications accepted per contact e-mail address per day.
    pub applications_per_email_per_day: i64,
    /// Seals the secrets that wait in the database (see `secrets`).
    pub secrets: crate::secrets::SecretKey,
    /// What this process runs without (shown to operations and credit control).
    pub missing: Vec<crate::domain::MissingSetting>,
    /// Webhook endpoints may be on private, loopback and link-local addresses, and plain http
    /// (`CLOUDMARKET_WEBHOOKS_ALLOW_PRIVATE`: tests and demos with a receiver on this machine).
    pub webhooks_allow_private: bool,
}

impl Settings {
    /// The partner's reseller relationship link (SPEC B: partner-specific, not per customer).
    pub fn relationship_link(&self, partner_id: uuid::Uuid) -> String {
        format!("{}?partnerId={partner_id}", self.relationship_link_base)
    }

    /// The approval link of one GDAP relationship, for the partner to send to the customer.
    pub fn gdap_approval_link(&self, relationship_id: &str) -> String {
        format!("{}/{relationship_id}", self.gdap_approval_base)
    }

    /// The agreement checkout shows, at the version it attests to.
    pub fn agreement_link(&self) -> String {
        format!("{}?version={}", self.agreement_link_base, crate::partner_center::CUSTOMER_AGREEMENT_VERSION)
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
            gdap_approval_base: "http://127.0.0.1:3000/sandbox/gdap".into(),
            agreement_link_base: "http://127.0.0.1:3000/sandbox/agreements/mca".into(),
            applications_per_email_per_day: 2,
            secrets: crate::secrets::SecretKey::random(),
            missing: Vec::new(),
            webhooks_allow_private: false,
        }
    }
}

/// The state every request, middleware and server function is handed. It is cloned for each of
/// them (axum's `State`, Leptos's `use_context`, several times per page), so it is one pointer to
/// [`AppStateFields`]: cloning the fields themselves (the Leptos options' strings, the pool, the
/// hub, the limits…) took a few percent of a page's CPU. Fields read through `Deref`.
#[derive(Clone)]
pub struct AppState(Arc<AppStateFields>);

impl AppState {
    pub fn new(fields: AppStateFields) -> Self {
        Self(Arc::new(fields))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateFields;

    fn deref(&self) -> &AppStateFields {
        &self.0
    }
}

// What the framework and the plain routes take out of the state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

pub struct AppStateFields {
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
    /// Reference data this process keeps for a few seconds (see [`ReferenceCache`]).
    pub reference: ReferenceCache,
}

/// Reference data that every page of an area reads and that changes only with a release or a
/// seed (the catalog), kept by this process for a few seconds: under load the read costs a
/// query once per `max_age` instead of once per page. Each process keeps its own copy, so a change
/// reaches every page within `max_age`; nothing that decides a price or an order reads it (the
/// cart and checkout read their rows themselves).
#[derive(Clone, Default)]
pub struct ReferenceCache {
    entries: Arc<std::sync::Mutex<ReferenceEntries>>,
}

type ReferenceEntries =
    std::collections::HashMap<std::any::TypeId, (std::time::Instant, Arc<dyn std::any::Any + Send + Sync>)>;

impl ReferenceCache {
    /// The value of type `T` read at most `max_age` ago, or `load`'s, which is then kept.
    pub async fn get_or_load<T, E, Fut>(
        &self,
        max_age: std::time::Duration,
        load: impl FnOnce() -> Fut,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let key = std::any::TypeId::of::<T>();
        let fresh = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .filter(|(read_at, _)| read_at.elapsed() < max_age)
            .and_then(|(_, value)| value.clone().downcast::<T>().ok());
        if let Some(value) = fresh {
            return Ok(value);
        }
        let value = Arc::new(load().await?);
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, (std::time::Instant::now(), value.clone()));
        Ok(value)
    }
}

/// The state inside a server function or page render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| crate::error::ssr::internal("app state missing", "no AppState in context"))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn reference_data_is_read_once_while_fresh_and_again_once_old() {
        let cache = ReferenceCache::default();
        let reads = AtomicUsize::new(0);
        let read = || async {
            reads.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(vec!["Microsoft 365 Business Basic"])
        };
        let first = cache.get_or_load(Duration::from_secs(60), read).await.unwrap();
        let second = cache.get_or_load(Duration::from_secs(60), read).await.unwrap();
        assert_eq!(reads.load(Ordering::SeqCst), 1, "a fresh value is not read again");
        assert!(Arc::ptr_eq(&first, &second));
        cache.get_or_load(Duration::ZERO, read).await.unwrap();
        assert_eq!(reads.load(Ordering::SeqCst), 2, "an old value is read again");
        // A failed read keeps nothing: the next caller reads again.
        let failed = cache.get_or_load::<Vec<u8>, _, _>(Duration::from_secs(60), || async { Err("down") }).await;
        assert_eq!(failed.unwrap_err(), "down");
        let after = cache.get_or_load(Duration::from_secs(60), || async { Ok::<_, ()>(vec![7u8]) }).await.unwrap();
        assert_eq!(*after, vec![7u8]);
    }
}
