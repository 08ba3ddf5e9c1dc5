//! The paged lists the partner API reads, in a stable order, each scoped to the key's partner in
//! the query: orders (newest first), subscriptions (oldest first) and statements (newest first).

use rust_decimal::Decimal;
use sqlx::{PgExecutor, PgPool};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{
    billing::StatementStatus,
    domain::{BillingCycle, Currency, OrderKind, OrderStatus, SubscriptionStatus},
};

/// What an order list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub kind: Option<OrderKind>,
    pub customer_id: Option<Uuid>,
    /// Placed on or after this day (UTC).
    pub from: Option<Date>,
    /// Placed on or before this day (UTC).
    pub to: Option<Date>,
}

pub struct OrderRow {
    pub order_number: i64,
    pub kind: OrderKind,
    pub status: OrderStatus,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    pub term_value: Decimal,
    pub currency: Currency,
    pub created_at: OffsetDateTime,
}

/// A partner's orders, newest first, after the order numbered `before` (the cursor); `limit + 1`
/// at most, so the caller knows whether there is more.
pub async fn orders(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    filter: &OrderFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<OrderRow>, sqlx::Error> {
    sqlx::query_as!(
        OrderRow,
        r#"select so.order_number, so.kind as "kind: OrderKind", so.status as "status: OrderStatus", so.customer_id,
                  co.name as customer_name, so.subtotal, so.vat, so.total, so.term_value,
                  so.currency as "currency!: Currency", so.created_at
           from sales_order so join organisation co on co.organisation_id = so.customer_id
           where so.partner_id = $1
             and ($2::order_status is null or so.status = $2)
             and ($3::order_kind is null or so.kind = $3)
             and ($4::uuid is null or so.customer_id = $4)
             and ($5::date is null or so.created_at >= $5::date::timestamp at time zone 'UTC')
             and ($6::date is null or so.created_at < ($6::date + 1)::timestamp at time zone 'UTC')
             and ($7::bigint is null or so.order_number < $7)
           order by so.order_number desc
           limit $8"#,
        partner_id,
        filter.status as Option<OrderStatus>,
        filter.kind as Option<OrderKind>,
        filter.customer_id,
        filter.from,
        filter.to,
        before,
        limit + 1
    )
    .fetch_all(db)
    .await
}

/// Who an order of the partner is for, and the subscription a change or cancellation order
/// changes; `None` for an order that is not the partner's.
pub async fn order_facts(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    order_number: i64,
) -> Result<Option<(Uuid, Option<Uuid>)>, sqlx::Error> {
    let row = sqlx::query!(
        "select so.customer_id, c.subscription_id as \"subscription_id?\"
         from sales_order so left join subscription_change c on c.order_id = so.order_id
         where so.order_number = $1 and so.partner_id = $2",
        order_number,
        partner_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.customer_id, r.subscription_id)))
}

pub struct SubscriptionRow {
    pub subscription_id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub sku: String,
    pub product_name: String,
    pub is_addon: bool,
    pub billing_cycle: BillingCycle,
    pub quantity: i32,
    pub status: SubscriptionStatus,
    pub term_start: Option<OffsetDateTime>,
    pub term_end: Option<OffsetDateTime>,
    pub auto_renew: bool,
    pub renewal_quantity: Option<i32>,
}

/// What a subscription list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct SubscriptionFilter {
    pub customer_id: Option<Uuid>,
    pub status: Option<SubscriptionStatus>,
}

/// The subscriptions of a partner's customers, oldest first, after the one named `after` (the
/// cursor); `limit + 1` at most. A cursor that names none of them reads as past the end.
pub async fn subscriptions(
    pool: &PgPool,
    partner_id: Uuid,
    filter: &SubscriptionFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<SubscriptionRow>, sqlx::Error> {
    sqlx::query_as!(
        SubscriptionRow,
        r#"select s.subscription_id, s.customer_id, co.name as customer_name, p.sku, p.name as product_name,
                  p.base_product_id is not null as "is_addon!", s.billing_cycle as "billing_cycle: BillingCycle",
                  s.quantity, s.status as "status: SubscriptionStatus", s.term_start, s.term_end, s.auto_renew,
                  s.renewal_quantity
           from subscription s
           join organisation co on co.organisation_id = s.customer_id
           join product p on p.product_id = s.product_id
           where co.parent_id = $1
             and ($2::uuid is null or s.customer_id = $2)
             and ($3::subscription_status is null or s.status = $3)
             and ($4::uuid is null or (s.created_at, s.subscription_id)
                                      > (select a.created_at, a.subscription_id from subscription a
                                         where a.subscription_id = $4))
           order by s.created_at, s.subscription_id
           limit $5"#,
        partner_id,
        filter.customer_id,
        filter.status as Option<SubscriptionStatus>,
        after,
        limit + 1
    )
    .fetch_all(pool)
    .await
}

/// One subscription of a partner's customers, whatever its status; `None` for anyone else's.
pub async fn subscription(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    subscription_id: Uuid,
) -> Result<Option<SubscriptionRow>, sqlx::Error> {
    sqlx::query_as!(
        SubscriptionRow,
        r#"select s.subscription_id, s.customer_id, co.name as customer_name, p.sku, p.name as product_name,
                  p.base_product_id is not null as "is_addon!", s.billing_cycle as "billing_cycle: BillingCycle",
                  s.quantity, s.status as "status: SubscriptionStatus", s.term_start, s.term_end, s.auto_renew,
                  s.renewal_quantity
           from subscription s
           join organisation co on co.organisation_id = s.customer_id
           join product p on p.product_id = s.product_id
           where s.subscription_id = $1 and co.parent_id = $2"#,
        subscription_id,
        partner_id
    )
    .fetch_optional(db)
    .await
}

pub struct StatementRow {
    pub statement_number: i64,
    pub period: Date,
    pub subtotal: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    pub currency: Currency,
    pub status: StatementStatus,
    pub issued_at: OffsetDateTime,
    pub paid_at: Option<OffsetDateTime>,
}

/// A partner's statements, newest first, after the one numbered `before`; `limit + 1` at most.
pub async fn statements(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<StatementRow>, sqlx::Error> {
    sqlx::query_as!(
        StatementRow,
        r#"select statement_number, period, subtotal, vat, total, currency as "currency!: Currency",
                  status as "status: StatementStatus", issued_at, paid_at
           from statement
           where partner_id = $1 and ($2::bigint is null or statement_number < $2)
           order by statement_number desc
           limit $3"#,
        partner_id,
        before,
        limit + 1
    )
    .fetch_all(db)
    .await
}
