//! What a partner is told, and how each event's payload reads (documented in the README under
//! "Webhooks"). Every payload is `{"type": "<event type>", "timestamp": "<RFC 3339, UTC>",
//! "data": {…}}`; `data` has one shape per kind of subject:
//!
//! * an order (`order.*`, `cancellation.*`, `credit.decided`): [`OrderData`];
//! * a subscription (`subscription.changed`): [`SubscriptionData`], with what changed;
//! * a statement (`statement.issued`): [`StatementData`];
//! * `webhook.test`: [`TestData`].
//!
//! The shapes only grow: a field is never renamed or removed, so a partner's parser written today
//! keeps working. Money is a decimal string with its currency beside it (never a float), times
//! are RFC 3339 in UTC, ids are the ones the Control Panel and the API use.
//!
//! A business action names its event by its subject's id ([`Event`]); the payload is read when
//! `ssr::emit` finds an endpoint that wants it, inside the action's transaction, so it is the
//! state the action commits.

use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::PgConnection;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use uuid::Uuid;

use super::super::EventType;
use crate::domain::{BillingCycle, Currency, OrderKind, OrderStatus, SubscriptionStatus};

/// An event a business action causes: what happened and to which order, subscription or
/// statement. Made with the constructors, so an order event always names an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub(super) kind: EventType,
    pub(super) subject: Subject,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Subject {
    Order(Uuid),
    Subscription(Uuid, SubscriptionChange),
    Statement(Uuid),
    Test(Uuid),
}

/// What happened to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderEvent {
    /// Placed (or resubmitted) and on its way to the vendor.
    Submitted,
    /// Placed over the partner's available credit: it waits for credit control.
    AwaitingApproval,
    /// Carried out at the vendor: licences live, changed or cancelled.
    Completed,
    /// Stopped at the vendor with a reason (`failure`).
    Failed,
    /// A customer asked to cancel a subscription: a cancellation order in status New.
    CancellationRequested,
    /// The partner approved ("Open Order") or rejected a cancellation order.
    CancellationDecided,
    /// Credit control approved or rejected an order that waited for credit.
    CreditDecided,
}

/// What changed on a subscription (`data.change` of `subscription.changed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionChange {
    /// The licence count changed at the vendor.
    LicenceCount,
    /// A cancellation was asked for: the subscription waits for the partner's decision.
    PendingCancellation,
    /// A pending cancellation was rejected or failed: it is active again.
    Reactivated,
    /// Cancelled at the vendor.
    Cancelled,
    /// Auto-renew was turned on or off.
    AutoRenew,
    /// A licence count for the renewal was set or cleared.
    RenewalQuantity,
    /// A new term began.
    Renewed,
    /// The term ended without renewal.
    Expired,
}

impl Event {
    pub fn order(what: OrderEvent, order_id: Uuid) -> Self {
        let kind = match what {
            OrderEvent::Submitted => EventType::OrderSubmitted,
            OrderEvent::AwaitingApproval => EventType::OrderAwaitingApproval,
            OrderEvent::Completed => EventType::OrderCompleted,
            OrderEvent::Failed => EventType::OrderFailed,
            OrderEvent::CancellationRequested => EventType::CancellationRequested,
            OrderEvent::CancellationDecided => EventType::CancellationDecided,
            OrderEvent::CreditDecided => EventType::CreditDecided,
        };
        Self { kind, subject: Subject::Order(order_id) }
    }

    pub fn subscription(subscription_id: Uuid, change: SubscriptionChange) -> Self {
        Self { kind: EventType::SubscriptionChanged, subject: Subject::Subscription(subscription_id, change) }
    }

    pub fn statement_issued(statement_id: Uuid) -> Self {
        Self { kind: EventType::StatementIssued, subject: Subject::Statement(statement_id) }
    }

    /// "Send test event": to one endpoint only.
    pub(super) fn test(endpoint_id: Uuid) -> Self {
        Self { kind: EventType::Test, subject: Subject::Test(endpoint_id) }
    }

    pub fn kind(&self) -> EventType {
        self.kind
    }
}

/// The JSON every delivery carries.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: String,
    data: T,
}

/// A time as payloads write it: RFC 3339 in UTC (`2026-12-07T10:15:00.123456Z`).
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

fn opt_rfc3339(at: Option<OffsetDateTime>) -> Option<String> {
    at.map(rfc3339)
}

/// A customer as payloads name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Party {
    pub id: Uuid,
    pub name: String,
}

/// `data` of the order events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrderData {
    pub order_number: i64,
    /// `sales`, `change` or `cancellation`.
    pub kind: OrderKind,
    /// `new`, `submitted`, `awaiting_credit_approval`, `provisioning`, `completed`,
    /// `provisioning_failed`, `rejected` or `cancelled`.
    pub status: OrderStatus,
    pub customer: Party,
    pub tenant_domain: String,
    pub new_tenant: bool,
    pub mpn_id: String,
    pub currency: String,
    /// The first billing period's amounts, net, KDV and gross.
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    /// What the order puts on the partner's credit.
    pub term_value: Decimal,
    pub created_at: String,
    pub lines: Vec<OrderLineData>,
    /// The subscriptions the order created (a sale) or changes (a change or cancellation).
    pub subscriptions: Vec<SubscriptionRef>,
    /// A change or cancellation order's licence counts and refund; `null` for a sale.
    pub change: Option<ChangeData>,
    /// Why provisioning stopped (`order.failed`): Partner Center's code and description.
    pub failure: Option<FailureData>,
    /// Credit control's or the partner's decision, once made.
    pub decision: Option<DecisionData>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrderLineData {
    pub line_number: i32,
    pub sku: String,
    pub product: String,
    /// `monthly` or `annual`.
    pub billing_cycle: &'static str,
    pub quantity: i32,
    pub unit_price: Decimal,
    pub line_total: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubscriptionRef {
    pub id: Uuid,
    pub sku: String,
    pub quantity: i32,
    pub status: SubscriptionStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangeData {
    pub subscription_id: Uuid,
    pub from_quantity: i32,
    /// 0 for a cancellation.
    pub to_quantity: i32,
    pub refund: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FailureData {
    pub code: Option<i64>,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionData {
    pub approved: bool,
    pub reason: Option<String>,
    pub decided_at: String,
}

/// `data` of `subscription.changed`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubscriptionData {
    pub change: SubscriptionChange,
    pub subscription: SubscriptionDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubscriptionDetail {
    pub id: Uuid,
    pub customer: Party,
    pub sku: String,
    pub product: String,
    pub billing_cycle: &'static str,
    pub quantity: i32,
    /// `pending`, `active`, `pending_cancellation`, `cancelled`, `suspended` or `expired`.
    pub status: SubscriptionStatus,
    pub auto_renew: bool,
    /// The licence count the next term starts with, when it differs from today's.
    pub renewal_quantity: Option<i32>,
    pub term_start: Option<String>,
    pub term_end: Option<String>,
}

/// `data` of `statement.issued`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatementData {
    pub statement_number: i64,
    /// The month billed, `YYYY-MM`.
    pub period: String,
    pub currency: String,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    pub issued_at: String,
}

/// `data` of `webhook.test`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestData {
    pub endpoint_id: Uuid,
    pub note: &'static str,
}

/// The body of `event` as sent (`None` when its subject is gone), with the partner it concerns.
pub(super) async fn payload(
    conn: &mut PgConnection,
    event: &Event,
    at: OffsetDateTime,
) -> Result<Option<String>, sqlx::Error> {
    let timestamp = rfc3339(at);
    let kind = event.kind.name();
    let body = match event.subject {
        Subject::Order(id) => {
            order_data(conn, id).await?.map(|data| serde_json::to_string(&Envelope { kind, timestamp, data }))
        }
        Subject::Subscription(id, change) => subscription_data(conn, id).await?.map(|subscription| {
            serde_json::to_string(&Envelope { kind, timestamp, data: SubscriptionData { change, subscription } })
        }),
        Subject::Statement(id) => {
            statement_data(conn, id).await?.map(|data| serde_json::to_string(&Envelope { kind, timestamp, data }))
        }
        Subject::Test(endpoint_id) => Some(serde_json::to_string(&Envelope {
            kind,
            timestamp,
            data: TestData { endpoint_id, note: "A test event sent with \"Send test event\" from the Control Panel." },
        })),
    };
    body.transpose().map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

pub async fn order_data(conn: &mut PgConnection, order_id: Uuid) -> Result<Option<OrderData>, sqlx::Error> {
    let Some(order) = sqlx::query!(
        r#"select so.order_number, so.kind as "kind: OrderKind", so.status as "status: OrderStatus",
                  so.customer_id, co.name as customer_name, so.tenant_prefix, so.new_tenant, so.mpn_id,
                  so.currency as "currency!: Currency", so.subtotal, so.vat, so.total, so.term_value, so.created_at,
                  so.failure_code, so.failure_detail, so.decided_at, so.decision_reason
           from sales_order so join organisation co on co.organisation_id = so.customer_id
           where so.order_id = $1"#,
        order_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query!(
        r#"select l.line_no, p.sku, p.name, l.billing_cycle as "cycle: BillingCycle", l.quantity, l.unit_price,
                  l.line_total
           from order_line l join product p using (product_id) where l.order_id = $1 order by l.line_no"#,
        order_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let subscriptions = sqlx::query_as!(
        SubscriptionRef,
        r#"select s.subscription_id as id, p.sku, s.quantity, s.status as "status: SubscriptionStatus"
           from subscription s join product p using (product_id)
           where s.order_id = $1
              or s.subscription_id in (select subscription_id from subscription_change where order_id = $1)
           order by p.sku, s.subscription_id"#,
        order_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let change = sqlx::query_as!(
        ChangeData,
        "select subscription_id, from_quantity, to_quantity, refund from subscription_change where order_id = $1",
        order_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let failure = (order.status == OrderStatus::ProvisioningFailed).then(|| FailureData {
        code: order.failure_code,
        description: order.failure_detail.clone().unwrap_or_default(),
    });
    let decision = order.decided_at.map(|at| DecisionData {
        approved: order.status != OrderStatus::Rejected,
        reason: order.decision_reason.clone(),
        decided_at: rfc3339(at),
    });
    Ok(Some(OrderData {
        order_number: order.order_number,
        kind: order.kind,
        status: order.status,
        customer: Party { id: order.customer_id, name: order.customer_name },
        tenant_domain: crate::domain::initial_domain(&order.tenant_prefix),
        new_tenant: order.new_tenant,
        mpn_id: order.mpn_id,
        currency: order.currency.code().to_owned(),
        subtotal: order.subtotal,
        vat: order.vat,
        total: order.total,
        term_value: order.term_value,
        created_at: rfc3339(order.created_at),
        lines: lines
            .into_iter()
            .map(|l| OrderLineData {
                line_number: l.line_no,
                sku: l.sku,
                product: l.name,
                billing_cycle: l.cycle.code(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                line_total: l.line_total,
            })
            .collect(),
        subscriptions,
        change,
        failure,
        decision,
    }))
}

pub async fn subscription_data(
    conn: &mut PgConnection,
    subscription_id: Uuid,
) -> Result<Option<SubscriptionDetail>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select s.subscription_id, s.customer_id, co.name as customer_name, p.sku, p.name as product_name,
                  s.billing_cycle as "cycle: BillingCycle", s.quantity, s.status as "status: SubscriptionStatus",
                  s.auto_renew, s.renewal_quantity, s.term_start, s.term_end
           from subscription s
           join product p using (product_id)
           join organisation co on co.organisation_id = s.customer_id
           where s.subscription_id = $1"#,
        subscription_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| SubscriptionDetail {
        id: r.subscription_id,
        customer: Party { id: r.customer_id, name: r.customer_name },
        sku: r.sku,
        product: r.product_name,
        billing_cycle: r.cycle.code(),
        quantity: r.quantity,
        status: r.status,
        auto_renew: r.auto_renew,
        renewal_quantity: r.renewal_quantity,
        term_start: opt_rfc3339(r.term_start),
        term_end: opt_rfc3339(r.term_end),
    }))
}

pub async fn statement_data(conn: &mut PgConnection, statement_id: Uuid) -> Result<Option<StatementData>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select statement_number, period, currency as "currency!: Currency", subtotal, vat, total, issued_at
           from statement where statement_id = $1"#,
        statement_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| StatementData {
        statement_number: r.statement_number,
        period: format!("{:04}-{:02}", r.period.year(), u8::from(r.period.month())),
        currency: r.currency.code().to_owned(),
        subtotal: r.subtotal,
        vat: r.vat,
        total: r.total,
        issued_at: rfc3339(r.issued_at),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// The documented shape, field by field: a partner's parser depends on these names.
    #[test]
    fn an_order_event_reads_as_documented() {
        let data = OrderData {
            order_number: 100042,
            kind: OrderKind::Sales,
            status: OrderStatus::Completed,
            customer: Party { id: Uuid::from_u128(3), name: "Contoso Ltd".into() },
            tenant_domain: "contoso.onmicrosoft.com".into(),
            new_tenant: false,
            mpn_id: "1234567".into(),
            currency: "USD".into(),
            subtotal: dec!(14.40),
            vat: dec!(2.88),
            total: dec!(17.28),
            term_value: dec!(14.40),
            created_at: "2026-12-07T10:15:00Z".into(),
            lines: vec![OrderLineData {
                line_number: 1,
                sku: "CFQ7TTC0LH18".into(),
                product: "Microsoft 365 Business Basic".into(),
                billing_cycle: BillingCycle::Monthly.code(),
                quantity: 2,
                unit_price: dec!(7.20),
                line_total: dec!(14.40),
            }],
            subscriptions: vec![SubscriptionRef {
                id: Uuid::from_u128(9),
                sku: "CFQ7TTC0LH18".into(),
                quantity: 2,
                status: SubscriptionStatus::Active,
            }],
            change: None,
            failure: None,
            decision: None,
        };
        let body = serde_json::to_value(Envelope {
            kind: EventType::OrderCompleted.name(),
            timestamp: "2026-12-07T10:16:00Z".into(),
            data,
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "type": "order.completed",
                "timestamp": "2026-12-07T10:16:00Z",
                "data": {
                    "order_number": 100042,
                    "kind": "sales",
                    "status": "completed",
                    "customer": { "id": "00000000-0000-0000-0000-000000000003", "name": "Contoso Ltd" },
                    "tenant_domain": "contoso.onmicrosoft.com",
                    "new_tenant": false,
                    "mpn_id": "1234567",
                    "currency": "USD",
                    "subtotal": "14.40", "vat": "2.88", "total": "17.28", "term_value": "14.40",
                    "created_at": "2026-12-07T10:15:00Z",
                    "lines": [{
                        "line_number": 1, "sku": "CFQ7TTC0LH18", "product": "Microsoft 365 Business Basic",
                        "billing_cycle": "monthly", "quantity": 2, "unit_price": "7.20", "line_total": "14.40"
                    }],
                    "subscriptions": [{
                        "id": "00000000-0000-0000-0000-000000000009", "sku": "CFQ7TTC0LH18", "quantity": 2,
                        "status": "active"
                    }],
                    "change": null,
                    "failure": null,
                    "decision": null
                }
            })
        );
    }

    #[test]
    fn subscription_changes_and_times_are_named_for_machines() {
        assert_eq!(serde_json::to_value(SubscriptionChange::LicenceCount).unwrap(), "licence_count");
        assert_eq!(serde_json::to_value(SubscriptionChange::PendingCancellation).unwrap(), "pending_cancellation");
        let at = time::macros::datetime!(2026-12-07 13:15:00.5 +03:00);
        assert_eq!(rfc3339(at), "2026-12-07T10:15:00.5Z");
    }

    #[test]
    fn each_constructor_names_its_event_type() {
        let id = Uuid::from_u128(1);
        assert_eq!(Event::order(OrderEvent::Submitted, id).kind(), EventType::OrderSubmitted);
        assert_eq!(Event::order(OrderEvent::AwaitingApproval, id).kind(), EventType::OrderAwaitingApproval);
        assert_eq!(Event::order(OrderEvent::CreditDecided, id).kind(), EventType::CreditDecided);
        assert_eq!(Event::order(OrderEvent::CancellationDecided, id).kind(), EventType::CancellationDecided);
        assert_eq!(Event::subscription(id, SubscriptionChange::Renewed).kind(), EventType::SubscriptionChanged);
        assert_eq!(Event::statement_issued(id).kind(), EventType::StatementIssued);
        assert_eq!(Event::test(id).kind(), EventType::Test);
    }
}
