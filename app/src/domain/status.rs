//! Every status and kind the product stores, as Rust enums mapped to the Postgres enums of the
//! same name (snake_case on the wire too, so database notifications parse as they are). They
//! live here, below every feature, so naming a status never means importing another feature.

use serde::{Deserialize, Serialize};

use crate::i18n::{Msg, Say};

/// How a subscription is paid: "Monthly", "Annual", or "Annual, billed monthly" (a one-year term
/// charged a month at a time, 5 % dearer than paying the year up front).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "billing_cycle", rename_all = "snake_case"))]
pub enum BillingCycle {
    Monthly,
    Annual,
    AnnualMonthly,
}

impl BillingCycle {
    /// The options in the order the catalog offers them.
    pub const ALL: [Self; 3] = [Self::Monthly, Self::Annual, Self::AnnualMonthly];

    /// The form and URL value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Annual => "annual",
            Self::AnnualMonthly => "annual_monthly",
        }
    }

    /// Reads a form or URL value; anything unknown is refused with the message to show.
    pub fn parse(raw: &str) -> Result<Self, Say> {
        match raw.trim() {
            "monthly" => Ok(Self::Monthly),
            "annual" => Ok(Self::Annual),
            "annual_monthly" => Ok(Self::AnnualMonthly),
            _ => Err(Say::ChooseCycle),
        }
    }

    pub fn label(self) -> Msg {
        match self {
            Self::Monthly => Msg::Monthly,
            Self::Annual => Msg::Annual,
            Self::AnnualMonthly => Msg::AnnualBilledMonthly,
        }
    }

    /// How many charges one term takes: its unit price is per licence per charge (a month, or
    /// for Annual the year), so a term commits this many times the first charge.
    pub fn charges_per_term(self) -> u32 {
        match self {
            Self::Monthly | Self::Annual => 1,
            Self::AnnualMonthly => 12,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "order_status", rename_all = "snake_case"))]
// snake_case like the Postgres enum, so database notifications parse as they are.
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// A cancellation order the partner has not opened yet.
    New,
    Submitted,
    AwaitingCreditApproval,
    Provisioning,
    Completed,
    ProvisioningFailed,
    Rejected,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [Self; 8] = [
        Self::New,
        Self::Submitted,
        Self::AwaitingCreditApproval,
        Self::Provisioning,
        Self::Completed,
        Self::ProvisioningFailed,
        Self::Rejected,
        Self::Cancelled,
    ];

    /// As in `?status=` on Billing → Orders (the serde and Postgres name).
    pub fn code(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Submitted => "submitted",
            Self::AwaitingCreditApproval => "awaiting_credit_approval",
            Self::Provisioning => "provisioning",
            Self::Completed => "completed",
            Self::ProvisioningFailed => "provisioning_failed",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> Msg {
        match self {
            Self::New => Msg::OrderNew,
            Self::Submitted => Msg::OrderSubmitted,
            Self::AwaitingCreditApproval => Msg::OrderAwaitingCreditApproval,
            Self::Provisioning => Msg::OrderProvisioning,
            Self::Completed => Msg::OrderCompleted,
            Self::ProvisioningFailed => Msg::OrderProvisioningFailed,
            Self::Rejected => Msg::OrderRejected,
            Self::Cancelled => Msg::OrderCancelled,
        }
    }

    /// The badge colour class.
    pub fn tone(self) -> &'static str {
        match self {
            Self::Completed => "badge ok",
            Self::New | Self::AwaitingCreditApproval | Self::Submitted | Self::Provisioning => "badge warn",
            Self::ProvisioningFailed | Self::Rejected => "badge bad",
            Self::Cancelled => "badge",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "order_kind", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    Sales,
    Change,
    Cancellation,
}

impl OrderKind {
    pub const ALL: [Self; 3] = [Self::Sales, Self::Change, Self::Cancellation];

    pub fn label(self) -> Msg {
        match self {
            Self::Sales => Msg::KindSales,
            Self::Change => Msg::KindChange,
            Self::Cancellation => Msg::CancellationOrder,
        }
    }

    /// As in `?kind=` on Billing → Orders.
    pub fn code(self) -> &'static str {
        match self {
            Self::Sales => "sales",
            Self::Change => "change",
            Self::Cancellation => "cancellation",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "payment_method", rename_all = "snake_case"))]
pub enum PaymentMethod {
    WireTransfer,
}

impl PaymentMethod {
    pub fn parse(raw: &str) -> Result<Self, Say> {
        match raw.trim() {
            "wire_transfer" => Ok(Self::WireTransfer),
            _ => Err(Say::ChoosePayment),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "subscription_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Pending,
    Active,
    PendingCancellation,
    Cancelled,
    Suspended,
    Expired,
}

impl SubscriptionStatus {
    /// Statuses that hold the product for the customer: a second order of it is refused. The
    /// partial unique index `subscription_one_live_per_product` lists the same ones (a test
    /// compares them).
    pub const LIVE: [Self; 4] = [Self::Pending, Self::Active, Self::PendingCancellation, Self::Suspended];

    pub fn label(self) -> Msg {
        match self {
            Self::Pending => Msg::SubscriptionPending,
            Self::Active => Msg::SubscriptionActive,
            Self::PendingCancellation => Msg::SubscriptionPendingCancellation,
            Self::Cancelled => Msg::SubscriptionCancelled,
            Self::Suspended => Msg::SubscriptionSuspended,
            Self::Expired => Msg::SubscriptionExpired,
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            Self::Active => "badge ok",
            Self::Pending | Self::PendingCancellation => "badge warn",
            Self::Suspended => "badge bad",
            Self::Cancelled | Self::Expired => "badge",
        }
    }
}

/// Where a customer's GDAP relationship stands (the partner's delegated admin access to its
/// tenant): asked for and waiting for the customer's Global admin, active, active but ending
/// within 30 days without auto-extend, or over (expired, or terminated by either side).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "gdap_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum GdapStatus {
    Requested,
    Active,
    Expiring,
    Expired,
    Terminated,
}

impl GdapStatus {
    pub fn label(self) -> Msg {
        match self {
            Self::Requested => Msg::GdapRequested,
            Self::Active => Msg::GdapActive,
            Self::Expiring => Msg::GdapExpiring,
            Self::Expired => Msg::GdapExpired,
            Self::Terminated => Msg::GdapTerminated,
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            Self::Active => "badge ok",
            Self::Requested | Self::Expiring => "badge warn",
            Self::Expired | Self::Terminated => "badge",
        }
    }

    /// Still in play: a new request waits until it is over.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Requested | Self::Active | Self::Expiring)
    }

    /// Gives the partner admin access to the tenant now.
    pub fn grants_access(self) -> bool {
        matches!(self, Self::Active | Self::Expiring)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "provisioning_step", rename_all = "snake_case"))]
// snake_case like the Postgres enum, so database notifications parse as they are.
#[serde(rename_all = "snake_case")]
pub enum ProvisioningStep {
    Validating,
    CreatingTenant,
    VerifyingRelationship,
    AcceptingAgreement,
    CreatingSubscriptions,
    AssigningLicences,
    /// A change order: the licence count at the vendor.
    UpdatingSubscription,
    /// A cancellation order: the subscription (and its add-ons) at the vendor.
    CancellingSubscription,
    Completed,
    Failed,
}

impl ProvisioningStep {
    pub fn label(self) -> Msg {
        match self {
            Self::Validating => Msg::StepValidating,
            Self::CreatingTenant => Msg::StepCreatingTenant,
            Self::VerifyingRelationship => Msg::StepVerifyingRelationship,
            Self::AcceptingAgreement => Msg::StepAcceptingAgreement,
            Self::CreatingSubscriptions => Msg::StepCreatingSubscriptions,
            Self::AssigningLicences => Msg::StepAssigningLicences,
            Self::UpdatingSubscription => Msg::StepUpdatingSubscription,
            Self::CancellingSubscription => Msg::StepCancellingSubscription,
            Self::Completed => Msg::StepCompleted,
            Self::Failed => Msg::StepFailed,
        }
    }

    /// Where the progress bar stands once this step has started. A failed run is recorded at the
    /// percent it had reached instead (`Failed` is only the upper bound).
    pub fn percent(self) -> i32 {
        match self {
            Self::Validating => 10,
            Self::CreatingTenant | Self::VerifyingRelationship => 30,
            Self::AcceptingAgreement => 50,
            Self::CreatingSubscriptions => 70,
            Self::AssigningLicences => 90,
            Self::UpdatingSubscription | Self::CancellingSubscription => 60,
            Self::Completed => 100,
            Self::Failed => 100,
        }
    }
}

// Webhooks (issue #17).
/// Where a webhook delivery stands: pending while its job still tries, succeeded once the
/// endpoint answered 2xx, failed when the attempts ran out (or the endpoint was disabled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "webhook_delivery_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum WebhookDeliveryStatus {
    Pending,
    Succeeded,
    Failed,
}

impl WebhookDeliveryStatus {
    pub fn label(self) -> Msg {
        match self {
            Self::Pending => Msg::WebhookDeliveryPending,
            Self::Succeeded => Msg::WebhookDeliverySucceeded,
            Self::Failed => Msg::WebhookDeliveryFailed,
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            Self::Succeeded => "badge ok",
            Self::Pending => "badge warn",
            Self::Failed => "badge bad",
        }
    }
}

// Invoicing (issue #21): exchange rates and invoices.

/// Where an exchange rate came from: TCMB's daily bulletin, or credit control by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "exchange_rate_source", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum RateSource {
    Tcmb,
    Manual,
}

impl RateSource {
    /// Said on the server only (the invoicing pages are written there).
    #[cfg(feature = "ssr")]
    pub fn label(self) -> Say {
        match self {
            Self::Tcmb => Say::RateSourceTcmb,
            Self::Manual => Say::RateSourceManual,
        }
    }
}

/// Which of TCMB's indicative rates converts invoices: the distributor's setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "rate_basis", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum RateBasis {
    ForexBuying,
    ForexSelling,
}

impl RateBasis {
    pub const ALL: [Self; 2] = [Self::ForexBuying, Self::ForexSelling];

    pub fn code(self) -> &'static str {
        match self {
            Self::ForexBuying => "forex_buying",
            Self::ForexSelling => "forex_selling",
        }
    }

    #[cfg(feature = "ssr")]
    pub fn parse(raw: &str) -> Result<Self, Say> {
        Self::ALL.into_iter().find(|b| b.code() == raw.trim()).ok_or(Say::ChooseRateBasis)
    }

    #[cfg(feature = "ssr")]
    pub fn label(self) -> Say {
        match self {
            Self::ForexBuying => Say::ForexBuying,
            Self::ForexSelling => Say::ForexSelling,
        }
    }

    /// The rate an invoice then carries.
    pub fn rate_type(self) -> InvoiceRateType {
        match self {
            Self::ForexBuying => InvoiceRateType::ForexBuying,
            Self::ForexSelling => InvoiceRateType::ForexSelling,
        }
    }
}

/// The rate an invoice was converted at: one of TCMB's, or the partner's agreed rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "invoice_rate_type", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceRateType {
    ForexBuying,
    ForexSelling,
    Agreed,
}

impl InvoiceRateType {
    #[cfg(feature = "ssr")]
    pub fn label(self) -> Say {
        match self {
            Self::ForexBuying => Say::ForexBuying,
            Self::ForexSelling => Say::ForexSelling,
            Self::Agreed => Say::AgreedRateShort,
        }
    }
}

/// How GİB delivers a partner's invoices, from its e-Fatura registration: e-Arşiv for a buyer
/// who is not registered, TEMELFATURA or TICARIFATURA (accepted or rejected by the buyer) for one
/// who is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "invoice_profile", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceProfile {
    EArchive,
    Basic,
    Commercial,
}

impl InvoiceProfile {
    pub const ALL: [Self; 3] = [Self::EArchive, Self::Basic, Self::Commercial];

    /// The form value.
    pub fn code(self) -> &'static str {
        match self {
            Self::EArchive => "e_archive",
            Self::Basic => "basic",
            Self::Commercial => "commercial",
        }
    }

    #[cfg(feature = "ssr")]
    pub fn parse(raw: &str) -> Result<Self, Say> {
        Self::ALL.into_iter().find(|p| p.code() == raw.trim()).ok_or(Say::ChooseInvoiceProfile)
    }

    /// UBL-TR's `cbc:ProfileID`.
    pub fn gib_code(self) -> &'static str {
        match self {
            Self::EArchive => "EARSIVFATURA",
            Self::Basic => "TEMELFATURA",
            Self::Commercial => "TICARIFATURA",
        }
    }

    /// Whether the buyer is registered for e-Fatura (its invoices go through GİB's e-Fatura system).
    pub fn is_e_invoice(self) -> bool {
        self != Self::EArchive
    }

    pub fn label(self) -> Msg {
        match self {
            Self::EArchive => Msg::ProfileEArchive,
            Self::Basic => Msg::ProfileBasic,
            Self::Commercial => Msg::ProfileCommercial,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "invoice_kind", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Sales,
    /// Refunds and cancellation credits: an IADE invoice of their own.
    Return,
    /// Kur farkı: a payment at a higher rate than the invoice's.
    ExchangeDifference,
}

impl InvoiceKind {
    /// UBL-TR's `cbc:InvoiceTypeCode`.
    pub fn type_code(self) -> &'static str {
        match self {
            Self::Sales | Self::ExchangeDifference => "SATIS",
            Self::Return => "IADE",
        }
    }

    #[cfg(feature = "ssr")]
    pub fn label(self) -> Say {
        match self {
            Self::Sales => Say::InvoiceKindSales,
            Self::Return => Say::InvoiceKindReturn,
            Self::ExchangeDifference => Say::InvoiceKindExchangeDifference,
        }
    }
}

/// Where an issued invoice is on its way to the buyer, as the integrator reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "invoice_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Sent,
    Delivered,
    Accepted,
    Rejected,
    Failed,
}

impl InvoiceStatus {
    #[cfg(feature = "ssr")]
    pub fn label(self) -> Say {
        match self {
            Self::Draft => Say::InvoiceDraft,
            Self::Sent => Say::InvoiceSent,
            Self::Delivered => Say::InvoiceDelivered,
            Self::Accepted => Say::InvoiceAccepted,
            Self::Rejected => Say::InvoiceRejected,
            Self::Failed => Say::InvoiceFailed,
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            Self::Delivered | Self::Accepted => "badge ok",
            Self::Draft | Self::Sent => "badge warn",
            Self::Rejected | Self::Failed => "badge bad",
        }
    }
}

/// Why Microsoft does not accept a Partner ID as the partner of record of an indirect order
/// (Partner Center's `validateresellers`); a valid one has none. Checked before every sales and
/// change order and at a partner's approval, and every night for every partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "partner_of_record_refusal", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum PartnerOfRecordRefusal {
    /// The Partner ID exists but is not active.
    Inactive,
    /// Active, but not authorised as an indirect reseller of this distributor.
    NotAuthorised,
    /// Microsoft does not know the Partner ID.
    NotFound,
}

#[cfg(feature = "ssr")]
impl PartnerOfRecordRefusal {
    /// The Postgres enum's label, for statements that bind many at once as text.
    pub fn code(self) -> &'static str {
        match self {
            Self::Inactive => "inactive",
            Self::NotAuthorised => "not_authorised",
            Self::NotFound => "not_found",
        }
    }

    /// The reason with its fix, as the partner reads it (at checkout, on a change, on the Control
    /// Panel).
    pub fn to_partner(self, partner_id: &str) -> Say {
        let partner_id = partner_id.to_owned();
        match self {
            Self::Inactive => Say::PartnerIdInactive { partner_id },
            Self::NotAuthorised => Say::PartnerIdNotAuthorised { partner_id },
            Self::NotFound => Say::PartnerIdUnknown { partner_id },
        }
    }

    /// The reason with its fix, as credit control reads it when approving an application.
    pub fn to_approver(self, partner_id: &str) -> Say {
        let partner_id = partner_id.to_owned();
        match self {
            Self::Inactive => Say::ApplicantPartnerIdInactive { partner_id },
            Self::NotAuthorised => Say::ApplicantPartnerIdNotAuthorised { partner_id },
            Self::NotFound => Say::ApplicantPartnerIdUnknown { partner_id },
        }
    }
}
