//! Invoices a Turkish distributor can issue (issue #21): each monthly statement (USD, KDV 20 %)
//! becomes an e-Fatura or e-Arşiv invoice in UBL-TR 1.2, converted to TRY at the TCMB rate in
//! force (or the partner's agreed rate), numbered gaplessly per series and year, archived as
//! issued and sent through the integrator; refunds become return (IADE) invoices of their own, and
//! a payment at a higher rate gives an exchange-difference (kur farkı) invoice.
//!
//! The pages keep their browser code small: the invoice itself is written on the server, in the
//! reader's language (`document`), and arrives as HTML; the lists and forms are plain views.

#[cfg(feature = "ssr")]
pub mod document;
#[cfg(feature = "ssr")]
mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod ubl;
mod views;

pub use views::{InvoicePage, InvoicesPage, MyInvoicesPage, PartnerInvoicingPage, RatesPage};

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

#[cfg(feature = "ssr")]
use crate::auth::{Permission, Role};
use crate::{
    domain::{
        Currency, InvoiceKind, InvoiceNumber, InvoiceProfile, InvoiceStatus, PartnerId, RateBasis, RateSource,
        StatementNumber,
    },
    error::AppError,
    i18n::Text,
};

/// The currencies whose TCMB rates are kept (and can be entered by hand): those TCMB quotes per
/// one unit. The same list as `gib::tcmb::CURRENCIES`, which the server reads bulletins with.
pub const RATE_CURRENCIES: [&str; 3] = ["USD", "EUR", "GBP"];

/// A page written on the server in the reader's language (see `pages`): its document title and
/// its body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerPage {
    pub title: String,
    pub html: String,
}

/// One invoice in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub invoice_number: InvoiceNumber,
    pub kind: InvoiceKind,
    pub profile: InvoiceProfile,
    pub partner_name: String,
    pub issue_date: Date,
    pub currency: Currency,
    pub total: Decimal,
    pub total_try: Decimal,
    pub status: InvoiceStatus,
    pub statement_number: Option<StatementNumber>,
}

/// One invoice: its summary and the document itself, written on the server in the reader's
/// language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub summary: InvoiceSummary,
    /// The printable invoice (HTML, every value escaped on the server).
    pub html: String,
    /// What is still to be paid on a sales invoice (USD), for credit control's payment form.
    pub outstanding: Option<Decimal>,
    /// The integrator's or GİB's message with the status (a rejection's reason).
    pub status_message: Option<String>,
}

/// A statement that was not invoiced by a run, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub statement_number: StatementNumber,
    pub partner_name: String,
    pub reason: Text,
}

/// What "Issue invoices" did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueOutcome {
    pub issued: Vec<InvoiceNumber>,
    pub skipped: Vec<Skipped>,
}

/// A party's tax identity as invoices name it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxDetails {
    pub name: String,
    pub tax_number: String,
    pub tax_office: String,
    pub address: String,
    pub district: String,
    pub city: String,
}

/// One day's rates of a currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRow {
    pub currency: Currency,
    pub rate_date: Date,
    pub buying: Decimal,
    pub selling: Decimal,
    pub source: RateSource,
    pub bulletin: Option<String>,
}

/// Credit control's exchange-rate page: the settings, the distributor's own tax identity, the
/// rate in force today (or the day it is missing for) and the last rates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatesOverview {
    pub e_invoice_series: String,
    pub e_archive_series: String,
    pub rate_basis: RateBasis,
    pub distributor: TaxDetails,
    pub today: Date,
    /// The USD rate invoices issued today take, or the business day whose bulletin is missing.
    pub in_force: Result<RateRow, Date>,
    pub rates: Vec<RateRow>,
    pub feed: String,
}

/// A partner's invoicing details (credit control).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerInvoicing {
    pub partner_id: PartnerId,
    pub details: TaxDetails,
    pub invoice_profile: InvoiceProfile,
    pub agreed_rate: Option<Decimal>,
}

/// Invoices: credit control sees every partner's, a partner its own.
#[server(prefix = "/api", endpoint = "invoices")]
pub async fn list_invoices() -> Result<Vec<InvoiceSummary>, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ViewStatement).await?;
    let partner = (user.role == Role::PartnerAdmin).then_some(user.organisation_id);
    Ok(ssr::list(&state.pool, partner).await?)
}

/// One invoice with its printable document: a partner sees only its own, credit control any.
#[server(prefix = "/api", endpoint = "invoice")]
pub async fn get_invoice(invoice_number: InvoiceNumber) -> Result<InvoiceView, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ViewStatement).await?;
    let partner = (user.role == Role::PartnerAdmin).then_some(user.organisation_id);
    ssr::view(&state.pool, &invoice_number, partner, crate::i18n::current_locale())
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::InvoiceNotFound))
}

/// Credit control issues the invoices of a month's statements, dated `issue_date` (today unless
/// given). Statements invoiced already are left alone; those that cannot be (a partner's tax
/// details missing) are listed with the reason.
#[server(prefix = "/api", endpoint = "issue_invoices")]
pub async fn issue_invoices(period: String, issue_date: Option<String>) -> Result<IssueOutcome, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let period = crate::billing::rules::parse_period(&period).map_err(|m| AppError::invalid("period", m))?;
    let issue_date = match issue_date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(raw) => Some(rules::parse_day(raw).map_err(|m| AppError::invalid("issue_date", m))?),
        None => None,
    };
    let outcome = ssr::issue_period(&state.pool, Some(&user), period, issue_date).await?;
    crate::auth::ssr::redirect_plain_form(&format!("/backoffice/invoices?issued={}", outcome.issued.len()));
    Ok(outcome)
}

/// Credit control records a payment of a sales invoice: the day, the amount (in the invoice's
/// currency) and the transfer's reference. At another rate than the invoice's, the exchange
/// difference is worked out; when the distributor gained, its kur farkı invoice is issued.
#[server(prefix = "/api", endpoint = "record_invoice_payment")]
pub async fn record_invoice_payment(
    invoice_number: InvoiceNumber,
    paid_on: String,
    amount: String,
    reference: String,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let paid_on = rules::parse_day(&paid_on).map_err(|m| AppError::invalid("paid_on", m))?;
    let amount =
        crate::domain::parse_amount(&amount, Decimal::from(100_000_000)).map_err(|m| AppError::invalid("amount", m))?;
    if amount.is_zero() {
        return Err(AppError::invalid("amount", crate::i18n::Say::EnterAmount));
    }
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > 100 {
        return Err(AppError::invalid("reference", crate::i18n::Say::GiveTransferReference { max: 100 }));
    }
    ssr::record_payment(&state.pool, &user, &invoice_number, paid_on, amount, reference).await?;
    crate::auth::ssr::redirect_plain_form(&format!(
        "/backoffice/invoices/{invoice_number}?done=record_invoice_payment"
    ));
    Ok(())
}

/// The exchange-rate page's data (credit control).
#[server(prefix = "/api", endpoint = "exchange_rates")]
pub async fn exchange_rates() -> Result<RatesOverview, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    ssr::rates_overview(&state.pool, state.tcmb.base_url()).await
}

/// Credit control enters a day's rates by hand while TCMB's feed is down (audited). A day TCMB
/// published keeps TCMB's rates.
#[server(prefix = "/api", endpoint = "enter_rate")]
pub async fn enter_rate(currency: String, rate_date: String, buying: String, selling: String) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let currency = crate::gib::tcmb::CURRENCIES
        .into_iter()
        .find(|c| c.code() == currency.trim())
        .ok_or_else(|| AppError::invalid("currency", crate::i18n::Say::ChooseCurrency))?;
    let rate_date = rules::parse_day(&rate_date).map_err(|m| AppError::invalid("rate_date", m))?;
    let buying = rules::parse_tcmb_rate(&buying).map_err(|m| AppError::invalid("buying", m))?;
    let selling = rules::parse_tcmb_rate(&selling).map_err(|m| AppError::invalid("selling", m))?;
    if selling < buying {
        return Err(AppError::invalid("selling", crate::i18n::Say::SellingBelowBuying));
    }
    ssr::enter_rate(&state.pool, &user, currency, rate_date, buying, selling).await?;
    crate::auth::ssr::redirect_plain_form("/backoffice/exchange-rates?done=enter_rate");
    Ok(())
}

/// Loads TCMB's latest bulletins now (it also happens every hour). Returns how many days' rates
/// were new.
#[server(prefix = "/api", endpoint = "fetch_rates")]
pub async fn fetch_rates() -> Result<usize, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let loaded = ssr::fetch_rates(&state.pool, &state.tcmb).await.map_err(|why| {
        tracing::warn!(error = %why, "loading TCMB's rates on request");
        AppError::conflict(crate::i18n::Say::TcmbUnavailable)
    })?;
    crate::audit::record(
        &state.pool,
        crate::audit::AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "exchange_rate.fetched",
            target_type: "exchange_rate",
            target_id: "tcmb".into(),
            detail: serde_json::json!({ "loaded": loaded }),
        },
    )
    .await?;
    crate::auth::ssr::redirect_plain_form("/backoffice/exchange-rates?done=fetch_rates");
    Ok(loaded)
}

/// The distributor's invoicing settings: the two series and which TCMB rate converts (audited).
#[server(prefix = "/api", endpoint = "save_invoicing_settings")]
pub async fn save_invoicing_settings(
    e_invoice_series: String,
    e_archive_series: String,
    rate_basis: String,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let e_invoice = rules::parse_series(&e_invoice_series);
    let e_archive = rules::parse_series(&e_archive_series);
    let basis = RateBasis::parse(&rate_basis);
    let mut errors = Vec::new();
    if let Err(m) = &e_invoice {
        errors.push(crate::error::FieldError::new("e_invoice_series", m.clone()));
    }
    if let Err(m) = &e_archive {
        errors.push(crate::error::FieldError::new("e_archive_series", m.clone()));
    }
    if let Err(m) = &basis {
        errors.push(crate::error::FieldError::new("rate_basis", m.clone()));
    }
    let (Ok(e_invoice), Ok(e_archive), Ok(basis)) = (e_invoice, e_archive, basis) else {
        return Err(AppError::Invalid(errors));
    };
    if e_invoice == e_archive {
        return Err(AppError::invalid("e_archive_series", crate::i18n::Say::SeriesMustDiffer));
    }
    ssr::save_settings(&state.pool, &user, &e_invoice, &e_archive, basis).await?;
    crate::auth::ssr::redirect_plain_form("/backoffice/exchange-rates?done=save_invoicing_settings");
    Ok(())
}

/// The distributor's own tax identity, as its invoices name the seller (audited).
#[server(prefix = "/api", endpoint = "save_distributor_details")]
pub async fn save_distributor_details(
    tax_number: String,
    tax_office: String,
    address: String,
    district: String,
    city: String,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let details = ssr::parse_details(&tax_number, &tax_office, &address, &district, &city)?;
    ssr::save_distributor(&state.pool, &user, &details).await?;
    crate::auth::ssr::redirect_plain_form("/backoffice/exchange-rates?done=save_distributor_details");
    Ok(())
}

/// A partner's invoicing details (credit control).
#[server(prefix = "/api", endpoint = "partner_invoicing")]
pub async fn get_partner_invoicing(partner_id: PartnerId) -> Result<PartnerInvoicing, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    ssr::partner_invoicing(&state.pool, partner_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::PartnerNotFound))
}

/// Credit control sets a partner's tax identity, as its invoices name the buyer (audited with the
/// old and new values).
#[server(prefix = "/api", endpoint = "save_partner_tax_details")]
pub async fn save_partner_tax_details(
    partner_id: PartnerId,
    tax_number: String,
    tax_office: String,
    address: String,
    district: String,
    city: String,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let details = ssr::parse_details(&tax_number, &tax_office, &address, &district, &city)?;
    ssr::save_partner_details(&state.pool, &user, partner_id, &details).await?;
    crate::auth::ssr::redirect_plain_form(&format!(
        "/backoffice/partners/{partner_id}/invoicing?done=save_partner_tax_details"
    ));
    Ok(())
}

/// Credit control sets a partner's e-Fatura registration and an agreed rate (empty: TCMB's).
/// Audited with the old and new values.
#[server(prefix = "/api", endpoint = "save_partner_invoicing")]
pub async fn save_partner_invoicing(
    partner_id: PartnerId,
    invoice_profile: String,
    agreed_rate: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let profile = InvoiceProfile::parse(&invoice_profile);
    let agreed = match agreed_rate.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(raw) => rules::parse_rate(raw).map(Some),
        None => Ok(None),
    };
    let mut errors = Vec::new();
    if let Err(m) = &profile {
        errors.push(crate::error::FieldError::new("invoice_profile", m.clone()));
    }
    if let Err(m) = &agreed {
        errors.push(crate::error::FieldError::new("agreed_rate", m.clone()));
    }
    let (Ok(profile), Ok(agreed)) = (profile, agreed) else {
        return Err(AppError::Invalid(errors));
    };
    ssr::save_partner_invoicing(&state.pool, &user, partner_id, profile, agreed).await?;
    crate::auth::ssr::redirect_plain_form(&format!(
        "/backoffice/partners/{partner_id}/invoicing?done=save_partner_invoicing"
    ));
    Ok(())
}

// The pages' bodies, written on the server (see `pages`).

/// Credit control's Invoices page.
#[server(prefix = "/api", endpoint = "invoices_page")]
pub async fn invoices_page() -> Result<ServerPage, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let waiting = ssr::waiting(&state.pool).await?;
    let invoices = ssr::list(&state.pool, None).await?;
    let rate = ssr::in_force_today(&state.pool).await?;
    Ok(pages::invoices(crate::i18n::current_locale(), &pages::Posted::of_request(), &waiting, &invoices, &rate))
}

/// The partner's Billing → Invoices page.
#[server(prefix = "/api", endpoint = "my_invoices_page")]
pub async fn my_invoices_page() -> Result<ServerPage, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::Resell).await?;
    let invoices = ssr::list(&state.pool, Some(user.organisation_id)).await?;
    Ok(pages::my_invoices(crate::i18n::current_locale(), &pages::Posted::of_request(), &invoices))
}

/// One invoice's page: its partner's, or credit control's (with "Record payment").
#[server(prefix = "/api", endpoint = "invoice_page")]
pub async fn invoice_page(invoice_number: InvoiceNumber) -> Result<ServerPage, AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ViewStatement).await?;
    let partner = (user.role == Role::PartnerAdmin).then_some(user.organisation_id);
    let locale = crate::i18n::current_locale();
    let view = ssr::view(&state.pool, &invoice_number, partner, locale)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::InvoiceNotFound))?;
    let today = ssr::market_today(&state.pool).await?;
    Ok(pages::invoice(locale, &pages::Posted::of_request(), &view, partner.is_none(), today))
}

/// Credit control's Exchange rates page.
#[server(prefix = "/api", endpoint = "rates_page")]
pub async fn rates_page() -> Result<ServerPage, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let overview = ssr::rates_overview(&state.pool, state.tcmb.base_url()).await?;
    Ok(pages::rates(crate::i18n::current_locale(), &pages::Posted::of_request(), &overview))
}

/// Credit control's page of a partner's invoicing details.
#[server(prefix = "/api", endpoint = "partner_invoicing_page")]
pub async fn partner_invoicing_page(partner_id: PartnerId) -> Result<ServerPage, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let partner = ssr::partner_invoicing(&state.pool, partner_id)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::PartnerNotFound))?;
    Ok(pages::partner(crate::i18n::current_locale(), &pages::Posted::of_request(), &partner))
}
