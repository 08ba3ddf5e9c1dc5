//! The invoicing feature's plain HTTP routes (server only): an invoice's archived UBL-TR XML as a
//! download, for its partner and for credit control. `server/src/startup.rs` merges them.

use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::ssr;
use crate::{
    auth::{Permission, Role, ssr::SignedIn},
    domain::InvoiceNumber,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cp/billing/invoices/{number}/xml", get(invoice_xml))
        .route("/backoffice/invoices/{number}/xml", get(invoice_xml))
}

/// `GET …/invoices/{number}/xml`: the document exactly as issued and archived (never written
/// anew), for its partner or credit control (the rule of the invoice page).
async fn invoice_xml(State(state): State<AppState>, signed_in: SignedIn, Path(number): Path<String>) -> Response {
    let Some(user) = signed_in.holding(Permission::ViewStatement) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let not_found = || (StatusCode::NOT_FOUND, "That invoice was not found.").into_response();
    let Ok(number) = number.parse::<InvoiceNumber>() else { return not_found() };
    // A partner sees only its own invoices.
    let partner = (user.role == Role::PartnerAdmin).then_some(user.organisation_id);
    match ssr::document_xml(&state.pool, &number, partner).await {
        Ok(Some(xml)) => (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{number}.xml\"")),
            ],
            xml,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(err) => {
            tracing::error!(error = %err, "reading an invoice's document");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
