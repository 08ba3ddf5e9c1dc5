//! GDAP at the sandbox: Microsoft's granular delegated admin relationships, asked for by the
//! partner's connector and approved by the customer's Global admin on an approval page. Time is
//! the marketplace's (`market_now()`), so a test or a demo that moves the sandbox clock sees
//! relationships end, auto-extend and requests lapse.
//!
//! Codes (documented in the README): 900201 a duration outside 1–730 days, 900202 auto-extend
//! with Global Administrator, 900203 a role that is not an Entra built-in role, 900204 no roles.

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use app::customers::gdap::{GLOBAL_ADMINISTRATOR, MAX_DAYS, ROLES, role_name};

use super::{error, escape, internal, missing_request_id, refuse_unrelated, request_id, titled_page};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRelationship {
    display_name: String,
    customer: CustomerRef,
    duration: String,
    auto_extend_duration: Option<String>,
    access_details: AccessDetails,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustomerRef {
    tenant_id: Uuid,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessDetails {
    unified_roles: Vec<UnifiedRole>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnifiedRole {
    role_definition_id: String,
}

/// `P30D` → 30.
fn days_of(duration: &str) -> Option<i32> {
    duration.strip_prefix('P')?.strip_suffix('D')?.parse().ok()
}

/// `POST /v1/gdap/relationships`: a relationship waiting for the customer's approval. The
/// MS-RequestId names it, so a retried call answers the same relationship.
pub async fn create(State(pool): State<PgPool>, headers: HeaderMap, Json(body): Json<NewRelationship>) -> Response {
    let Some(id) = request_id(&headers) else { return missing_request_id() };
    if let Some(refusal) = refuse_unrelated(&pool, body.customer.tenant_id).await {
        return refusal;
    }
    let Some(days) = days_of(&body.duration).filter(|d| (1..=MAX_DAYS).contains(d)) else {
        return error(StatusCode::BAD_REQUEST, 900201, "The duration must be between P1D and P730D.");
    };
    let roles: Vec<String> = body.access_details.unified_roles.into_iter().map(|r| r.role_definition_id).collect();
    if roles.is_empty() {
        return error(StatusCode::BAD_REQUEST, 900204, "At least one role is required.");
    }
    if roles.iter().any(|r| !ROLES.iter().any(|known| known.id == r)) {
        return error(StatusCode::BAD_REQUEST, 900203, "A role is not an Entra built-in role template.");
    }
    let auto_extend = body.auto_extend_duration.as_deref() == Some("P180D");
    if auto_extend && roles.iter().any(|r| r == GLOBAL_ADMINISTRATOR) {
        return error(
            StatusCode::BAD_REQUEST,
            900202,
            "Auto-extend is not allowed for a relationship that includes Global Administrator.",
        );
    }
    let inserted = sqlx::query!(
        "insert into sandbox.gdap_relationship (relationship_id, tenant_id, display_name, roles, duration_days, auto_extend)
         values ($1, $2, $3, $4, $5, $6) on conflict (relationship_id) do nothing",
        id,
        body.customer.tenant_id,
        body.display_name,
        &roles,
        days,
        auto_extend
    )
    .execute(&pool)
    .await;
    if let Err(err) = inserted {
        return internal(err);
    }
    match current(&pool, id).await {
        Ok(Some(relationship)) => (StatusCode::CREATED, Json(relationship)).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => internal(err),
    }
}

/// `GET /v1/gdap/relationships/{id}`.
pub async fn show(State(pool): State<PgPool>, Path(id): Path<Uuid>) -> Response {
    match current(&pool, id).await {
        Ok(Some(relationship)) => Json(relationship).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, 404, "The relationship was not found."),
        Err(err) => internal(err),
    }
}

/// The relationship as of now: a request unapproved for 90 days lapses, an active one past its
/// end auto-extends by 180 days (as often as needed) or expires.
async fn current(pool: &PgPool, id: Uuid) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query!(
        "update sandbox.gdap_relationship set status = 'expired'
         where relationship_id = $1 and status = 'approvalPending' and created_at + interval '90 days' <= market_now()",
        id
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        "update sandbox.gdap_relationship
         set end_at = end_at + interval '180 days' * ceil(extract(epoch from market_now() - end_at) / 86400.0 / 180)
         where relationship_id = $1 and status = 'active' and auto_extend and end_at <= market_now()",
        id
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        "update sandbox.gdap_relationship set status = 'expired'
         where relationship_id = $1 and status = 'active' and not auto_extend and end_at <= market_now()",
        id
    )
    .execute(pool)
    .await?;
    let row = sqlx::query!(
        "select relationship_id, status, end_at from sandbox.gdap_relationship where relationship_id = $1",
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        json!({
            "id": r.relationship_id,
            "status": r.status,
            "endDateTime": r.end_at.map(rfc3339),
        })
    }))
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// `GET /gdap/{id}`: the page the partner's approval link opens for the customer's Global admin,
/// standing in for the Microsoft 365 admin centre's.
pub async fn approval_page(State(pool): State<PgPool>, Path(id): Path<Uuid>) -> Response {
    let row = sqlx::query!(
        "select r.display_name, r.roles, r.duration_days, r.auto_extend, r.status, t.company_name
         from sandbox.gdap_relationship r join sandbox.tenant t using (tenant_id)
         where r.relationship_id = $1",
        id
    )
    .fetch_optional(&pool)
    .await;
    let row = match row {
        Ok(Some(row)) => row,
        Ok(None) => {
            return (StatusCode::NOT_FOUND, titled_page("GDAP", "<h1>Request not found</h1>")).into_response();
        }
        Err(err) => return internal(err),
    };
    let roles: String = row.roles.iter().map(|r| format!("<li>{}</li>", escape(role_name(r)))).collect();
    let action = if row.status == "approvalPending" {
        format!("<form method=\"post\" action=\"/sandbox/gdap/{id}\"><button type=\"submit\">Approve</button></form>")
    } else {
        format!("<p>Status: <strong>{}</strong></p>", escape(&row.status))
    };
    titled_page(
        "Approve admin relationship",
        &format!(
            "<h1>Approve admin relationship</h1><p><strong>{company}</strong>: {name} asks for these roles for \
             {days} days{extend}:</p><ul>{roles}</ul>{action}",
            company = escape(&row.company_name),
            name = escape(&row.display_name),
            days = row.duration_days,
            extend = if row.auto_extend { ", auto-extended by 180 days" } else { "" },
        ),
    )
    .into_response()
}

/// `POST /gdap/{id}`: the Global admin approves; the relationship runs from now for its duration.
pub async fn approve(State(pool): State<PgPool>, Path(id): Path<Uuid>) -> Response {
    let approved = sqlx::query!(
        "update sandbox.gdap_relationship
         set status = 'active', activated_at = market_now(), end_at = market_now() + make_interval(days => duration_days)
         where relationship_id = $1 and status = 'approvalPending'",
        id
    )
    .execute(&pool)
    .await;
    match approved {
        Ok(done) if done.rows_affected() == 1 => {
            Html(titled_page("Approved", "<h1>Approved</h1><p>The partner now has the roles you approved.</p>").0)
                .into_response()
        }
        Ok(_) => (StatusCode::CONFLICT, titled_page("GDAP", "<h1>This request cannot be approved any more</h1>"))
            .into_response(),
        Err(err) => internal(err),
    }
}
