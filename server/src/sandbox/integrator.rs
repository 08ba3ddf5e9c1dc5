//! The sandbox integrator: stands in for a GİB-licensed e-Fatura integrator's REST API, the one
//! `app::gib::integrator::RestIntegrator` speaks (see there), with basic authentication (any
//! username and password; none is refused with 401, like a real integrator).
//!
//! Fixtures, by the buyer's tax number:
//! - `9000000001`: refused on sending (code 1160, "the receiver is not a registered e-Fatura user"),
//!   as GİB refuses an e-Fatura to a buyer who is not registered;
//! - `9000000002`: a TICARIFATURA the buyer rejects (RED) within its 8 days;
//! - anyone else: delivered at once; a TICARIFATURA is accepted by its buyer at the second look.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine as _;
use sqlx::PgPool;
use uuid::Uuid;

use app::gib::integrator::{RefusalBody, RemoteState, SendRequest, StatusBody};

/// The buyer the integrator refuses: not registered for e-Fatura at GİB.
pub const UNREGISTERED_RECEIVER: &str = "9000000001";
/// The buyer who rejects its TICARIFATURA invoices.
pub const REJECTING_RECEIVER: &str = "9000000002";

pub fn router(pool: PgPool) -> Router {
    Router::new()
        .route("/integrator/v1/invoices", post(receive))
        .route("/integrator/v1/invoices/{ettn}", get(status))
        .with_state(pool)
}

/// Basic authentication with a non-empty username, as every integrator wants.
fn authorised(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|encoded| base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .is_some_and(|pair| pair.split_once(':').is_some_and(|(user, _)| !user.is_empty()))
}

fn refused(code: &str, message: &str) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(RefusalBody { code: code.into(), message: message.into() })).into_response()
}

fn internal(err: sqlx::Error) -> Response {
    tracing::error!(error = %err, "sandbox integrator");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn unauthorised() -> Response {
    (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Basic realm=\"integrator\"")]).into_response()
}

async fn receive(State(pool): State<PgPool>, headers: HeaderMap, body: Option<Json<SendRequest>>) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let Some(Json(request)) = body else {
        return refused("1100", "Belge okunamadı / The request could not be read.");
    };
    if !["EARSIVFATURA", "TEMELFATURA", "TICARIFATURA"].contains(&request.profile.as_str()) {
        return refused("1110", "Senaryo desteklenmiyor / The profile is not supported.");
    }
    // The document must be the one it claims to be.
    if !request.document.contains(&format!("<cbc:UUID>{}</cbc:UUID>", request.ettn.to_string().to_uppercase()))
        || !request.document.contains(&format!("<cbc:ID>{}</cbc:ID>", request.invoice_number))
    {
        return refused(
            "1150",
            "ETTN ya da fatura numarası belgeyle uyuşmuyor / The ETTN or number does not match the document.",
        );
    }
    if request.receiver == UNREGISTERED_RECEIVER && request.profile != "EARSIVFATURA" {
        return refused(
            "1160",
            "Alıcı e-Fatura sistemine kayıtlı kullanıcı değil / The receiver is not a registered e-Fatura user.",
        );
    }
    let stored = sqlx::query!(
        "insert into sandbox.integrator_document (ettn, invoice_number, profile, receiver_vkn, xml)
         values ($1, $2, $3, $4, $5) on conflict (ettn) do nothing",
        request.ettn,
        request.invoice_number,
        request.profile,
        request.receiver,
        request.document
    )
    .execute(&pool)
    .await;
    match stored {
        Ok(_) => (
            StatusCode::CREATED,
            Json(StatusBody { ettn: request.ettn, status: RemoteState::Sent, code: None, message: None }),
        )
            .into_response(),
        Err(err) => internal(err),
    }
}

async fn status(State(pool): State<PgPool>, headers: HeaderMap, Path(ettn): Path<String>) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let Ok(ettn) = ettn.parse::<Uuid>() else { return refused("1140", "Belge bulunamadı / No such document.") };
    let document = sqlx::query!(
        "update sandbox.integrator_document set polls = polls + 1 where ettn = $1 returning profile, receiver_vkn, polls",
        ettn
    )
    .fetch_optional(&pool)
    .await;
    let document = match document {
        Ok(Some(document)) => document,
        Ok(None) => return refused("1140", "Belge bulunamadı / No such document."),
        Err(err) => return internal(err),
    };
    let (status, code, message) = match (document.profile.as_str(), document.polls) {
        ("TICARIFATURA", 2..) if document.receiver_vkn == REJECTING_RECEIVER => (
            RemoteState::Rejected,
            Some("RED".to_owned()),
            Some(
                "Alıcı faturayı reddetti: hizmet dönemi hatalı / The buyer rejected the invoice: wrong service period."
                    .to_owned(),
            ),
        ),
        ("TICARIFATURA", 2..) => (RemoteState::Accepted, Some("KABUL".to_owned()), None),
        _ => (RemoteState::Delivered, None, None),
    };
    Json(StatusBody { ettn, status, code, message }).into_response()
}
