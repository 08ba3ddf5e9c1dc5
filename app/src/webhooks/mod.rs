//! Signed webhooks (issue #17): a partner registers HTTPS endpoints in Settings → Webhooks and
//! chooses the events each one is told about; every event is delivered as a Standard Webhooks
//! message (`webhook-id`, `webhook-timestamp`, `webhook-signature`), through the job queue, from
//! the transaction of the business action that caused it, and listed in the endpoint's delivery
//! log with "Send test event" and "Redeliver".
//!
//! It sits lowest among the features, beside the outbox: every feature that commits something a
//! partner's systems care about (checkout, provisioning, orders, subscriptions, billing) calls
//! `ssr::emit` in its transaction, and webhooks uses no feature in return.

mod endpoint_page;
#[cfg(feature = "ssr")]
pub mod ssr;
mod webhooks_page;

pub use endpoint_page::WebhookEndpointPage;
pub use webhooks_page::WebhooksPage;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use crate::domain::{WebhookDeliveryId, WebhookDeliveryStatus, WebhookEndpointId};
#[cfg(feature = "ssr")]
use crate::{auth::Permission, error::ssr::internal};
use crate::{error::AppError, i18n::Msg};

/// Endpoints a partner may register.
pub const MAX_ENDPOINTS: i64 = 10;
/// How long a secret keeps signing beside its replacement after a rotation.
pub const ROTATION_OVERLAP_HOURS: i32 = 24;

macro_rules! event_types {
    ($($variant:ident => $name:literal, $label:ident;)*) => {
        /// What a partner can be told about: the payload's `type`, the Postgres enum
        /// `webhook_event_type`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
        #[cfg_attr(feature = "ssr", sqlx(type_name = "webhook_event_type"))]
        pub enum EventType {
            $(
                #[serde(rename = $name)]
                #[cfg_attr(feature = "ssr", sqlx(rename = $name))]
                $variant,
            )*
        }

        impl EventType {
            const ALL: &[Self] = &[$(Self::$variant),*];

            /// The name in payloads and forms: `order.completed`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            pub fn label(self) -> Msg {
                match self {
                    $(Self::$variant => Msg::$label,)*
                }
            }
        }
    };
}

event_types! {
    OrderSubmitted => "order.submitted", WebhookEventOrderSubmitted;
    OrderAwaitingApproval => "order.awaiting_approval", WebhookEventOrderAwaitingApproval;
    OrderCompleted => "order.completed", WebhookEventOrderCompleted;
    OrderFailed => "order.failed", WebhookEventOrderFailed;
    SubscriptionChanged => "subscription.changed", WebhookEventSubscriptionChanged;
    CancellationRequested => "cancellation.requested", WebhookEventCancellationRequested;
    CancellationDecided => "cancellation.decided", WebhookEventCancellationDecided;
    StatementIssued => "statement.issued", WebhookEventStatementIssued;
    CreditDecided => "credit.decided", WebhookEventCreditDecided;
    Test => "webhook.test", WebhookEventTest;
}

impl EventType {
    /// The events an endpoint can choose, in the order the form lists them.
    pub const SUBSCRIBABLE: [Self; 9] = [
        Self::OrderSubmitted,
        Self::OrderAwaitingApproval,
        Self::OrderCompleted,
        Self::OrderFailed,
        Self::SubscriptionChanged,
        Self::CancellationRequested,
        Self::CancellationDecided,
        Self::StatementIssued,
        Self::CreditDecided,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|e| e.name() == name.trim())
    }

    /// Only "Send test event" sends `webhook.test`.
    pub fn subscribable(self) -> bool {
        self != Self::Test
    }
}

/// How one attempt at a delivery ended (the Postgres enum `webhook_attempt_outcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "webhook_attempt_outcome", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    Delivered,
    HttpError,
    Unreachable,
    AddressRefused,
    EndpointDisabled,
    SecretUnavailable,
}

impl AttemptOutcome {
    pub fn label(self) -> Msg {
        match self {
            Self::Delivered => Msg::WebhookOutcomeDelivered,
            Self::HttpError => Msg::WebhookOutcomeHttpError,
            Self::Unreachable => Msg::WebhookOutcomeUnreachable,
            Self::AddressRefused => Msg::WebhookOutcomeAddressRefused,
            Self::EndpointDisabled => Msg::WebhookOutcomeEndpointDisabled,
            Self::SecretUnavailable => Msg::WebhookOutcomeSecretUnavailable,
        }
    }
}

/// An endpoint as its partner sees it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSummary {
    pub id: WebhookEndpointId,
    pub url: String,
    pub description: String,
    pub events: Vec<EventType>,
    pub enabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// While a rotation's old secret still signs: until when.
    #[serde(with = "time::serde::rfc3339::option")]
    pub previous_secret_expires_at: Option<OffsetDateTime>,
}

/// One attempt in the delivery log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub outcome: AttemptOutcome,
    pub response_status: Option<i32>,
    pub duration_ms: i32,
    pub response_excerpt: Option<String>,
    /// What the HTTP client said (technical, as it said it).
    pub detail: Option<String>,
}

/// One delivery (an event for this endpoint) in the log, with its attempts, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: WebhookDeliveryId,
    /// The `webhook-id` every attempt carried.
    pub message_id: String,
    pub event_type: EventType,
    pub status: WebhookDeliveryStatus,
    pub attempts: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
    pub attempt_log: Vec<AttemptView>,
}

impl DeliveryView {
    pub fn last_attempt(&self) -> Option<&AttemptView> {
        self.attempt_log.first()
    }
}

/// An endpoint's page: the endpoint and a secret just made (shown once). Its delivery log comes
/// apart ([`list_webhook_deliveries`]): it refreshes itself while a delivery is on its way, and
/// must not redraw the settings form the partner may be typing in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointDetail {
    pub endpoint: EndpointSummary,
    pub fresh_secret: Option<String>,
}

/// Whether a checkbox was ticked (`on`, as browsers send it; `true`/`yes` from scripts).
#[cfg(any(feature = "ssr", test))]
fn ticked(value: Option<&str>) -> bool {
    matches!(value.map(str::trim), Some("on" | "true" | "yes"))
}

#[server(prefix = "/api", endpoint = "webhook_endpoints")]
pub async fn list_webhook_endpoints() -> Result<Vec<EndpointSummary>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    Ok(ssr::endpoints(&state.pool, user.organisation_id).await?)
}

#[server(prefix = "/api", endpoint = "webhook_endpoint")]
pub async fn get_webhook_endpoint(endpoint_id: WebhookEndpointId) -> Result<EndpointDetail, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let endpoint = ssr::endpoint(&state.pool, user.organisation_id, endpoint_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::WebhookEndpointNotFound))?;
    let fresh_secret = take_fresh_secret(&state, &user, endpoint_id).await;
    if fresh_secret.is_some()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        // This answer (or the page it is rendered into) carries a secret: no cache may keep it.
        response.insert_header(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    }
    Ok(EndpointDetail { endpoint, fresh_secret })
}

#[server(prefix = "/api", endpoint = "webhook_deliveries")]
pub async fn list_webhook_deliveries(endpoint_id: WebhookEndpointId) -> Result<Vec<DeliveryView>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::deliveries(&state.pool, user.organisation_id, endpoint_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::WebhookEndpointNotFound))
}

/// Keeps a secret just made for the endpoint's page to show once (see `ssr::FreshSecret`). If the
/// session cannot keep it, the partner rotates the secret to get a new one.
#[cfg(feature = "ssr")]
async fn keep_fresh_secret(
    state: &crate::state::AppState,
    user: &crate::auth::ssr::AuthUser,
    endpoint_id: WebhookEndpointId,
    secret: &ssr::signature::Secret,
) {
    let fresh = ssr::FreshSecret::seal(&state.settings.secrets, user, endpoint_id, secret);
    let kept = match crate::auth::ssr::session().await {
        Ok(session) => session.insert(ssr::FRESH_SECRET_KEY, fresh).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(error) = kept {
        tracing::error!(%error, %endpoint_id, "could not keep a new webhook secret for its page");
    }
}

/// The secret made for this endpoint a moment ago, taken out of the session: shown once.
#[cfg(feature = "ssr")]
async fn take_fresh_secret(
    state: &crate::state::AppState,
    user: &crate::auth::ssr::AuthUser,
    endpoint_id: WebhookEndpointId,
) -> Option<String> {
    let session = crate::auth::ssr::session().await.ok()?;
    let fresh: ssr::FreshSecret = session.get(ssr::FRESH_SECRET_KEY).await.ok().flatten()?;
    if fresh.endpoint_id() != endpoint_id {
        return None;
    }
    if let Err(error) = session.remove::<ssr::FreshSecret>(ssr::FRESH_SECRET_KEY).await {
        // Not shown rather than shown twice.
        let _ = internal("taking a webhook secret out of the session", error);
        return None;
    }
    fresh.open(&state.settings.secrets, user, endpoint_id)
}

/// "Add endpoint": registers it and opens its page, where its signing secret is shown once.
#[server(prefix = "/api", endpoint = "create_webhook_endpoint")]
pub async fn create_webhook_endpoint(
    url: String,
    description: Option<String>,
    events: Option<Vec<String>>,
) -> Result<WebhookEndpointId, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let input = ssr::EndpointInput::parse(
        &url,
        description.as_deref().unwrap_or_default(),
        &events.unwrap_or_default(),
        state.settings.webhooks_allow_private,
    )
    .await?;
    let (endpoint_id, secret) = ssr::create(&state.pool, &state.settings.secrets, &user, &input).await?;
    keep_fresh_secret(&state, &user, endpoint_id, &secret).await;
    leptos_axum::redirect(&format!("/cp/settings/webhooks/{endpoint_id}"));
    Ok(endpoint_id)
}

#[server(prefix = "/api", endpoint = "update_webhook_endpoint")]
pub async fn update_webhook_endpoint(
    endpoint_id: WebhookEndpointId,
    url: String,
    description: Option<String>,
    events: Option<Vec<String>>,
    enabled: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let input = ssr::EndpointInput::parse(
        &url,
        description.as_deref().unwrap_or_default(),
        &events.unwrap_or_default(),
        state.settings.webhooks_allow_private,
    )
    .await?;
    ssr::update(&state.pool, &user, endpoint_id, &input, ticked(enabled.as_deref())).await
}

/// Deletes the endpoint and its log, once the partner ticked the confirmation.
#[server(prefix = "/api", endpoint = "delete_webhook_endpoint")]
pub async fn delete_webhook_endpoint(endpoint_id: WebhookEndpointId, confirm: Option<String>) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    if !ticked(confirm.as_deref()) {
        return Err(AppError::invalid("confirm", crate::i18n::Say::WebhookConfirmDelete));
    }
    ssr::delete(&state.pool, &user, endpoint_id).await?;
    leptos_axum::redirect("/cp/settings/webhooks");
    Ok(())
}

/// A new signing secret, shown once on the endpoint's page; the old one signs beside it for
/// [`ROTATION_OVERLAP_HOURS`].
#[server(prefix = "/api", endpoint = "rotate_webhook_secret")]
pub async fn rotate_webhook_secret(endpoint_id: WebhookEndpointId) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let secret = ssr::rotate(&state.pool, &state.settings.secrets, &user, endpoint_id).await?;
    keep_fresh_secret(&state, &user, endpoint_id, &secret).await;
    Ok(())
}

#[server(prefix = "/api", endpoint = "send_test_webhook")]
pub async fn send_test_webhook(endpoint_id: WebhookEndpointId) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::send_test(&state.pool, &user, endpoint_id).await
}

#[server(prefix = "/api", endpoint = "redeliver_webhook")]
pub async fn redeliver_webhook(delivery_id: WebhookDeliveryId) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::redeliver(&state.pool, &user, delivery_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_are_the_payloads_type() {
        for event in EventType::ALL {
            assert_eq!(EventType::parse(event.name()), Some(*event));
            assert_eq!(serde_json::to_value(event).unwrap(), event.name());
        }
        assert_eq!(EventType::parse("order.shipped"), None);
        assert!(!EventType::SUBSCRIBABLE.contains(&EventType::Test));
        assert_eq!(EventType::SUBSCRIBABLE.len() + 1, EventType::ALL.len());
    }

    #[test]
    fn a_checkbox_is_ticked_by_what_browsers_send() {
        assert!(ticked(Some("on")));
        assert!(ticked(Some("yes")));
        assert!(!ticked(None));
        assert!(!ticked(Some("")));
        assert!(!ticked(Some("off")));
    }
}
