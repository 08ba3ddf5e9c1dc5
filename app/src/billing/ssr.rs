//! Billing in the database: charges written in the transaction of the event that causes them,
//! renewals and monthly billing runs as idempotent jobs, statements and markups.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::Date;
use uuid::Uuid;

use super::{
    BillingOverview, ChargeKind, CreditUsage, CustomerSpend, MonthSpend, PriceRow, StatementDetail, StatementLine,
    StatementStatus, StatementSummary, rules,
};
use crate::i18n::Say;
use crate::{
    audit::{self, AuditEntry},
    auth::ssr::AuthUser,
    error::AppError,
    jobs::{self, Job, JobError},
    partner_center::{PartnerCenter, VendorChange},
    webhooks::ssr::{self as webhooks, Event, SubscriptionChange},
};

/// The charges for a sales order's subscriptions, once they are active: a monthly term bills its
/// month, an annual term its year upfront (the order line's total).
pub async fn charge_purchases(conn: &mut PgConnection, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into charge (partner_id, customer_id, subscription_id, order_id, kind, description, quantity,
                             service_start, service_end, amount, currency, occurred_at, source_key)
         select so.partner_id, s.customer_id, s.subscription_id, so.order_id, 'purchase', p.name, s.quantity,
                (s.term_start at time zone 'UTC')::date, (s.term_end at time zone 'UTC')::date, l.line_total,
                so.currency, market_now(), 'purchase:' || s.subscription_id
         from subscription s
         join sales_order so on so.order_id = s.order_id
         join order_line l on l.order_id = s.order_id and l.product_id = s.product_id
         join product p on p.product_id = s.product_id
         where s.order_id = $1 and s.status = 'active' and s.term_start is not null
         on conflict (source_key) do nothing",
        order_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The charge for a completed change or cancellation order: an increase's prorated price, or
/// the refund of seats removed (or a term cancelled) inside its window. Nothing when there is
/// nothing to bill.
pub async fn charge_change(conn: &mut PgConnection, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into charge (partner_id, customer_id, subscription_id, order_id, kind, description, quantity,
                             service_start, service_end, amount, currency, occurred_at, source_key)
         select so.partner_id, so.customer_id, c.subscription_id, so.order_id,
                case when so.subtotal > 0 then 'increase'::charge_kind else 'refund'::charge_kind end,
                p.name, greatest(abs(c.to_quantity - c.from_quantity), 1),
                (market_now() at time zone 'UTC')::date,
                greatest((s.term_end at time zone 'UTC')::date, (market_now() at time zone 'UTC')::date),
                case when so.subtotal > 0 then so.subtotal else -c.refund end,
                so.currency, market_now(), 'order:' || so.order_id
         from sales_order so
         join subscription_change c on c.order_id = so.order_id
         join subscription s on s.subscription_id = c.subscription_id
         join product p on p.product_id = s.product_id
         where so.order_id = $1 and (so.subtotal > 0 or c.refund > 0)
         on conflict (source_key) do nothing",
        order_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Renews every subscription whose term ended (the scheduler queues it hourly).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RenewSubscriptions {
    /// The hour it was queued for: one job per hour, however many processes ask.
    pub hour: String,
}

impl Job for RenewSubscriptions {
    const KIND: &'static str = "renew_subscriptions";

    fn dedup_key(&self) -> Option<String> {
        Some(self.hour.clone())
    }
}

/// Issues the statements of a month (the scheduler queues last month's).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BillingRun {
    pub period: Date,
}

impl Job for BillingRun {
    const KIND: &'static str = "billing_run";

    fn dedup_key(&self) -> Option<String> {
        Some(self.period.to_string())
    }
}

/// Queues this hour's renewals and last month's billing run; called every minute by each
/// process with workers. The dedup keys make every call after the first a no-op.
pub async fn schedule(pool: &PgPool) -> Result<(), sqlx::Error> {
    let now = sqlx::query_scalar!(r#"select market_now() as "now!""#).fetch_one(pool).await?;
    let mut conn = pool.acquire().await?;
    let hour = format!("{} {:02}", now.date(), now.hour());
    jobs::enqueue(&mut conn, &RenewSubscriptions { hour }).await?;
    jobs::enqueue(&mut conn, &BillingRun { period: rules::previous_period(now.date()) }).await?;
    Ok(())
}

struct Due {
    subscription_id: Uuid,
    customer_id: Uuid,
    partner_id: Uuid,
    product_name: String,
    quantity: i32,
    renewal_quantity: Option<i32>,
    auto_renew: bool,
    unit_price: Decimal,
    currency: crate::domain::Currency,
    vendor_tenant_id: Option<Uuid>,
    vendor_subscription_id: Option<String>,
}

/// Renews (or, with auto-renew off, ends) each active subscription whose term is over, one
/// transaction each: the new term, the licence count scheduled for it, one seat lot from the
/// renewal (a new 168-hour window), and the renewal's charge at today's price. A subscription
/// several terms behind renews once per term. Due subscriptions are listed in batches and each is
/// then locked by its key (SKIP LOCKED: another worker may have it): taking them one by one from
/// the index would walk past every row already renewed in this run, over and over.
pub async fn renew_due(pool: &PgPool, partner_center: &PartnerCenter) -> Result<usize, JobError> {
    let retry = |e: sqlx::Error| JobError::retryable(e.to_string());
    let mut renewed = 0;
    loop {
        let batch = sqlx::query_scalar!(
            "select subscription_id from subscription
             where status = 'active' and term_end <= market_now() order by term_end limit 500"
        )
        .fetch_all(pool)
        .await
        .map_err(retry)?;
        let mut progressed = false;
        for id in batch {
            if renew_one(pool, partner_center, id).await? {
                renewed += 1;
                progressed = true;
            }
        }
        // Nothing left, or only what other workers hold right now.
        if !progressed {
            return Ok(renewed);
        }
    }
}

async fn renew_one(pool: &PgPool, partner_center: &PartnerCenter, id: Uuid) -> Result<bool, JobError> {
    let retry = |e: sqlx::Error| JobError::retryable(e.to_string());
    let mut tx = pool.begin().await.map_err(retry)?;
    let due = sqlx::query_as!(
        Due,
        r#"select s.subscription_id, s.customer_id, co.parent_id as "partner_id!", p.name as product_name,
                  s.quantity, s.renewal_quantity, s.auto_renew, pp.unit_price, pp.currency as "currency!: crate::domain::Currency",
                  so.vendor_tenant_id, s.vendor_subscription_id
           from subscription s
           join organisation co on co.organisation_id = s.customer_id
           join product p on p.product_id = s.product_id
           join product_price pp on pp.product_id = s.product_id and pp.billing_cycle = s.billing_cycle
           join sales_order so on so.order_id = s.order_id
           where s.subscription_id = $1 and s.status = 'active' and s.term_end <= market_now()
           for update of s skip locked"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(retry)?;
    let Some(due) = due else { return Ok(false) };
    let quantity = due.renewal_quantity.unwrap_or(due.quantity);
    // The vendor first: if it fails, nothing here changed and the job tries again.
    if let (Some(tenant), Some(vendor_id)) = (due.vendor_tenant_id, due.vendor_subscription_id.as_deref()) {
        let change = if !due.auto_renew {
            Some(VendorChange::Cancel)
        } else if quantity != due.quantity {
            Some(VendorChange::QuantityAtRenewal(quantity))
        } else {
            None
        };
        if let Some(change) = change {
            let request = Uuid::new_v5(&due.subscription_id, b"renewal");
            partner_center.update_subscription(tenant, vendor_id, change, request).await.map_err(|e| match e {
                crate::partner_center::PartnerCenterError::Unavailable { message, retry_after } => {
                    JobError::Retryable { message, after: retry_after }
                }
                refused => JobError::Fatal(refused.to_string()),
            })?;
        }
    }
    if due.auto_renew {
        let amount = due.unit_price * Decimal::from(quantity);
        sqlx::query!(
            "with renewed as (
                     update subscription set term_start = term_end,
                            term_end = term_end + case when billing_cycle = 'annual' then interval '1 year'
                                                       else interval '1 month' end,
                            quantity = $2, renewal_quantity = null
                     where subscription_id = $1
                     returning subscription_id, order_id, term_start, term_end),
                 lots as (delete from seat_lot where subscription_id = $1),
                 lot as (
                     insert into seat_lot (subscription_id, order_id, quantity, added_at)
                     select subscription_id, order_id, $2, term_start from renewed)
                 insert into charge (partner_id, customer_id, subscription_id, kind, description, quantity,
                                     service_start, service_end, amount, currency, occurred_at, source_key)
                 select $3, $4, subscription_id, 'renewal', $5, $2, (term_start at time zone 'UTC')::date,
                        (term_end at time zone 'UTC')::date, $6, $7, term_start,
                        'renewal:' || subscription_id || ':' || (term_start at time zone 'UTC')::date
                 from renewed
                 on conflict (source_key) do nothing",
            due.subscription_id,
            quantity,
            due.partner_id,
            due.customer_id,
            due.product_name,
            amount,
            due.currency.code()
        )
        .execute(&mut *tx)
        .await
        .map_err(retry)?;
    } else {
        sqlx::query!("update subscription set status = 'expired' where subscription_id = $1", due.subscription_id)
            .execute(&mut *tx)
            .await
            .map_err(retry)?;
    }
    let change = if due.auto_renew { SubscriptionChange::Renewed } else { SubscriptionChange::Expired };
    webhooks::emit(&mut tx, &[Event::subscription(due.subscription_id, change)]).await.map_err(retry)?;
    tx.commit().await.map_err(retry)?;
    Ok(true)
}

/// Issues every partner's statement for `period` from its unbilled charges of that month or
/// before. Idempotent: a partner's statement for the month is made once (a unique constraint
/// decides between runs racing), and a charge joins one statement only. Returns how many were
/// issued by this call.
#[tracing::instrument(name = "billing.bill_period", skip(pool))]
pub async fn bill_period(pool: &PgPool, period: Date) -> Result<usize, sqlx::Error> {
    let end = rules::next_period(period);
    let partners = sqlx::query_scalar!(
        "select distinct partner_id from charge
         where statement_id is null and occurred_at < ($1::date)::timestamp at time zone 'UTC'",
        end
    )
    .fetch_all(pool)
    .await?;
    let mut issued = 0;
    for partner in partners {
        if issue_statement(pool, partner, period, end).await? {
            issued += 1;
        }
    }
    Ok(issued)
}

async fn issue_statement(pool: &PgPool, partner: Uuid, period: Date, end: Date) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let created = sqlx::query_scalar!(
        "insert into statement (statement_id, partner_id, period, subtotal, vat, total, currency, issued_at)
         select $1, $2, $3, 0, 0, 0, currency, market_now() from partner where organisation_id = $2
         on conflict (partner_id, period) do nothing
         returning statement_id",
        Uuid::new_v4(),
        partner,
        period
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(statement_id) = created else {
        // Issued already (by an earlier run, or one running alongside that got there first).
        tx.rollback().await?;
        return Ok(false);
    };
    let amounts = sqlx::query_scalar!(
        "update charge set statement_id = $1
         where partner_id = $2 and statement_id is null and occurred_at < ($3::date)::timestamp at time zone 'UTC'
         returning amount",
        statement_id,
        partner,
        end
    )
    .fetch_all(&mut *tx)
    .await?;
    let (subtotal, vat, total) = rules::totals(amounts);
    sqlx::query!(
        "update statement set subtotal = $2, vat = $3, total = $4 where statement_id = $1",
        statement_id,
        subtotal,
        vat,
        total
    )
    .execute(&mut *tx)
    .await?;
    webhooks::emit(&mut tx, &[Event::statement_issued(statement_id)]).await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn record_payment(
    pool: &PgPool,
    user: &AuthUser,
    number: crate::domain::StatementNumber,
    reference: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let status = sqlx::query_scalar!(
        r#"select status as "status: StatementStatus" from statement where statement_number = $1 for update"#,
        number.get()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found(Say::StatementNotFound))?;
    if status == StatementStatus::Paid {
        return Err(AppError::conflict(Say::StatementAlreadyPaid { statement: number.to_string() }));
    }
    sqlx::query!(
        "update statement set status = 'paid', paid_at = market_now(), payment_reference = $2, recorded_by = $3
         where statement_number = $1",
        number.get(),
        reference,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "statement.paid",
            target_type: "statement",
            target_id: number.to_string(),
            detail: json!({ "reference": reference }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A partner's credit as an order sees it: locked, so that concurrent orders of the partner (a
/// checkout, a licence increase) take turns and never spend the same credit twice. Take it first
/// in the order's transaction, before any customer or subscription row: the one lock order.
pub struct LockedCredit {
    pub available: Decimal,
    pub currency: crate::domain::Currency,
}

/// Locks the partner row, as checkout does, and reads what is available: the limit less what is
/// used (`fold_partner_credit`). None when the partner does not exist.
///
/// `for no key update`, not `for update`: the credit ledger's triggers insert `credit_delta` rows,
/// whose foreign key takes a key-share lock on the partner row, inside transactions that already
/// hold subscription and order rows (provisioning, billing). `for update` would make those wait
/// for us while we wait for their subscription: a deadlock the soak found. This lock still
/// excludes every other holder of it (checkout, changes, credit decisions).
pub async fn lock_credit(conn: &mut PgConnection, partner_id: Uuid) -> Result<Option<LockedCredit>, sqlx::Error> {
    let Some(locked) = sqlx::query!(
        r#"select credit_limit, currency as "currency!: crate::domain::Currency"
           from partner where organisation_id = $1 for no key update"#,
        partner_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    // A statement of its own, after the lock: its snapshot has what the previous holder of the
    // lock committed (a checkout's order), which one taken before waiting for the lock has not.
    let used =
        sqlx::query_scalar!(r#"select fold_partner_credit($1) as "used!""#, partner_id).fetch_one(&mut *conn).await?;
    Ok(Some(LockedCredit { available: locked.credit_limit - used, currency: locked.currency }))
}

pub async fn usage(db: impl PgExecutor<'_>, partner_id: Uuid) -> Result<Option<CreditUsage>, sqlx::Error> {
    sqlx::query_as!(
        CreditUsage,
        r#"select o.name as partner_name, p.credit_limit,
                  coalesce((select sum(subtotal) from statement where partner_id = $1 and status = 'unpaid'), 0)
                      as "unpaid_statements!",
                  coalesce((select sum(amount) from charge where partner_id = $1 and statement_id is null), 0)
                      as "unbilled_charges!",
                  coalesce((select sum(term_value) from sales_order where partner_id = $1
                            and status in ('submitted', 'provisioning', 'provisioning_failed')), 0) as "open_orders!",
                  p.credit_limit - partner_credit_used($1) as "available!",
                  p.currency as "currency!: crate::domain::Currency"
           from partner p join organisation o using (organisation_id)
           where p.organisation_id = $1"#,
        partner_id
    )
    .fetch_optional(db)
    .await
}

#[tracing::instrument(name = "billing.overview", skip(pool))]
pub async fn overview(pool: &PgPool, partner_id: Uuid) -> Result<Option<BillingOverview>, AppError> {
    let Some(usage) = usage(pool, partner_id).await? else { return Ok(None) };
    // Each of the last twelve months beside the same month a year before.
    let spend = sqlx::query!(
        r#"select m::date as "month!",
                  coalesce(sum(c.amount) filter (where date_trunc('month', c.occurred_at at time zone 'UTC') = m), 0)
                      as "amount!",
                  coalesce(sum(c.amount) filter (where date_trunc('month', c.occurred_at at time zone 'UTC')
                                                       = m - interval '1 year'), 0) as "year_before!"
           from generate_series(date_trunc('month', market_now() at time zone 'UTC') - interval '11 months',
                                date_trunc('month', market_now() at time zone 'UTC'), interval '1 month') m
           left join charge c on c.partner_id = $1
                and date_trunc('month', c.occurred_at at time zone 'UTC') in (m, m - interval '1 year')
           group by m order by m"#,
        partner_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| MonthSpend { month: r.month, amount: r.amount, year_before: r.year_before })
    .collect();
    let by_customer = sqlx::query_as!(
        CustomerSpend,
        r#"select o.name as customer_name, sum(c.amount) as "amount!"
           from charge c join organisation o on o.organisation_id = c.customer_id
           where c.partner_id = $1
             and date_trunc('month', c.occurred_at at time zone 'UTC') = date_trunc('month', market_now() at time zone 'UTC')
           group by o.organisation_id, o.name
           order by 2 desc, o.name"#,
        partner_id
    )
    .fetch_all(pool)
    .await?;
    let statements = statements_of(pool, Some(partner_id)).await?;
    let unbilled = lines(pool, partner_id, None).await?;
    Ok(Some(BillingOverview { usage, spend, by_customer, statements, unbilled }))
}

async fn statements_of(db: impl PgExecutor<'_>, partner: Option<Uuid>) -> Result<Vec<StatementSummary>, sqlx::Error> {
    sqlx::query_as!(
        StatementSummary,
        r#"select s.statement_number as "statement_number: crate::domain::StatementNumber", o.name as partner_name, s.period, s.subtotal, s.vat, s.total,
                  s.currency as "currency!: crate::domain::Currency", s.status as "status: StatementStatus", s.issued_at, s.paid_at,
                  s.payment_reference
           from statement s join organisation o on o.organisation_id = s.partner_id
           where $1::uuid is null or s.partner_id = $1
           order by s.status = 'unpaid' desc, s.period desc, o.name
           limit 500"#,
        partner
    )
    .fetch_all(db)
    .await
}

pub async fn all_statements(db: impl PgExecutor<'_>) -> Result<Vec<StatementSummary>, sqlx::Error> {
    statements_of(db, None).await
}

/// A statement's charges (or, with no statement, the unbilled ones) by customer and subscription.
pub async fn lines(
    db: impl PgExecutor<'_>,
    partner_id: Uuid,
    statement: Option<Uuid>,
) -> Result<Vec<StatementLine>, sqlx::Error> {
    sqlx::query_as!(
        StatementLine,
        r#"select co.name as customer_name, c.description, c.kind as "kind: ChargeKind", c.service_start,
                  c.service_end, c.quantity, c.amount
           from charge c join organisation co on co.organisation_id = c.customer_id
           where c.partner_id = $1 and c.statement_id is not distinct from $2
           order by co.name, c.description, c.occurred_at, c.charge_id"#,
        partner_id,
        statement
    )
    .fetch_all(db)
    .await
}

pub async fn statement(
    pool: &PgPool,
    number: crate::domain::StatementNumber,
    partner: Option<Uuid>,
) -> Result<Option<StatementDetail>, sqlx::Error> {
    let Some(row) = sqlx::query!(
        "select statement_id, partner_id from statement where statement_number = $1 and ($2::uuid is null or partner_id = $2)",
        number.get(),
        partner
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let summary = statements_of(pool, Some(row.partner_id)).await?.into_iter().find(|s| s.statement_number == number);
    let Some(summary) = summary else { return Ok(None) };
    let lines = lines(pool, row.partner_id, Some(row.statement_id)).await?;
    Ok(Some(StatementDetail { summary, lines }))
}

pub async fn prices(db: impl PgExecutor<'_>, partner_id: Uuid) -> Result<Vec<PriceRow>, sqlx::Error> {
    sqlx::query_as!(
        PriceRow,
        r#"select p.product_id as "product_id: crate::domain::ProductId", p.sku, p.name, m.unit_price as monthly, a.unit_price as annual,
                  coalesce(pp.markup_percent, 0) as "markup_percent!", m.currency as "currency!: crate::domain::Currency"
           from product p
           join product_price m on m.product_id = p.product_id and m.billing_cycle = 'monthly'
           join product_price a on a.product_id = p.product_id and a.billing_cycle = 'annual'
           left join partner_price pp on pp.product_id = p.product_id and pp.partner_id = $1
           where p.is_active
           order by p.base_product_id is not null, p.name"#,
        partner_id
    )
    .fetch_all(db)
    .await
}

pub async fn set_markup(
    pool: &PgPool,
    user: &AuthUser,
    product_id: crate::domain::ProductId,
    markup: Decimal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let saved = sqlx::query!(
        "insert into partner_price (partner_id, product_id, markup_percent)
         select $1, product_id, $3 from product where product_id = $2 and is_active
         on conflict (partner_id, product_id) do update set markup_percent = excluded.markup_percent, updated_at = now()",
        user.organisation_id,
        product_id.get(),
        markup
    )
    .execute(&mut *tx)
    .await?;
    if saved.rows_affected() == 0 {
        return Err(AppError::not_found(Say::ProductNotFound));
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "price.markup_set",
            target_type: "product",
            target_id: product_id.to_string(),
            detail: json!({ "markup_percent": markup }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
