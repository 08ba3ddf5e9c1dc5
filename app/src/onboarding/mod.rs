//! Partner onboarding (SPEC journey A): the public "Become a partner" application with its
//! documents, the applicant's status page, and credit control's review.
//!
//! The application form posts multipart data to a plain axum handler (`ssr::submit_handler`),
//! so it works the same with and without JavaScript; a refusal redirects back to the form with
//! the messages and the typed text in the query string.

mod applications_page;
mod become_partner_page;
mod form;
pub mod mails;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;
mod status_page;

pub use applications_page::{ApplicationDetailPage, ApplicationsPage};
pub use become_partner_page::BecomePartnerPage;
pub use form::{ApplicationForm, FormDraft, MAX_DOCUMENT_BYTES, UploadedFile, sniff_content_type};
pub use status_page::ApplicationStatusPage;

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::Permission;
use crate::{error::AppError, i18n::Msg};

/// Where the form posts; outside `/api` because it is multipart, not a server function.
pub const SUBMIT_PATH: &str = "/become-a-partner/submit";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "application_kind", rename_all = "snake_case"))]
pub enum ApplicationKind {
    Dealer,
    NewPartner,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "application_status", rename_all = "snake_case"))]
pub enum ApplicationStatus {
    Submitted,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub fn msg(self) -> Msg {
        match self {
            Self::Submitted => Msg::StatusSubmitted,
            Self::Approved => Msg::StatusApproved,
            Self::Rejected => Msg::StatusRejected,
        }
    }

    pub fn from_filter(raw: &str) -> Option<Self> {
        match raw {
            "submitted" => Some(Self::Submitted),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// The six documents a new partner sends (SPEC A).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "document_kind", rename_all = "snake_case"))]
pub enum DocumentKind {
    TaxCertificate,
    SignatureCircular,
    TradeRegistryGazette,
    OwnerId,
    CustomerIntroduction,
    MembershipAgreement,
}

impl DocumentKind {
    pub const ALL: [Self; 6] = [
        Self::TaxCertificate,
        Self::SignatureCircular,
        Self::TradeRegistryGazette,
        Self::OwnerId,
        Self::CustomerIntroduction,
        Self::MembershipAgreement,
    ];

    /// The form field name.
    pub fn field(self) -> &'static str {
        match self {
            Self::TaxCertificate => "doc_tax_certificate",
            Self::SignatureCircular => "doc_signature_circular",
            Self::TradeRegistryGazette => "doc_trade_registry_gazette",
            Self::OwnerId => "doc_owner_id",
            Self::CustomerIntroduction => "doc_customer_introduction",
            Self::MembershipAgreement => "doc_membership_agreement",
        }
    }

    pub fn from_field(field: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.field() == field)
    }

    pub fn msg(self) -> Msg {
        match self {
            Self::TaxCertificate => Msg::DocTaxCertificate,
            Self::SignatureCircular => Msg::DocSignatureCircular,
            Self::TradeRegistryGazette => Msg::DocTradeRegistryGazette,
            Self::OwnerId => Msg::DocOwnerId,
            Self::CustomerIntroduction => Msg::DocCustomerIntroduction,
            Self::MembershipAgreement => Msg::DocMembershipAgreement,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub document_id: Uuid,
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub number: crate::domain::ApplicationNumber,
    pub kind: ApplicationKind,
    pub status: ApplicationStatus,
    pub company_name: String,
    pub contact_email: String,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// Another application or partner has the same tax number or dealer code.
    pub possible_duplicate: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub application_id: crate::domain::ApplicationId,
    pub number: crate::domain::ApplicationNumber,
    pub kind: ApplicationKind,
    pub status: ApplicationStatus,
    pub company_name: String,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub company_phone: Option<String>,
    pub dealer_code: Option<String>,
    pub dealer_credit_confirmed: bool,
    pub mpn_id: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    pub rejection_reason: Option<String>,
    pub possible_duplicate: bool,
    pub documents: Vec<DocumentInfo>,
}

/// The default marketplace credit limit granted at approval, in USD, before VAT (SPEC A).
pub const DEFAULT_CREDIT_LIMIT: Decimal = Decimal::from_parts(5000, 0, 0, false, 0);

pub fn application_number(number: i64) -> String {
    format!("APP-{number:06}")
}

#[server(prefix = "/api", endpoint = "applications")]
pub async fn list_applications(status: Option<String>) -> Result<Vec<ApplicationSummary>, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let status = status.as_deref().and_then(ApplicationStatus::from_filter);
    Ok(ssr::list(&state.pool, status).await?)
}

#[server(prefix = "/api", endpoint = "application")]
pub async fn get_application(number: crate::domain::ApplicationNumber) -> Result<ApplicationDetail, AppError> {
    let (_, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    ssr::detail_by_number(&state.pool, number.get())
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::ApplicationNotFound))
}

/// The applicant's view, found by the secret token from its status link.
#[server(prefix = "/api", endpoint = "application_status")]
pub async fn get_application_status(token: String) -> Result<ApplicationDetail, AppError> {
    let state = crate::state::app_state()?;
    ssr::detail_by_token(&state.pool, &token)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::ApplicationNotFound))
}

#[server(prefix = "/api", endpoint = "approve_application")]
pub async fn approve_application(
    application_id: crate::domain::ApplicationId,
    credit_limit: String,
    invoice_profile: Option<String>,
    tax_office: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let limit = crate::domain::parse_amount(&credit_limit, Decimal::from(1_000_000))
        .map_err(|message| AppError::invalid("credit_limit", message))?;
    // Invoicing (issue #21): the partner's e-Fatura registration (e-Arşiv unless said) and its tax
    // office, both editable later under the partner's invoicing details.
    let profile = match invoice_profile.as_deref() {
        Some(raw) => crate::domain::InvoiceProfile::parse(raw).map_err(|m| AppError::invalid("invoice_profile", m))?,
        None => crate::domain::InvoiceProfile::EArchive,
    };
    let tax_office = tax_office.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if tax_office.as_ref().is_some_and(|t| t.chars().count() < 2 || t.chars().count() > 100) {
        return Err(AppError::invalid("tax_office", crate::i18n::Say::TaxDetailLength { min: 2, max: 100 }));
    }
    ssr::approve(&state, &user, application_id.get(), limit, profile, tax_office.as_deref()).await
}

#[server(prefix = "/api", endpoint = "reject_application")]
pub async fn reject_application(application_id: crate::domain::ApplicationId, reason: String) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(Permission::ControlCredit).await?;
    let reason = reason.trim();
    if reason.chars().count() < 5 {
        return Err(AppError::invalid("reason", crate::i18n::Say::ApplicationReasonTooShort { min: 5 }));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::invalid("reason", crate::i18n::Say::ApplicationReasonTooLong { max: 2000 }));
    }
    ssr::reject(&state, &user, application_id.get(), reason).await
}
