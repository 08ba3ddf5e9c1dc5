//! What a request carries (its JSON body, its path and its query), read so that anything that
//! does not parse is a problem+json answer like every other refusal (axum's own rejections are
//! plain text), and so that no control character reaches a business function, as
//! `input_hygiene` does for the server functions.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Path, Query, Request},
    http::{header, request::Parts},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::problem::ApiError;
use crate::{domain::is_refused_control, error::AppError, i18n::Say};

/// The largest body an API request may have: its requests are small JSON documents.
pub const MAX_BODY: usize = 256 * 1024;

/// A refusal's quote of what was sent, kept short.
fn clipped(detail: &str) -> String {
    const SHOWN: usize = 200;
    match detail.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &detail[..at]),
        None => detail.to_owned(),
    }
}

/// The first string in `value` (at any depth) holding a refused control character, as the
/// path to it (`customer.company_name`, `lines[0].sku`).
fn control_character_at(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::String(text) => text.chars().any(is_refused_control).then(|| at.to_owned()),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| control_character_at(item, &format!("{at}[{i}]")))
        }
        Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            let path = if at.is_empty() { name.clone() } else { format!("{at}.{name}") };
            if name.chars().any(is_refused_control) {
                return Some(path.chars().filter(|c| !is_refused_control(*c)).collect());
            }
            control_character_at(item, &path)
        }),
        _ => None,
    }
}

/// A JSON body: 415 without a JSON content type, 400 when it does not read as the operation's
/// request, 422 at the field holding a control character.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            let essence = v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        });
        if !json {
            return Err(ApiError::with_status(axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE, Say::ApiJsonExpected));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::with_status(axum::http::StatusCode::PAYLOAD_TOO_LARGE, Say::FormTooLarge))?;
        read_json(&bytes).map(Self)
    }
}

/// Reads a JSON body: unreadable is 400, a control character 422 at its field.
pub fn read_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request("body", Say::ApiBodyUnreadable { detail: clipped(&e.to_string()) }))?;
    if let Some(field) = control_character_at(&value, "") {
        return Err(AppError::invalid(&field, Say::ControlCharacterRefused).into());
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request("body", Say::ApiBodyUnreadable { detail: clipped(&e.to_string()) }))
}

/// A path's parameters: what does not parse as the operation's id is not one of its resources (404).
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| AppError::not_found(Say::ApiPathNotFound).into())
    }
}

/// A query string: 400 when it does not read as the operation's parameters, 422 at a parameter
/// holding a control character.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(query) = parts.uri.query()
            && let Some((name, _)) = form_urlencoded::parse(query.as_bytes())
                .find(|(name, value)| name.chars().chain(value.chars()).any(is_refused_control))
        {
            let name: String = name.chars().filter(|c| !is_refused_control(*c)).collect();
            return Err(AppError::invalid(&name, Say::ControlCharacterRefused).into());
        }
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|e| ApiError::bad_request("query", Say::ApiQueryUnreadable { detail: clipped(&e.body_text()) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_is_found_where_it_is() {
        let value = serde_json::json!({ "lines": [{ "sku": "ok" }, { "sku": "a\u{0}b" }], "name": "x" });
        assert_eq!(control_character_at(&value, "").as_deref(), Some("lines[1].sku"));
        let clean = serde_json::json!({ "address": "Line 1\r\nLine 2\tx", "name": "İstanbul" });
        assert_eq!(control_character_at(&clean, ""), None);
    }

    #[test]
    fn unreadable_bodies_are_bad_requests() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Body {
            quantity: i32,
        }
        let error = read_json::<Body>(b"{\"quantity\": \"many\"}").unwrap_err();
        assert_eq!(error.status().as_u16(), 400);
        let error = read_json::<Body>(b"not json").unwrap_err();
        assert_eq!(error.status().as_u16(), 400);
        assert_eq!(read_json::<Body>(b"{\"quantity\": 3}").unwrap().quantity, 3);
    }
}
