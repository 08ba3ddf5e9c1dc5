//! `Idempotency-Key`, required on every POST and PATCH: the same key with the same request gets
//! the first answer again (marked `Idempotent-Replayed: true`) and does nothing twice; the same
//! key with another request is refused (422); a key whose first request is still being answered
//! is refused for now (409). Only a success is remembered: a refused request did nothing, and may
//! be sent again with its key once the cause is dealt with.

use axum::{
    body::{Body, Bytes},
    extract::{MatchedPath, Request, State},
    http::{HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{caller::ApiCaller, extract::MAX_BODY, problem::ApiError};
use crate::{
    error::AppError,
    i18n::Say,
    partner_api::ssr::idempotency::{self, Reservation},
    state::AppState,
};

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The request's `Idempotency-Key`, for a handler that passes it on (an order keeps it, so that
/// even a retry after a lost answer makes one order).
#[derive(Clone, Debug)]
pub struct IdempotencyKey(pub String);

/// The key as sent: 1–255 visible ASCII characters.
fn key_of(request: &Request) -> Result<String, ApiError> {
    let Some(value) = request.headers().get(IDEMPOTENCY_KEY) else {
        return Err(ApiError::bad_request("Idempotency-Key", Say::IdempotencyKeyMissing));
    };
    match value.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => Ok(key.to_owned()),
        _ => Err(ApiError::bad_request("Idempotency-Key", Say::IdempotencyKeyFormat)),
    }
}

/// A JSON value with its objects' keys sorted, so that the same request sent with its fields in
/// another order is the same request.
fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut fields: Vec<(String, Value)> = map.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(fields.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// What identifies a request: its method, path and query, and its body (as JSON, canonical).
pub fn request_hash(method: &Method, path_and_query: &str, body: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b"\n");
    hasher.update(path_and_query.as_bytes());
    hasher.update(b"\n");
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => hasher.update(canonical(value).to_string().as_bytes()),
        Err(_) => hasher.update(body),
    }
    hasher.finalize().to_vec()
}

pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // A method the operation does not have is the router's to refuse (405), key or none.
    let declared = request.extensions().get::<MatchedPath>().is_some_and(|path| {
        super::document()["paths"][path.as_str()].get(request.method().as_str().to_ascii_lowercase()).is_some()
    });
    if !matches!(*request.method(), Method::POST | Method::PATCH) || !declared {
        return next.run(request).await;
    }
    let Some(partner_id) = request.extensions().get::<ApiCaller>().map(ApiCaller::partner_id) else {
        return ApiError::from(AppError::Unauthenticated).into_response();
    };
    let key = match key_of(&request) {
        Ok(key) => key,
        Err(error) => return error.into_response(),
    };
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return ApiError::with_status(StatusCode::PAYLOAD_TOO_LARGE, Say::FormTooLarge).into_response();
    };
    let path = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let hash = request_hash(&parts.method, &path, &bytes);
    match idempotency::reserve(&state.pool, partner_id, &key, &hash).await {
        Ok(Reservation::Fresh) => {}
        Ok(Reservation::Replay { status, body, location }) => return replay(status, body, location),
        Ok(Reservation::Mismatch) => {
            return ApiError::from(AppError::invalid("Idempotency-Key", Say::IdempotencyKeyReused)).into_response();
        }
        Ok(Reservation::InProgress) => {
            return ApiError::from(AppError::conflict(Say::IdempotencyKeyInProgress)).into_response();
        }
        Err(err) => return ApiError::from(err).into_response(),
    }
    parts.extensions.insert(IdempotencyKey(key.clone()));
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if !response.status().is_success() {
        if let Err(err) = idempotency::release(&state.pool, partner_id, &key).await {
            tracing::error!(error = %err, "could not free an idempotency key after a refusal");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return ApiError::from(crate::error::ssr::internal("remembering an answer", "its body could not be read"))
            .into_response();
    };
    let location = parts.headers.get(header::LOCATION).and_then(|v| v.to_str().ok());
    if let Err(err) = idempotency::complete(&state.pool, partner_id, &key, parts.status.as_u16(), &body, location).await
    {
        // The change is made; a retry with this key would find it still "in progress" and be
        // told to wait, never make it twice.
        tracing::error!(error = %err, "could not remember an idempotent answer");
    }
    Response::from_parts(parts, Body::from(body))
}

fn replay(status: u16, body: Vec<u8>, location: Option<String>) -> Response {
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        Bytes::from(body),
    )
        .into_response();
    response.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_request_hashes_alike_whatever_the_order_of_its_fields() {
        let a = request_hash(&Method::POST, "/api/v1/orders", br#"{"a": 1, "b": {"y": 2, "x": [1, 2]}}"#);
        let b = request_hash(&Method::POST, "/api/v1/orders", br#"{"b":{"x":[1,2],"y":2},"a":1}"#);
        assert_eq!(a, b);
        let other = request_hash(&Method::POST, "/api/v1/orders", br#"{"a": 2, "b": {"y": 2, "x": [1, 2]}}"#);
        assert_ne!(a, other);
        let elsewhere = request_hash(&Method::POST, "/api/v1/customers", br#"{"a": 1, "b": {"y": 2, "x": [1, 2]}}"#);
        assert_ne!(a, elsewhere);
    }
}
