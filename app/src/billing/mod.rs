//! Billing (SPEC J): charges from subscription events, monthly statements per partner with KDV,
//! credit usage, and the partners' retail markups.

mod backoffice_page;
mod billing_page;
mod chart;
pub mod mails;
mod price_list_page;
mod prices_page;
#[cfg(feature = "ssr")]
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;
mod statement_page;

pub use backoffice_page::{PartnerBillingPage, StatementsPage};
pub use billing_page::BillingPage;
pub use chart::CreditGauge;
pub use price_list_page::PriceListPage;
pub use prices_page::PricesPage;
pub use statement_page::StatementPage;

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::{error::AppError, i18n::Msg};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type, utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "charge_kind", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    Purchase,
    Increase,
    Renewal,
    Refund,
    /// A month of an annual term billed monthly, after the first (the purchase or renewal).
    Month,
}

impl ChargeKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Purchase => "purchase",
            Self::Increase => "increase",
            Self::Renewal => "renewal",
            Self::Refund => "refund",
            Self::Month => "month",
        }
    }

    pub fn label(self) -> Msg {
        match self {
            Self::Purchase => Msg::ChargePurchase,
            Self::Increase => Msg::ChargeIncrease,
            Self::Renewal => Msg::ChargeRenewal,
            Self::Refund => Msg::Refund,
            Self::Month => Msg::ChargeMonth,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type, utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "statement_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum StatementStatus {
    Unpaid,
    Paid,
}

impl StatementStatus {
    pub fn label(self) -> Msg {
        match self {
            Self::Unpaid => Msg::Unpaid,
            Self::Paid => Msg::Paid,
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            Self::Unpaid => "badge warn",
            Self::Paid => "badge ok",
        }
    }
}

/// Where a partner's credit goes (all net of VAT, like the limit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditUsage {
    pub partner_name: String,
    pub credit_limit: Decimal,
    pub unpaid_statements: Decimal,
    pub unbilled_charges: Decimal,
    /// Orders not provisioned yet, at term value.
    pub open_orders: Decimal,
    pub available: Decimal,
    pub currency: crate::domain::Currency,
}

/// What a partner was charged in one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSpend {
    pub month: Date,
    pub amount: Decimal,
    /// The same month a year before, for the comparison.
    pub year_before: Decimal,
}

/// What one customer's subscriptions were charged this month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSpend {
    pub customer_name: String,
    pub amount: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementSummary {
    pub statement_number: crate::domain::StatementNumber,
    pub partner_name: String,
    pub period: Date,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    pub currency: crate::domain::Currency,
    pub status: StatementStatus,
    pub issued_at: OffsetDateTime,
    pub paid_at: Option<OffsetDateTime>,
    pub payment_reference: Option<String>,
}

/// One charge as statements and the unbilled list show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub customer_name: String,
    pub description: String,
    pub kind: ChargeKind,
    pub service_start: Date,
    pub service_end: Date,
    pub quantity: i32,
    pub amount: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementDetail {
    pub summary: StatementSummary,
    /// By customer, then subscription.
    pub lines: Vec<StatementLine>,
}

/// The partner's billing at a glance (Billing; credit control sees the same per partner).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingOverview {
    pub usage: CreditUsage,
    /// The last twelve months, oldest first, the current one included.
    pub spend: Vec<MonthSpend>,
    /// This month's charges by customer, largest first.
    pub by_customer: Vec<CustomerSpend>,
    pub statements: Vec<StatementSummary>,
    /// Charges not on a statement yet.
    pub unbilled: Vec<StatementLine>,
}

/// A product with the distributor's prices and the partner's markup on them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRow {
    pub product_id: crate::domain::ProductId,
    pub sku: String,
    pub name: String,
    pub monthly: Decimal,
    pub annual: Decimal,
    /// A month of an annual term billed monthly, where the product is sold so.
    pub annual_monthly: Option<Decimal>,
    pub markup_percent: Decimal,
    pub currency: crate::domain::Currency,
}

/// The signed-in partner's billing: credit usage, monthly spend, statements, unbilled charges.
#[server(prefix = "/api", endpoint = "billing")]
pub async fn get_billing() -> Result<BillingOverview, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::Resell).await?;
    ssr::overview(&state.pool, user.organisation_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::YourPartnerAccountNotFound))
}

/// Credit control's view of one partner's billing.
#[server(prefix = "/api", endpoint = "partner_billing")]
pub async fn get_partner_billing(partner_id: crate::domain::PartnerId) -> Result<BillingOverview, AppError> {
    let (_, state) = crate::auth::ssr::caller(crate::auth::Permission::ControlCredit).await?;
    ssr::overview(&state.pool, partner_id.get())
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::PartnerNotFound))
}

/// One statement with its lines: a partner sees only its own, credit control any.
#[server(prefix = "/api", endpoint = "statement")]
pub async fn get_statement(statement_number: crate::domain::StatementNumber) -> Result<StatementDetail, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::ViewStatement).await?;
    let partner = (user.role == Role::PartnerAdmin).then_some(user.organisation_id);
    ssr::statement(&state.pool, statement_number, partner)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::StatementNotFound))
}

/// Every partner's statements, unpaid first (credit control).
#[server(prefix = "/api", endpoint = "statements")]
pub async fn list_statements() -> Result<Vec<StatementSummary>, AppError> {
    let (_, state) = crate::auth::ssr::caller(crate::auth::Permission::ControlCredit).await?;
    Ok(ssr::all_statements(&state.pool).await?)
}

/// Credit control records the wire transfer that paid a statement.
#[server(prefix = "/api", endpoint = "record_payment")]
pub async fn record_payment(
    statement_number: crate::domain::StatementNumber,
    reference: String,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::ControlCredit).await?;
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > 100 {
        return Err(AppError::invalid("reference", crate::i18n::Say::GiveTransferReference { max: 100 }));
    }
    ssr::record_payment(&state.pool, &user, statement_number, reference).await?;
    // Without JavaScript the framework answers with a redirect back to the page that posted:
    // the statements list or the statement itself.
    Ok(())
}

/// Credit control runs billing for a month now (it also runs by itself on the 1st). Running it
/// again, or twice at once, issues nothing twice. Returns how many statements were issued.
#[server(prefix = "/api", endpoint = "run_billing")]
pub async fn run_billing(period: String) -> Result<usize, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::ControlCredit).await?;
    let period = rules::parse_period(&period).map_err(|m| AppError::invalid("period", m))?;
    let issued = ssr::bill_period(&state.pool, period).await?;
    crate::audit::record(
        &state.pool,
        crate::audit::AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "billing.run",
            target_type: "period",
            target_id: period.to_string(),
            detail: serde_json::json!({ "issued": issued }),
        },
    )
    .await?;
    crate::auth::ssr::redirect_plain_form("/backoffice/statements");
    Ok(issued)
}

/// One line of a price list import as its preview shows it: the change it makes, or what is wrong
/// with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceListLine {
    /// As an editor numbers the pasted text's lines.
    pub line: usize,
    /// The line as written.
    pub text: String,
    pub change: Option<PriceChange>,
    pub error: Option<crate::i18n::Text>,
}

/// A price a valid line sets, beside the one in effect on its date before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceChange {
    pub sku: String,
    pub product_name: String,
    pub cycle: crate::domain::BillingCycle,
    /// In effect on `effective_from` as the list stands; none for a product's first price there.
    pub current: Option<Decimal>,
    pub new_price: Decimal,
    pub currency: crate::domain::Currency,
    pub effective_from: Date,
    /// "Annual, billed monthly" worked out from the line's annual price (1.05 × annual ÷ 12),
    /// because the list did not give it.
    pub derived: bool,
}

/// What a price list would change, line by line; saves nothing (credit control).
#[server(prefix = "/api", endpoint = "preview_price_list")]
pub async fn preview_price_list(csv: String) -> Result<Vec<PriceListLine>, AppError> {
    let (_, state) = crate::auth::ssr::caller(crate::auth::Permission::ControlCredit).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(ssr::price_list(&mut conn, &csv).await?)
}

/// Applies a price list in one transaction, audited, or nothing of it when a line is wrong
/// (credit control). Returns how many prices were set.
#[server(prefix = "/api", endpoint = "import_price_list")]
pub async fn import_price_list(csv: String) -> Result<usize, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::ControlCredit).await?;
    let applied = ssr::import_price_list(&state.pool, &user, &csv).await?;
    crate::auth::ssr::redirect_plain_form(&format!("/backoffice/price-list?applied={applied}"));
    Ok(applied)
}

/// The catalog with the partner's markups.
#[server(prefix = "/api", endpoint = "my_prices")]
pub async fn my_prices() -> Result<Vec<PriceRow>, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::Resell).await?;
    Ok(ssr::prices(&state.pool, user.organisation_id).await?)
}

/// Sets the partner's markup on a product: its customers see the marked-up price.
#[server(prefix = "/api", endpoint = "set_markup")]
pub async fn set_markup(product_id: crate::domain::ProductId, markup: String) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::Resell).await?;
    let markup = rules::parse_markup(&markup).map_err(|m| AppError::invalid("markup", m))?;
    ssr::set_markup(&state.pool, &user, product_id, markup).await?;
    crate::auth::ssr::redirect_plain_form("/cp/billing/prices");
    Ok(())
}
