//! The sandbox's stand-in for Entra ID: a token endpoint like
//! `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`, and the check every `/v1` call
//! passes, so the marketplace runs authenticated in the demo and the tests as against Microsoft.
//!
//! Its tokens are JWTs signed with HS256 under a key in this file: the sandbox stands in for
//! Microsoft and guards nothing real, and any process serving the sandbox checks any other's
//! tokens. Fixtures (the README lists them): the app and refresh tokens in
//! `app::partner_center::auth::sandbox`; a refresh token consented without MFA gets tokens that
//! App+User calls refuse with 900421; `POST /sandbox/tokens/revoke` makes every token
//! issued so far invalid, as a revocation or a clock skew would.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use axum::{
    Form, Json,
    extract::{Path, Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use app::partner_center::{
    ErrorBody,
    auth::{AUDIENCE, sandbox},
    codes,
};

const SIGNING_KEY: &[u8] = b"cloudmarket sandbox: stands in for Entra ID, guards nothing real";
/// Tokens live an hour, as Entra's do by default.
const LIFETIME_SECS: i64 = 3600;

/// Which tokens are still good: those issued since the last revocation.
#[derive(Clone, Default)]
pub struct Entra {
    generation: Arc<AtomicU64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    aud: String,
    tid: String,
    appid: String,
    /// `app` for client credentials, `user` for App+User.
    idtyp: String,
    /// How the user signed in: `mfa` among them when with multi-factor authentication.
    amr: Vec<String>,
    iat: i64,
    exp: i64,
    /// The sandbox's own: the revocation generation the token was issued in.
    generation: u64,
}

fn signature(signed: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SIGNING_KEY).expect("HMAC takes a key of any length");
    mac.update(signed.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

fn issue(claims: &Claims) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialise"));
    let signed = format!("{header}.{payload}");
    let signature = signature(&signed);
    format!("{signed}.{signature}")
}

/// The claims of a token this sandbox signed, or `None` for anything else.
fn verify(token: &str) -> Option<Claims> {
    let (signed, given) = token.rsplit_once('.')?;
    let expected = signature(signed);
    if !crate::guard::same_secret(given.as_bytes(), expected.as_bytes()) {
        return None;
    }
    let (_, payload) = signed.split_once('.')?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[derive(Deserialize)]
pub struct TokenRequest {
    grant_type: String,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
    refresh_token: Option<String>,
}

/// Entra's refusal: `{"error": …, "error_description": "AADSTS…: …"}`.
fn refusal(status: StatusCode, error: &str, description: &str) -> Response {
    (status, Json(json!({ "error": error, "error_description": description }))).into_response()
}

/// `POST /sandbox/entra/{tenant}/oauth2/v2.0/token` (form-encoded): client credentials give an
/// app-only token, a refresh token an App+User one.
pub async fn token(State(entra): State<Entra>, Path(tenant): Path<String>, Form(form): Form<TokenRequest>) -> Response {
    if !tenant.eq_ignore_ascii_case(sandbox::TENANT) {
        return refusal(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("AADSTS90002: Tenant '{tenant}' not found. The sandbox's tenant is {}.", sandbox::TENANT),
        );
    }
    let known_app = form.client_id.as_deref() == Some(sandbox::APP_ID)
        && form
            .client_secret
            .as_deref()
            .is_some_and(|secret| crate::guard::same_secret(secret.as_bytes(), sandbox::APP_SECRET.as_bytes()));
    if !known_app {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "AADSTS7000215: Invalid client secret provided, or no such application in the tenant.",
        );
    }
    if form.scope.as_deref() != Some(&format!("{AUDIENCE}/.default")) {
        return refusal(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("AADSTS70011: The provided scope is not valid: ask for {AUDIENCE}/.default."),
        );
    }
    let (idtyp, amr) = match (form.grant_type.as_str(), form.refresh_token.as_deref()) {
        ("client_credentials", _) => ("app", vec![]),
        ("refresh_token", Some(sandbox::REFRESH_TOKEN)) => ("user", vec!["pwd".to_owned(), "mfa".to_owned()]),
        ("refresh_token", Some(sandbox::REFRESH_TOKEN_WITHOUT_MFA)) => ("user", vec!["pwd".to_owned()]),
        ("refresh_token", _) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "AADSTS70008: The provided refresh token has expired or is not valid. Consent again.",
            );
        }
        (other, _) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("AADSTS70003: The grant type '{other}' is not supported."),
            );
        }
    };
    let issued = now();
    let claims = Claims {
        aud: AUDIENCE.to_owned(),
        tid: sandbox::TENANT.to_owned(),
        appid: sandbox::APP_ID.to_owned(),
        idtyp: idtyp.to_owned(),
        amr,
        iat: issued,
        exp: issued + LIFETIME_SECS,
        generation: entra.generation.load(Ordering::SeqCst),
    };
    Json(json!({ "token_type": "Bearer", "expires_in": LIFETIME_SECS, "access_token": issue(&claims) })).into_response()
}

fn unauthorized(code: i64, description: &str) -> Response {
    (StatusCode::UNAUTHORIZED, Json(ErrorBody { code, description: description.to_owned() })).into_response()
}

/// Every `/v1` call needs a current token for Partner Center; calls that change a customer's
/// tenant, agreements, orders or subscriptions need an App+User token with MFA, as Microsoft's do.
/// Reads (and `validateresellers`, a read sent as a POST) take an app-only token.
pub async fn require_token(State(entra): State<Entra>, request: Request, next: Next) -> Response {
    let Some(token) = crate::guard::bearer(request.headers()) else {
        return unauthorized(401, "The request has no access token (Authorization: Bearer).");
    };
    let Some(claims) = verify(token) else {
        return unauthorized(401, "The access token is not valid.");
    };
    if claims.aud != AUDIENCE {
        return unauthorized(401, &format!("The access token is for {}, not {AUDIENCE}.", claims.aud));
    }
    if claims.exp <= now() || claims.generation < entra.generation.load(Ordering::SeqCst) {
        return unauthorized(401, "The access token has expired or was revoked.");
    }
    // `validateresellers` is a POST only to carry its list of Partner IDs: it reads, and the
    // nightly check makes it with the app's own token.
    let reads = request.uri().path().ends_with("/v1/partners/validateresellers");
    let needs_user = !matches!(*request.method(), Method::GET | Method::HEAD) && !reads;
    if needs_user && claims.idtyp != "user" {
        return (
            StatusCode::FORBIDDEN,
            Json(ErrorBody {
                code: 403,
                description: "This operation needs App+User authentication; an app-only token was given.".to_owned(),
            }),
        )
            .into_response();
    }
    if needs_user && !claims.amr.iter().any(|m| m == "mfa") {
        return unauthorized(
            codes::MFA_REQUIRED,
            "Multi-factor authentication is required: the access token has no MFA claim. A partner admin must \
             consent again, signing in with MFA.",
        );
    }
    next.run(request).await
}

/// `POST /sandbox/tokens/revoke`: every token issued so far stops working.
pub async fn revoke(State(entra): State<Entra>) -> StatusCode {
    entra.generation.fetch_add(1, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            aud: AUDIENCE.to_owned(),
            tid: sandbox::TENANT.to_owned(),
            appid: sandbox::APP_ID.to_owned(),
            idtyp: "app".to_owned(),
            amr: vec![],
            iat: 0,
            exp: i64::MAX,
            generation: 0,
        }
    }

    #[test]
    fn a_token_verifies_and_a_changed_one_does_not() {
        let token = issue(&claims());
        assert_eq!(verify(&token).map(|c| c.idtyp), Some("app".to_owned()));
        // The same claims with `user` put in by hand: the signature no longer matches.
        let (header, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let forged =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&Claims { idtyp: "user".to_owned(), ..claims() }).unwrap());
        assert!(verify(&format!("{header}.{forged}.{signature}")).is_none());
        assert!(verify("not a token").is_none());
    }
}
