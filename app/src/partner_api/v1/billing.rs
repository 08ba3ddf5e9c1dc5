//! Billing: what uses the partner's credit and what is available, the charges not on a
//! statement yet, and the monthly statements (JSON, and CSV as Billing's download writes it).

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    caller::ApiCaller,
    extract::{ApiPath, ApiQuery},
    problem::ApiResult,
    wire::{Limit, Money, Page, iso, iso_date, number_cursor},
};
use crate::{
    billing::{ChargeKind, StatementLine, StatementStatus},
    domain::{Currency, StatementNumber},
    error::AppError,
    i18n::Say,
    partner_api::{ApiScope, ssr::lists},
    state::AppState,
};

/// Where the partner's credit goes (net of VAT, like the limit).
#[derive(Serialize, ToSchema)]
pub struct Credit {
    pub credit_limit: Money,
    pub unpaid_statements: Money,
    pub unbilled_charges: Money,
    /// Orders not provisioned yet, at term value.
    pub open_orders: Money,
    /// What a new order may use before it waits for credit approval.
    pub available: Money,
}

/// What the partner's credit is used by, and what is available.
#[utoipa::path(
    get,
    path = "/api/v1/billing/credit",
    tag = "billing",
    operation_id = "getCredit",
    responses((status = 200, description = "The partner's credit", body = Credit))
)]
pub async fn get_credit(caller: ApiCaller, State(state): State<AppState>) -> ApiResult<Json<Credit>> {
    caller.require(ApiScope::Billing)?;
    let usage = crate::billing::ssr::usage(&state.pool, caller.partner_id())
        .await?
        .ok_or_else(|| AppError::not_found(Say::YourPartnerAccountNotFound))?;
    let money = |amount| Money::new(amount, usage.currency);
    Ok(Json(Credit {
        credit_limit: money(usage.credit_limit),
        unpaid_statements: money(usage.unpaid_statements),
        unbilled_charges: money(usage.unbilled_charges),
        open_orders: money(usage.open_orders),
        available: money(usage.available),
    }))
}

/// One charge: a purchase, a licence increase (prorated), a renewal or a refund (negative).
#[derive(Serialize, ToSchema)]
pub struct Charge {
    pub customer_name: String,
    pub description: String,
    pub kind: ChargeKind,
    /// The first day of the service charged, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub service_start: String,
    /// The day after the last one charged, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub service_end: String,
    pub quantity: i32,
    pub amount: Money,
}

fn charge(line: StatementLine, currency: Currency) -> Charge {
    Charge {
        customer_name: line.customer_name,
        description: line.description,
        kind: line.kind,
        service_start: iso_date(line.service_start),
        service_end: iso_date(line.service_end),
        quantity: line.quantity,
        amount: Money::new(line.amount, currency),
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnbilledCharges {
    /// By customer, then subscription.
    pub charges: Vec<Charge>,
    /// Their sum, net of VAT.
    pub total: Money,
}

/// The charges since the last statement: what the next statement will hold.
#[utoipa::path(
    get,
    path = "/api/v1/billing/unbilled-charges",
    tag = "billing",
    operation_id = "listUnbilledCharges",
    responses((status = 200, description = "The charges not on a statement yet", body = UnbilledCharges))
)]
pub async fn unbilled_charges(caller: ApiCaller, State(state): State<AppState>) -> ApiResult<Json<UnbilledCharges>> {
    caller.require(ApiScope::Billing)?;
    let usage = crate::billing::ssr::usage(&state.pool, caller.partner_id())
        .await?
        .ok_or_else(|| AppError::not_found(Say::YourPartnerAccountNotFound))?;
    let lines = crate::billing::ssr::lines(&state.pool, caller.partner_id(), None).await?;
    let total = lines.iter().map(|l| l.amount).sum();
    Ok(Json(UnbilledCharges {
        charges: lines.into_iter().map(|l| charge(l, usage.currency)).collect(),
        total: Money::new(total, usage.currency),
    }))
}

/// A monthly statement.
#[derive(Serialize, ToSchema)]
pub struct StatementItem {
    pub statement_number: i64,
    /// The month billed: its first day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub period: String,
    pub subtotal: Money,
    /// KDV, 20 %.
    pub vat: Money,
    pub total: Money,
    pub status: StatementStatus,
    #[schema(format = DateTime)]
    pub issued_at: String,
    #[schema(format = DateTime)]
    pub paid_at: Option<String>,
}

/// A statement with its lines, by customer and subscription.
#[derive(Serialize, ToSchema)]
pub struct Statement {
    #[serde(flatten)]
    pub item: StatementItem,
    pub lines: Vec<Charge>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementCursor {
    /// The `next_cursor` of the page before: the last statement number seen.
    #[param(minimum = 1)]
    pub cursor: Option<i64>,
}

/// The partner's statements, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/billing/statements",
    tag = "billing",
    operation_id = "listStatements",
    params(StatementCursor, Limit),
    responses((status = 200, description = "A page of statements", body = Page<StatementItem>))
)]
pub async fn list_statements(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiQuery(cursor): ApiQuery<StatementCursor>,
    ApiQuery(limit): ApiQuery<Limit>,
) -> ApiResult<Json<Page<StatementItem>>> {
    caller.require(ApiScope::Billing)?;
    let limit = limit.get()?;
    let rows = lists::statements(&state.pool, caller.partner_id(), number_cursor(cursor.cursor)?, limit).await?;
    let items = rows
        .into_iter()
        .map(|r| StatementItem {
            statement_number: r.statement_number,
            period: iso_date(r.period),
            subtotal: Money::new(r.subtotal, r.currency),
            vat: Money::new(r.vat, r.currency),
            total: Money::new(r.total, r.currency),
            status: r.status,
            issued_at: iso(r.issued_at),
            paid_at: r.paid_at.map(iso),
        })
        .collect();
    Ok(Json(Page::of(items, limit, |s| s.statement_number.to_string())))
}

async fn statement_of(state: &AppState, caller: &ApiCaller, number: i64) -> ApiResult<crate::billing::StatementDetail> {
    crate::billing::ssr::statement(&state.pool, StatementNumber(number), Some(caller.partner_id()))
        .await?
        .ok_or_else(|| AppError::not_found(Say::StatementNotFound).into())
}

/// One statement with its lines.
#[utoipa::path(
    get,
    path = "/api/v1/billing/statements/{statement_number}",
    tag = "billing",
    operation_id = "getStatement",
    params(("statement_number" = i64, Path, description = "The statement's number", minimum = 1)),
    responses((status = 200, description = "The statement", body = Statement))
)]
pub async fn get_statement(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(number): ApiPath<i64>,
) -> ApiResult<Json<Statement>> {
    caller.require(ApiScope::Billing)?;
    let detail = statement_of(&state, &caller, number).await?;
    let s = detail.summary;
    let currency = s.currency;
    Ok(Json(Statement {
        item: StatementItem {
            statement_number: s.statement_number.get(),
            period: iso_date(s.period),
            subtotal: Money::new(s.subtotal, currency),
            vat: Money::new(s.vat, currency),
            total: Money::new(s.total, currency),
            status: s.status,
            issued_at: iso(s.issued_at),
            paid_at: s.paid_at.map(iso),
        },
        lines: detail.lines.into_iter().map(|l| charge(l, currency)).collect(),
    }))
}

/// One statement as CSV: the file Billing's "Download CSV" gives (ISO dates, a decimal point).
#[utoipa::path(
    get,
    path = "/api/v1/billing/statements/{statement_number}/csv",
    tag = "billing",
    operation_id = "getStatementCsv",
    params(("statement_number" = i64, Path, description = "The statement's number", minimum = 1)),
    responses((status = 200, description = "The statement as CSV", body = String, content_type = "text/csv"))
)]
pub async fn get_statement_csv(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(number): ApiPath<i64>,
) -> ApiResult<Response> {
    caller.require(ApiScope::Billing)?;
    let detail = statement_of(&state, &caller, number).await?;
    let mut response = crate::billing::rules::statement_csv(&detail).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"statement-{number}.csv\"")) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}
