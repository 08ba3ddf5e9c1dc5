//! Errors as RFC 9457 problem details (`application/problem+json`): the same [`AppError`] the
//! server functions answer with, worded in the caller's language, with its message key and
//! arguments for machines, the Partner Center code where the refusal is Microsoft's, and one
//! entry per refused field.

use std::collections::BTreeMap;

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::{
    error::{AppError, FieldError},
    i18n::{Locale, Say, Text},
    partner_center::codes,
};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error on its way out of a handler. Handlers do not know the caller's language: the error
/// travels in the response's extensions and the key's middleware words it (see `caller`). Its
/// status is the error's own, unless the API answers otherwise (400 for a request that is not
/// even well-formed, 403 naming the scope a key lacks).
#[derive(Clone, Debug)]
pub struct ApiError {
    pub error: AppError,
    pub status: Option<StatusCode>,
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self { error, status: None }
    }
}

impl From<sqlx::Error> for ApiError {
    #[track_caller]
    fn from(error: sqlx::Error) -> Self {
        AppError::from(error).into()
    }
}

impl ApiError {
    /// 400: the request itself is malformed (unreadable JSON, a missing header, a bad cursor).
    pub fn bad_request(field: &str, message: Say) -> Self {
        Self { error: AppError::invalid(field, message), status: Some(StatusCode::BAD_REQUEST) }
    }

    /// A refusal with its own status and message (403 for a missing scope, 409, 429…).
    pub fn with_status(status: StatusCode, message: Say) -> Self {
        Self { error: AppError::conflict(message), status: Some(status) }
    }

    pub fn status(&self) -> StatusCode {
        self.status
            .or_else(|| StatusCode::from_u16(self.error.status_code()).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The same error with its fields named as this API's request names them (`cart` is
    /// `lines`, a new tenant's `prefix` is `tenant.prefix`…).
    pub fn fields(self, rename: impl Fn(&str) -> Option<&'static str>) -> Self {
        let error = match self.error {
            AppError::Invalid(errors) => AppError::Invalid(
                errors
                    .into_iter()
                    .map(|e| FieldError { field: rename(&e.field).map_or(e.field, str::to_owned), message: e.message })
                    .collect(),
            ),
            other => other,
        };
        Self { error, ..self }
    }
}

/// Handlers answer `Result<_, ApiError>`.
pub type ApiResult<T> = Result<T, ApiError>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// One refused field of a problem.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The request's field, as `lines`, `tenant.prefix` or `customer.tax_number`.
    pub field: String,
    /// The message's stable name.
    pub key: String,
    /// The message, in the caller's language.
    pub message: String,
    /// The message's arguments, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(required = false)]
    pub args: BTreeMap<String, String>,
}

/// An RFC 9457 problem.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is; `key` says which.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The status's name.
    pub title: String,
    pub status: u16,
    /// What went wrong and what to do, in the caller's language (`Accept-Language`, else the key's).
    pub detail: String,
    /// The message's stable name, e.g. `TenantNotRelated`.
    pub key: String,
    /// The message's arguments, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(required = false)]
    pub args: BTreeMap<String, String>,
    /// Partner Center's code when Microsoft refuses (or would refuse) this, e.g. 800015.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Each refused field with its message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub errors: Vec<FieldProblem>,
}

fn key_and_args(text: &Text) -> (String, BTreeMap<String, String>) {
    match text {
        Text::Say { say, .. } => {
            (say.key().to_owned(), say.args().into_iter().map(|(name, value)| (name.to_owned(), value)).collect())
        }
        Text::Shown { key, .. } => (key.clone(), BTreeMap::new()),
    }
}

/// Partner Center's code for a refusal, when it is Microsoft's (or one Microsoft would make).
fn partner_center_code(text: &Text) -> Option<i64> {
    if let Text::Say { say, .. } = text
        && let Some((_, code)) = say.args().into_iter().find(|(name, _)| *name == "code")
    {
        return code.parse().ok();
    }
    let Text::Say { say, .. } = text else { return None };
    Some(match say {
        Say::MpnNotFound => codes::MPN_NOT_FOUND,
        Say::MpnNotIndirectReseller => codes::MPN_NOT_INDIRECT_RESELLER,
        Say::PartnerAgreementNotSigned => codes::PARTNER_AGREEMENT_NOT_SIGNED,
        Say::RefusedNoRelationship => codes::NO_RELATIONSHIP,
        Say::RefusedNoTenant => codes::TENANT_NOT_FOUND,
        Say::RefusedCustomerAgreement => codes::CUSTOMER_AGREEMENT_NOT_ACCEPTED,
        Say::RefusedDecreaseWindow | Say::RemovalWindowPassed { .. } => codes::QUANTITY_DECREASE_WINDOW_PASSED,
        Say::AddOnNeedsBase { .. } => codes::ADD_ON_WITHOUT_BASE,
        _ => return None,
    })
}

impl Problem {
    pub fn of(error: &ApiError, locale: Locale) -> Self {
        let status = error.status().as_u16();
        let error = &error.error;
        let (text, errors): (Option<&Text>, &[FieldError]) = match error {
            AppError::NotFound(text) | AppError::Conflict(text) | AppError::TooManyRequests(text) => (Some(text), &[]),
            AppError::Invalid(errors) => (errors.first().map(|e| &e.message), errors.as_slice()),
            _ => (None, &[]),
        };
        let (key, args) = match (text, error) {
            (Some(text), _) => key_and_args(text),
            (None, AppError::Unauthenticated) => (Say::ApiKeyMissing.key().to_owned(), BTreeMap::new()),
            (None, AppError::Forbidden) => (Say::NoAccess.key().to_owned(), BTreeMap::new()),
            (None, _) => (Say::SomethingWentWrong.key().to_owned(), BTreeMap::new()),
        };
        let detail = match error {
            AppError::Unauthenticated => Say::ApiKeyMissing.render(locale),
            other => other.message(locale),
        };
        Self {
            problem_type: "about:blank".into(),
            title: StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error").into(),
            status,
            detail,
            key,
            args,
            code: text
                .and_then(partner_center_code)
                .or_else(|| errors.iter().find_map(|e| partner_center_code(&e.message))),
            errors: errors
                .iter()
                .map(|e| {
                    let (key, args) = key_and_args(&e.message);
                    FieldProblem { field: e.field.clone(), key, message: e.message.render(locale), args }
                })
                .collect(),
        }
    }

    pub fn response(error: &ApiError, locale: Locale) -> Response {
        let problem = Self::of(error, locale);
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response =
            (status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], body).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"cloudmarket\""));
        }
        response.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.code()));
        response
    }
}

/// The language a caller asked for with `Accept-Language`, if it named one we speak (the first
/// of ours by its weights).
pub fn accepted_language(headers: &axum::http::HeaderMap) -> Option<Locale> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut offers: Vec<(Locale, f32)> = value
        .split(',')
        .filter_map(|offer| {
            let mut parts = offer.trim().split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase();
            let weight =
                parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let locale = match primary {
                "tr" => Locale::Tr,
                "en" => Locale::En,
                _ => return None,
            };
            (weight > 0.0).then_some((locale, weight))
        })
        .collect();
    offers.sort_by(|a, b| b.1.total_cmp(&a.1));
    offers.first().map(|(locale, _)| *locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_its_fields_key_and_partner_center_code() {
        let error = AppError::Invalid(vec![
            FieldError::new("mpn_id", Say::MpnNotFound),
            FieldError::new(
                "tenant.domain",
                Say::TenantNotRelated { domain: "x.onmicrosoft.com".into(), code: crate::i18n::Code(20002) },
            ),
        ]);
        let problem = serde_json::to_value(Problem::of(&error.into(), Locale::Tr)).unwrap();
        assert_eq!(problem["status"], 422);
        assert_eq!(problem["type"], "about:blank");
        assert_eq!(problem["key"], "MpnNotFound");
        assert_eq!(problem["code"], 800015);
        assert!(problem["detail"].as_str().unwrap().contains("tanımıyor"), "{problem}");
        assert_eq!(problem["errors"][1]["field"], "tenant.domain");
        assert_eq!(problem["errors"][1]["args"]["code"], "20002");
    }

    #[test]
    fn languages_are_read_by_their_weights() {
        let headers = |value: &str| {
            let mut map = axum::http::HeaderMap::new();
            map.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(value).unwrap());
            map
        };
        assert_eq!(accepted_language(&headers("tr-TR,tr;q=0.9,en;q=0.8")), Some(Locale::Tr));
        assert_eq!(accepted_language(&headers("de, en;q=0.5, tr;q=0.7")), Some(Locale::Tr));
        assert_eq!(accepted_language(&headers("de")), None);
        assert_eq!(accepted_language(&headers("en-GB")), Some(Locale::En));
        assert_eq!(accepted_language(&axum::http::HeaderMap::new()), None);
    }
}
