//! Orders: what checkout creates, the partner's order list and page, and the distributor's view
//! with credit approval.

mod billing_orders_page;
pub mod mails;
mod order_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use billing_orders_page::BillingOrdersPage;
pub use order_page::{BackOfficeOrdersPage, LinesTable, OrderPage, OrderTable, OrdersPage};

pub use crate::domain::{OrderKind, OrderStatus, PaymentMethod};
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::{
    domain::BillingCycle,
    domain::{PhoneNumber, TaxNumber},
    error::AppError,
};

/// A new customer's profile, already checked field by field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCustomerProfile {
    pub company_name: String,
    pub tax_number: TaxNumber,
    pub address: String,
    pub phone: PhoneNumber,
    pub contact_name: String,
    pub contact_email: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub order_number: crate::domain::OrderNumber,
    pub kind: OrderKind,
    pub partner_name: String,
    pub customer_name: String,
    pub status: OrderStatus,
    pub total: Decimal,
    pub term_value: Decimal,
    pub currency: crate::domain::Currency,
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub product_name: String,
    pub sku: String,
    pub billing_cycle: BillingCycle,
    pub quantity: i32,
    pub unit_price: Decimal,
    pub line_total: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub summary: OrderSummary,
    pub kind: OrderKind,
    pub mpn_id: String,
    pub tenant_domain: String,
    pub new_tenant: bool,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub decision_reason: Option<String>,
    pub lines: Vec<OrderLineView>,
    /// The provisioning job's state while it has one ("queued", "running"…).
    pub job_state: Option<String>,
    /// This run's steps so far, oldest first.
    pub progress: Vec<crate::provisioning::ProgressView>,
    pub failure: Option<crate::provisioning::Failure>,
    /// A new tenant's one-time admin password is waiting to be viewed (never the password itself).
    pub password_pending: bool,
    /// The password was viewed: it is no longer kept.
    pub password_viewed: bool,
    /// "Log into O365", once the order is provisioned.
    pub o365_link: Option<String>,
    /// What a change or cancellation order does to its subscription.
    pub change: Option<ChangeView>,
}

/// A change or cancellation order's effect: licences from and to (0: cancelled), the refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeView {
    pub product_name: String,
    pub from_quantity: i32,
    pub to_quantity: i32,
    pub refund: Decimal,
}

impl OrderDetail {
    /// Still moving: the page keeps itself up to date.
    pub fn in_flight(&self) -> bool {
        matches!(self.summary.status, OrderStatus::Submitted | OrderStatus::Provisioning)
    }

    pub fn percent(&self) -> i32 {
        self.progress.last().map_or(0, |p| p.percent)
    }
}

/// The signed-in partner's orders, newest first.
#[server(prefix = "/api", endpoint = "my_orders")]
pub async fn list_my_orders() -> Result<Vec<OrderSummary>, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::Resell).await?;
    Ok(ssr::list(&state.pool, Some(user.organisation_id)).await?)
}

/// One order: the partner sees only its own; the distributor's staff see any.
#[server(prefix = "/api", endpoint = "order")]
pub async fn get_order(order_number: crate::domain::OrderNumber) -> Result<OrderDetail, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::ViewOrder).await?;
    let partner = (user.role == Role::PartnerAdmin).then_some(user.organisation_id);
    let mut detail = ssr::detail(&state.pool, order_number, partner)
        .await?
        .ok_or_else(|| AppError::not_found(crate::i18n::Say::OrderNotFound))?;
    if detail.summary.status == OrderStatus::Completed && detail.kind == OrderKind::Sales {
        detail.o365_link = Some(state.settings.o365_link(&detail.tenant_domain));
    }
    Ok(detail)
}

/// A new tenant's administrator and one-time password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCredentials {
    pub user_name: String,
    pub password: String,
}

/// "View Password": hands the partner the new tenant's one-time admin password, once. It is
/// wiped as it is read, so a second look (or anyone after the partner) finds nothing.
#[server(prefix = "/api", endpoint = "view_admin_password")]
pub async fn view_admin_password(order_number: crate::domain::OrderNumber) -> Result<AdminCredentials, AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::Resell).await?;
    ssr::take_admin_password(&state.pool, &state.settings.secrets, &user, order_number).await
}

/// Every partner's orders for the back office, those awaiting credit approval first.
#[server(prefix = "/api", endpoint = "all_orders")]
pub async fn list_all_orders() -> Result<Vec<OrderSummary>, AppError> {
    let (_, state) = crate::auth::ssr::caller(crate::auth::Permission::Oversee).await?;
    Ok(ssr::list(&state.pool, None).await?)
}

/// Credit control approves an order over the partner's available credit (it goes on to
/// provisioning) or rejects it with a reason; the partner is e-mailed either way.
#[server(prefix = "/api", endpoint = "decide_credit")]
pub async fn decide_credit(
    order_number: crate::domain::OrderNumber,
    decision: crate::domain::Decision,
    reason: Option<String>,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::ControlCredit).await?;
    let approve = decision.approves();
    let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if !approve && reason.is_none() {
        return Err(AppError::invalid("reason", crate::i18n::Say::GiveRejectionReason));
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        return Err(AppError::invalid("reason", crate::i18n::Say::ReasonTooLong { max: 1000 }));
    }
    ssr::decide_credit(&state.pool, &user, order_number, approve, reason.as_deref()).await
}

/// "Resubmit for Provisioning": after the partner corrected the MPN ID or the tenant of an order
/// whose provisioning failed, it runs again (a new run with its own job).
#[server(prefix = "/api", endpoint = "resubmit_order")]
pub async fn resubmit_order(
    order_number: crate::domain::OrderNumber,
    mpn_id: String,
    tenant: String,
) -> Result<(), AppError> {
    let (user, state) = crate::auth::ssr::caller(crate::auth::Permission::Resell).await?;
    let mpn = crate::domain::MpnId::parse(&mpn_id).map_err(|m| AppError::invalid("mpn_id", m))?;
    ssr::resubmit(&state, &user, order_number, &mpn, &tenant).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_kind_codes_round_trip_and_match_serde() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.code()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.code());
        }
        for kind in OrderKind::ALL {
            assert_eq!(OrderKind::parse(kind.code()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
        }
        assert_eq!(OrderStatus::parse("shipped"), None);
    }

    #[test]
    fn only_wire_transfer_is_accepted() {
        assert_eq!(PaymentMethod::parse("wire_transfer"), Ok(PaymentMethod::WireTransfer));
        assert!(PaymentMethod::parse("credit_card").is_err());
        assert!(PaymentMethod::parse("").is_err());
    }
}
