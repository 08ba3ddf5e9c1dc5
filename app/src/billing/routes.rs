//! The billing feature's plain HTTP routes (server only): a statement as a CSV download, from
//! the partner's billing and from the back office. `server/src/startup.rs` merges them.

use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::{rules, ssr};
use crate::{
    auth::{Permission, Role, ssr::SignedIn},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cp/billing/statements/{number}/csv", get(statement_csv))
        .route("/backoffice/statements/{number}/csv", get(statement_csv))
}

/// `GET …/statements/{number}/csv`: the statement as a CSV download, for its partner or credit
/// control (the same rule as the statement page).
async fn statement_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(number): Path<crate::domain::StatementNumber>,
) -> Response {
    let Some(user) = signed_in.holding(Permission::ViewStatement) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    // A partner sees only its own statements.
    let partner = (user.role == Role::PartnerAdmin).then_some(user.organisation_id);
    match ssr::statement(&state.pool, number, partner).await {
        Ok(Some(detail)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"statement-{number}.csv\"")),
            ],
            rules::statement_csv(&detail),
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "That statement was not found.").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "reading a statement for its CSV");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
