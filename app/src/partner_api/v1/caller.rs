//! Who calls: the key of `Authorization: Bearer …`, checked on every call (a revoked key is
//! refused at once), counted against its minute, and written to the audit log with the key as
//! the actor. Scopes are asked for by each handler ([`ApiCaller::require`]).

use std::sync::Arc;

use axum::{
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{HeaderName, HeaderValue, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use super::problem::{ApiError, ApiResult, Problem, accepted_language};
use crate::{
    auth::ssr::{AuthUser, CustomerActor},
    error::AppError,
    i18n::{Locale, Say},
    limits::Allowance,
    partner_api::{
        ApiScope,
        ssr::{self, KeyHolder},
    },
    state::AppState,
};

/// The caller of a partner API handler: a live key of a partner.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub key: Arc<KeyHolder>,
    /// The language its messages are worded in.
    pub locale: Locale,
}

impl ApiCaller {
    pub fn partner_id(&self) -> Uuid {
        self.key.user.organisation_id
    }

    /// The partner admin the key acts for: orders placed with the key are theirs, as in the
    /// Control Panel (audit entries name the key as well).
    pub fn user(&self) -> &AuthUser {
        &self.key.user
    }

    /// The partner acting in one of its customers' portals, as Control Panel → Customers →
    /// Actions does: the subscriptions' functions take this (the caller checked the customer).
    pub fn as_customer(&self, customer_id: Uuid) -> CustomerActor {
        CustomerActor { user: self.key.user.clone(), customer_id, impersonating: true }
    }

    /// 403 naming the scope, unless the key has it.
    pub fn require(&self, scope: ApiScope) -> ApiResult<()> {
        if self.key.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(ApiError::with_status(StatusCode::FORBIDDEN, Say::ApiScopeMissing { scope: scope.label() }))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<ApiCaller>().cloned().ok_or_else(|| AppError::Unauthenticated.into())
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

pub const RATE_LIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const RATE_LIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// `RateLimit` and `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers), and `Retry-After`
/// when the call was refused.
fn rate_headers(response: &mut Response, allowance: &Allowance) {
    let headers = response.headers_mut();
    let value = |text: String| HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("\"per-key\""));
    headers.insert(RATE_LIMIT_POLICY, value(format!("\"per-key\";q={};w=60", allowance.limit)));
    headers.insert(RATE_LIMIT, value(format!("\"per-key\";r={};t={}", allowance.remaining, allowance.reset_secs)));
    if !allowance.allowed {
        headers.insert(header::RETRY_AFTER, value(allowance.reset_secs.to_string()));
    }
}

/// The partner API's gate, in front of every operation: the key, its minute, the audit entry of
/// the call, and the wording of any error in the caller's language.
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let asked = accepted_language(request.headers());
    let refuse = |say: Say| {
        let error = ApiError { error: AppError::Conflict(say.into()), status: Some(StatusCode::UNAUTHORIZED) };
        Problem::response(&error, asked.unwrap_or_default())
    };
    let Some(token) = bearer(request.headers()) else { return refuse(Say::ApiKeyMissing) };
    let key = match ssr::key_holder(&state.pool, token).await {
        Ok(Some(key)) => Arc::new(key),
        Ok(None) => return refuse(Say::ApiKeyInvalid),
        Err(err) => {
            let error = ApiError::from(crate::error::ssr::internal("reading an API key", err));
            return Problem::response(&error, asked.unwrap_or_default());
        }
    };
    let locale = asked.unwrap_or(key.language);
    let method = request.method().as_str().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or("-", |p| p.as_str()).to_owned();
    let allowance = state.limits.api_call(key.key_id);
    let mut response = if allowance.allowed {
        request.extensions_mut().insert(ApiCaller { key: key.clone(), locale });
        crate::audit::with_api_key(key.key_id, next.run(request)).await
    } else {
        ApiError::with_status(
            StatusCode::TOO_MANY_REQUESTS,
            Say::ApiRateLimited { limit: i64::from(allowance.limit), seconds: allowance.reset_secs as i64 },
        )
        .into_response()
    };
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        let mut worded = Problem::response(&error, locale);
        // Headers the handler set (a `Location`, a replay's mark) stay.
        for (name, value) in response.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                worded.headers_mut().insert(name.clone(), value.clone());
            }
        }
        response = worded;
    }
    response.headers_mut().entry(header::CONTENT_LANGUAGE).or_insert(HeaderValue::from_static(locale.code()));
    rate_headers(&mut response, &allowance);
    if let Err(err) = ssr::record_call(&state.pool, &key, &method, &route, response.status().as_u16()).await {
        // The answer stands; the missing audit entry is logged for operations.
        tracing::error!(error = %err, route, "could not audit a partner API call");
    }
    response
}

/// Words a refusal made before a key was read (an unknown path): in the language asked for.
pub async fn word_errors(request: Request, next: Next) -> Response {
    let locale = accepted_language(request.headers()).unwrap_or_default();
    let mut response = next.run(request).await;
    match response.extensions_mut().remove::<ApiError>() {
        Some(error) => Problem::response(&error, locale),
        None => response,
    }
}

/// Unknown paths under `/api/v1`: a problem, not a server function's answer or a page.
pub async fn not_found() -> ApiError {
    ApiError::from(AppError::not_found(Say::ApiPathNotFound))
}
