//! Changing subscriptions at the sandbox, and the sandbox's clock.
//!
//! `PATCH …/subscriptions/{id}` sets a licence count or cancels, as Partner Center does, and
//! refuses a decrease once the seats were last added more than 168 hours ago (800090). The
//! clock (`GET`/`PUT /sandbox/clock`) moves the marketplace's time forward, so the 168-hour and
//! 7-day windows can be tried in a demo or a browser test without waiting a week.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use app::partner_center::codes;

use super::{error, internal, refuse_unrelated};

#[derive(Deserialize)]
pub(super) struct Patch {
    quantity: Option<i32>,
    status: Option<String>,
    /// The count a renewing term starts with: the 168-hour rule does not apply.
    #[serde(default)]
    renewal: bool,
}

pub(super) async fn update(
    State(pool): State<PgPool>,
    Path((tenant_id, subscription_id)): Path<(Uuid, Uuid)>,
    Json(patch): Json<Patch>,
) -> Response {
    if let Some(refusal) = refuse_unrelated(&pool, tenant_id).await {
        return refusal;
    }
    let cancel = match patch.status.as_deref() {
        None => false,
        Some("cancelled") => true,
        Some(_) => return error(StatusCode::BAD_REQUEST, 400, "Only the status “cancelled” can be set."),
    };
    if !cancel && !patch.quantity.is_some_and(|q| (1..=10_000).contains(&q)) {
        return error(StatusCode::BAD_REQUEST, 400, "Give a quantity from 1 to 10000, or the status “cancelled”.");
    }
    let result: Result<Response, sqlx::Error> = async {
        let mut tx = pool.begin().await?;
        let current = sqlx::query!(
            r#"select quantity, status::text as "status!", market_now() - seats_added_at < interval '168 hours' as "recent!"
               from sandbox.subscription where subscription_id = $1 and tenant_id = $2 for update"#,
            subscription_id,
            tenant_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = current else {
            return Ok(error(StatusCode::NOT_FOUND, codes::SUBSCRIPTION_NOT_FOUND, "The subscription was not found."));
        };
        if cancel {
            sqlx::query!("update sandbox.subscription set status = 'cancelled' where subscription_id = $1", subscription_id)
                .execute(&mut *tx)
                .await?;
        } else {
            let quantity = patch.quantity.unwrap_or(current.quantity);
            if current.status == "cancelled" {
                return Ok(error(StatusCode::BAD_REQUEST, 400, "The subscription is cancelled."));
            }
            if quantity < current.quantity && !current.recent && !patch.renewal {
                return Ok(error(
                    StatusCode::BAD_REQUEST,
                    codes::QUANTITY_DECREASE_WINDOW_PASSED,
                    "The quantity cannot be decreased: the seats were added more than 168 hours ago.",
                ));
            }
            sqlx::query!(
                "update sandbox.subscription set quantity = $2,
                        seats_added_at = case when $2 > quantity or $3 then market_now() else seats_added_at end
                 where subscription_id = $1",
                subscription_id,
                quantity,
                patch.renewal
            )
            .execute(&mut *tx)
            .await?;
        }
        let row = sqlx::query!(
            r#"select offer_id, quantity, status::text as "status!" from sandbox.subscription where subscription_id = $1"#,
            subscription_id
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Json(json!({ "id": subscription_id, "offerId": row.offer_id, "quantity": row.quantity, "status": row.status }))
            .into_response())
    }
    .await;
    result.unwrap_or_else(internal)
}

#[derive(Deserialize)]
pub(super) struct ClockMove {
    /// Hours the marketplace's clock runs ahead of the real one (0 puts it back).
    offset_hours: i64,
}

async fn clock_json(pool: &PgPool) -> Result<Response, sqlx::Error> {
    let row = sqlx::query!(
        r#"select market_now() as "now!", (extract(epoch from offset_by) / 3600)::bigint as "offset_hours!"
           from sandbox.clock"#
    )
    .fetch_one(pool)
    .await?;
    let now = row.now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    Ok(Json(json!({ "now": now, "offset_hours": row.offset_hours })).into_response())
}

pub(super) async fn clock(State(pool): State<PgPool>) -> Response {
    clock_json(&pool).await.unwrap_or_else(internal)
}

/// Moves the clock forward only, like a payment provider's test clock: moving it back would make
/// seats and charges recorded "later" lie in the future, and a refund window open again.
pub(super) async fn move_clock(
    State(pool): State<PgPool>,
    headers: axum::http::HeaderMap,
    Json(body): Json<ClockMove>,
) -> Response {
    if !(0..=24 * 400).contains(&body.offset_hours) {
        return error(StatusCode::BAD_REQUEST, 400, "The clock moves forward by 0 to 9600 hours.");
    }
    let moved = sqlx::query_scalar!(
        r#"update sandbox.clock set offset_by = make_interval(hours => $1)
           where offset_by <= make_interval(hours => $1)
           returning true as "moved!""#,
        body.offset_hours as i32
    )
    .fetch_optional(&pool)
    .await;
    match moved {
        Ok(Some(_)) => clock_json(&pool).await.unwrap_or_else(internal),
        Ok(None) => {
            let message = app::i18n::Msg::SandboxClockOnlyForward.text(crate::guard::locale(&headers));
            error(StatusCode::CONFLICT, 409, message)
        }
        Err(err) => internal(err),
    }
}
