//! The partner API (`/api/v1`): what the Control Panel does, for a partner's own systems (PSA,
//! RMM, billing, scripts), with the keys it is called with. Settings → API keys is where a
//! partner admin makes a key (shown once, stored as a hash), gives it scopes and revokes it.
//!
//! The API speaks through the very business functions the server functions call (checkout's
//! `place`, the subscriptions' and billing's `ssr`), so a rule is never written twice; `v1`
//! holds its handlers, its conventions (problem+json, idempotency, cursors, rate limits) and the
//! OpenAPI document built from them.

mod keys_page;
mod settings_page;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod v1;

pub use keys_page::ApiKeysPage;
pub use settings_page::SettingsPage;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::{domain::ApiKeyId, error::AppError, i18n::Msg};

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type, utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "api_scope", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum ApiScope {
    /// Read the catalog, customers, orders and subscriptions.
    Read,
    /// Create customers, place and check orders, resubmit failed ones.
    Orders,
    /// Change licence counts and renewals, cancel, and decide cancellation orders.
    Subscriptions,
    /// Read credit usage, unbilled charges and statements.
    Billing,
}

impl ApiScope {
    pub const ALL: [Self; 4] = [Self::Read, Self::Orders, Self::Subscriptions, Self::Billing];

    pub fn code(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Orders => "orders",
            Self::Subscriptions => "subscriptions",
            Self::Billing => "billing",
        }
    }

    pub fn label(self) -> Msg {
        match self {
            Self::Read => Msg::ScopeRead,
            Self::Orders => Msg::ScopeOrders,
            Self::Subscriptions => Msg::ScopeSubscriptions,
            Self::Billing => Msg::ScopeBilling,
        }
    }

    pub fn hint(self) -> Msg {
        match self {
            Self::Read => Msg::ScopeReadHint,
            Self::Orders => Msg::ScopeOrdersHint,
            Self::Subscriptions => Msg::ScopeSubscriptionsHint,
            Self::Billing => Msg::ScopeBillingHint,
        }
    }
}

/// A key as Settings → API keys lists it: never its token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub key_id: ApiKeyId,
    pub name: String,
    /// The token's first characters (`cmk_1a2b3c4d`), to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub language: crate::i18n::Locale,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A key just made. With JavaScript its token comes back in this answer, the one time it is
/// shown; a form posted without JavaScript is sent to the list, which shows it once instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub key_id: ApiKeyId,
    pub name: String,
    pub token: Option<String>,
}

/// The signed-in partner's API keys, newest first (revoked ones too, marked).
#[server(prefix = "/api", endpoint = "api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyView>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    Ok(ssr::keys_of_partner(&state.pool, user.organisation_id).await?)
}

/// Makes an API key with the scopes ticked. Its token is shown once and stored only as a hash.
#[server(prefix = "/api", endpoint = "create_api_key")]
pub async fn create_api_key(
    name: String,
    scope_read: Option<String>,
    scope_orders: Option<String>,
    scope_subscriptions: Option<String>,
    scope_billing: Option<String>,
    language: Option<String>,
) -> Result<NewApiKey, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let ticked = [scope_read, scope_orders, scope_subscriptions, scope_billing];
    let scopes: Vec<ApiScope> =
        ApiScope::ALL.into_iter().zip(ticked).filter(|(_, ticked)| ticked.is_some()).map(|(scope, _)| scope).collect();
    let request = ssr::NewKeyRequest::parse(&name, scopes, language.as_deref())?;
    // A browser without JavaScript is sent back to the list, where the token is shown once; until
    // then it rests sealed.
    let plain_form = crate::error::ssr::is_plain_form_post();
    let created = ssr::create_key(&state.pool, &state.settings.secrets, &user, &request, plain_form).await?;
    if plain_form {
        leptos_axum::redirect(&format!("/cp/settings/api-keys?created={}", created.key_id));
        return Ok(NewApiKey { token: None, ..created });
    }
    Ok(created)
}

/// The token of a key just made by a form posted without JavaScript: given once, then wiped.
#[server(prefix = "/api", endpoint = "reveal_api_key")]
pub async fn reveal_api_key(key_id: ApiKeyId) -> Result<Option<String>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::reveal_token(&state.pool, &state.settings.secrets, &user, key_id).await
}

/// Revokes a key: the next call made with it is refused (401). Another partner's key is not found.
#[server(prefix = "/api", endpoint = "revoke_api_key")]
pub async fn revoke_api_key(key_id: ApiKeyId) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    ssr::revoke_key(&state.pool, &user, key_id).await?;
    crate::auth::ssr::redirect_plain_form("/cp/settings/api-keys");
    Ok(())
}
