//! Billing in the database: charges written in the transaction of the event that causes them,
//! renewals and monthly billing runs as idempotent jobs, statements and markups.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::Date;
use uuid::Uuid;

use super::{
    BillingOverview, ChargeKind, CreditUsage, CustomerSpend, MonthSpend, PriceChange, PriceListLine, PriceRow,
    StatementDetail, StatementLine, StatementStatus, StatementSummary, rules,
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
/// month, an annual term its year upfront, an annual term billed monthly its first month (each
/// the order line's total, at the price of the order's day); `bill_months` charges the rest.
pub async fn charge_purchases(conn: &mut PgConnection, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into charge (partner_id, customer_id, subscription_id, order_id, kind, description, quantity,
                             service_start, service_end, amount, currency, occurred_at, source_key)
         select so.partner_id, s.customer_id, s.subscription_id, so.order_id, 'purchase', p.name, s.quantity,
                (s.term_start at time zone 'UTC')::date,
                ((s.term_start + charge_length(s.billing_cycle)) at time zone 'UTC')::date, l.line_total,
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

/// Charges the months due of every annual term billed monthly (the scheduler queues it hourly).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BillMonths {
    /// The hour it was queued for: one job per hour, however many processes ask.
    pub hour: String,
}

impl Job for BillMonths {
    const KIND: &'static str = "bill_months";

    fn dedup_key(&self) -> Option<String> {
        Some(self.hour.clone())
    }
}

/// Mails the renewal price notices due (the scheduler queues it hourly).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NoticeRenewalPrices {
    /// The hour it was queued for: one job per hour, however many processes ask.
    pub hour: String,
}

impl Job for NoticeRenewalPrices {
    const KIND: &'static str = "notice_renewal_prices";

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
    jobs::enqueue(&mut conn, &RenewSubscriptions { hour: hour.clone() }).await?;
    jobs::enqueue(&mut conn, &BillMonths { hour: hour.clone() }).await?;
    jobs::enqueue(&mut conn, &NoticeRenewalPrices { hour }).await?;
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
/// renewal (a new 168-hour window), and the renewal's charge at the price in effect on the
/// renewal's day (the old term's end), which the subscription keeps for the new term. A subscription
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
                  s.quantity, s.renewal_quantity, s.auto_renew, pp.unit_price as "unit_price!",
                  so.currency as "currency!: crate::domain::Currency", so.vendor_tenant_id, s.vendor_subscription_id
           from subscription s
           join organisation co on co.organisation_id = s.customer_id
           join product p on p.product_id = s.product_id
           join sales_order so on so.order_id = s.order_id
           join lateral price_in_effect(s.product_id, s.billing_cycle, (s.term_end at time zone 'UTC')::date) pp on true
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
                     update subscription set term_start = term_end, term_end = term_end + term_length(billing_cycle),
                            quantity = $2, renewal_quantity = null, unit_price = $8
                     where subscription_id = $1
                     returning subscription_id, order_id, term_start, term_end, billing_cycle),
                 lots as (delete from seat_lot where subscription_id = $1),
                 lot as (
                     insert into seat_lot (subscription_id, order_id, quantity, added_at)
                     select subscription_id, order_id, $2, term_start from renewed)
                 insert into charge (partner_id, customer_id, subscription_id, kind, description, quantity,
                                     service_start, service_end, amount, currency, occurred_at, source_key)
                 select $3, $4, subscription_id, 'renewal', $5, $2, (term_start at time zone 'UTC')::date,
                        ((term_start + charge_length(billing_cycle)) at time zone 'UTC')::date, $6, $7, term_start,
                        'renewal:' || subscription_id || ':' || (term_start at time zone 'UTC')::date
                 from renewed
                 on conflict (source_key) do nothing",
            due.subscription_id,
            quantity,
            due.partner_id,
            due.customer_id,
            due.product_name,
            amount,
            due.currency.code(),
            due.unit_price
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

/// Charges each month that has begun of every annual term billed monthly, after its first (the
/// purchase or the renewal charged that one): the term's locked price times the licences held.
/// One statement, keyed by each month's source key, so a run repeated (a retry, two processes)
/// charges nothing twice and a run after a pause catches up every month it missed. A month is
/// dated from its first day, so it lands on that month's statement.
#[tracing::instrument(name = "billing.bill_months", skip(db))]
pub async fn bill_months(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let charged = sqlx::query!(
        "insert into charge (partner_id, customer_id, subscription_id, kind, description, quantity,
                             service_start, service_end, amount, currency, occurred_at, source_key)
         select co.parent_id, s.customer_id, s.subscription_id, 'month', p.name, s.quantity,
                (m.starts at time zone 'UTC')::date, ((m.starts + interval '1 month') at time zone 'UTC')::date,
                s.unit_price * s.quantity, so.currency, m.starts,
                'month:' || s.subscription_id || ':' || (m.starts at time zone 'UTC')::date
         from subscription s
         join organisation co on co.organisation_id = s.customer_id
         join product p on p.product_id = s.product_id
         join sales_order so on so.order_id = s.order_id
         -- Months 2 to 12 of the term, each counted from its start as PostgreSQL adds months.
         cross join lateral (select s.term_start + n * interval '1 month' as starts
                             from generate_series(1, 11) n) m
         where s.billing_cycle = 'annual_monthly' and s.status in ('active', 'pending_cancellation')
           and m.starts <= market_now() and m.starts < s.term_end
         on conflict (source_key) do nothing"
    )
    .execute(db)
    .await?;
    Ok(charged.rows_affected())
}

/// How far ahead a renewal at a new price is announced.
const NOTICE_DAYS: i64 = 30;

struct NoticeDue {
    subscription_id: Uuid,
    term_end: time::OffsetDateTime,
    partner_id: Uuid,
    customer_name: String,
    contact_email: Option<String>,
    product_name: String,
    billing_cycle: crate::domain::BillingCycle,
    licences: i32,
    old_price: Decimal,
    new_price: Decimal,
    currency: crate::domain::Currency,
}

/// Tells the partner and the customer's contact, 30 days ahead, of each renewal (auto-renew on)
/// whose price in effect on the renewal's day differs from the term's: once per renewal, as a
/// `renewal_price_notice` row written with the mails in one transaction. Returns how many.
#[tracing::instrument(name = "billing.notice_renewal_prices", skip(pool))]
pub async fn notice_renewal_prices(pool: &PgPool) -> Result<usize, sqlx::Error> {
    let due = sqlx::query_as!(
        NoticeDue,
        r#"select s.subscription_id, s.term_end as "term_end!", co.parent_id as "partner_id!", co.name as customer_name,
                  cu.contact_email, p.name as product_name, s.billing_cycle as "billing_cycle: crate::domain::BillingCycle",
                  coalesce(s.renewal_quantity, s.quantity) as "licences!", s.unit_price as old_price,
                  pp.unit_price as "new_price!", so.currency as "currency!: crate::domain::Currency"
           from subscription s
           join organisation co on co.organisation_id = s.customer_id
           join customer cu on cu.organisation_id = s.customer_id
           join product p on p.product_id = s.product_id
           join sales_order so on so.order_id = s.order_id
           join lateral price_in_effect(s.product_id, s.billing_cycle, (s.term_end at time zone 'UTC')::date) pp on true
           where s.status = 'active' and s.auto_renew
             and s.term_end > market_now() and s.term_end <= market_now() + make_interval(days => $1)
             and pp.unit_price <> s.unit_price
             and not exists (select 1 from renewal_price_notice n
                             where n.subscription_id = s.subscription_id and n.renews_at = s.term_end)"#,
        NOTICE_DAYS as i32
    )
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    for notice in due {
        let mut tx = pool.begin().await?;
        let first = sqlx::query_scalar!(
            "insert into renewal_price_notice (subscription_id, renews_at, old_unit_price, new_unit_price)
             values ($1, $2, $3, $4) on conflict do nothing returning 1",
            notice.subscription_id,
            notice.term_end,
            notice.old_price,
            notice.new_price
        )
        .fetch_optional(&mut *tx)
        .await?;
        // Another run (or process) sent it meanwhile.
        if first.is_none() {
            continue;
        }
        let licences = Decimal::from(notice.licences);
        let money = |amount: Decimal| crate::domain::Money::new(amount, notice.currency);
        let mail = crate::notifications::Mail::written(|locale| {
            super::mails::renewal_price_change(
                locale,
                &super::mails::RenewalPrice {
                    product: &notice.product_name,
                    customer: &notice.customer_name,
                    renews_on: notice.term_end.date(),
                    licences: notice.licences,
                    option: notice.billing_cycle.label(),
                    old_unit: money(notice.old_price).in_locale(locale),
                    new_unit: money(notice.new_price).in_locale(locale),
                    old_amount: money(notice.old_price * licences).in_locale(locale),
                    new_amount: money(notice.new_price * licences).in_locale(locale),
                },
            )
        });
        crate::notifications::ssr::send_to_partner(&mut *tx, notice.partner_id, &mail).await?;
        if let Some(contact) = notice.contact_email.as_deref() {
            crate::notifications::ssr::send(&mut *tx, contact, &mail).await?;
        }
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
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
        r#"select p.product_id as "product_id: crate::domain::ProductId", p.sku, p.name, m.unit_price as "monthly!",
                  a.unit_price as "annual!", am.unit_price as "annual_monthly?",
                  coalesce(pp.markup_percent, 0) as "markup_percent!", m.currency as "currency!: crate::domain::Currency"
           from product p
           join product_price_now m on m.product_id = p.product_id and m.billing_cycle = 'monthly'
           join product_price_now a on a.product_id = p.product_id and a.billing_cycle = 'annual'
           left join product_price_now am on am.product_id = p.product_id and am.billing_cycle = 'annual_monthly'
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

/// A price list read and checked against the catalog: each line's change (with the price in
/// effect on its date as the list stands) or what is wrong with it. A product's SKU must exist, its
/// currency stay the one it is priced in, and its date be today (the market's) or later; an annual
/// price without its "Annual, billed monthly" line brings one, worked out by the rule. Reads only.
pub async fn price_list(conn: &mut PgConnection, csv: &str) -> Result<Vec<PriceListLine>, sqlx::Error> {
    let read = rules::parse_price_list(csv);
    let skus: Vec<String> = read.iter().filter_map(|(_, _, line)| line.as_ref().ok().map(|l| l.sku.clone())).collect();
    let today = sqlx::query_scalar!(r#"select (market_now() at time zone 'UTC')::date as "today!""#)
        .fetch_one(&mut *conn)
        .await?;
    let products = sqlx::query!(
        r#"select p.product_id, upper(p.sku) as "sku!", p.name,
                  (select currency from product_price pp where pp.product_id = p.product_id
                   order by effective_from desc limit 1) as "currency?: crate::domain::Currency"
           from product p where upper(p.sku) = any($1)"#,
        &skus
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = products.iter().map(|p| p.product_id).collect();
    let prices = sqlx::query!(
        r#"select product_id, billing_cycle as "cycle: crate::domain::BillingCycle", effective_from, unit_price
           from product_price where product_id = any($1)"#,
        &ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let in_effect = |product_id: Uuid, cycle: crate::domain::BillingCycle, day: Date| {
        let dated: Vec<(Date, Decimal)> = prices
            .iter()
            .filter(|p| p.product_id == product_id && p.cycle == cycle)
            .map(|p| (p.effective_from, p.unit_price))
            .collect();
        rules::price_in_effect(&dated, day)
    };
    let mut lines: Vec<PriceListLine> = Vec::new();
    for (number, text, parsed) in &read {
        let checked = parsed.clone().and_then(|line| {
            let product = products
                .iter()
                .find(|p| p.sku == line.sku)
                .ok_or(Say::PriceLineUnknownSku { sku: line.sku.clone() })?;
            if let Some(expected) = product.currency.filter(|c| *c != line.currency) {
                return Err(Say::PriceLineCurrency {
                    currency: line.currency.code().into(),
                    expected: expected.code().into(),
                });
            }
            if line.effective_from < today {
                return Err(Say::PriceLinePastDate { date: line.effective_from.to_string() });
            }
            Ok(PriceChange {
                sku: line.sku.clone(),
                product_name: product.name.clone(),
                cycle: line.cycle,
                current: in_effect(product.product_id, line.cycle, line.effective_from),
                new_price: line.unit_price,
                currency: line.currency,
                effective_from: line.effective_from,
                derived: false,
            })
        });
        let (change, error) = match checked {
            Ok(change) => (Some(change), None),
            Err(say) => (None, Some(say.into())),
        };
        lines.push(PriceListLine { line: *number, text: text.clone(), change, error });
    }
    // Microsoft prices an annual term billed monthly from the annual price: a list that moves the
    // annual price and says nothing of the monthly-billed one moves it by the rule.
    let given = |sku: &str, cycle, day| {
        read.iter()
            .any(|(_, _, l)| l.as_ref().is_ok_and(|l| l.sku == sku && l.cycle == cycle && l.effective_from == day))
    };
    let derived: Vec<PriceListLine> = lines
        .iter()
        .filter_map(|l| {
            let annual = l.change.as_ref().filter(|c| c.cycle == crate::domain::BillingCycle::Annual)?;
            if given(&annual.sku, crate::domain::BillingCycle::AnnualMonthly, annual.effective_from) {
                return None;
            }
            let product = products.iter().find(|p| p.sku == annual.sku)?;
            let cycle = crate::domain::BillingCycle::AnnualMonthly;
            Some(PriceListLine {
                line: l.line,
                text: l.text.clone(),
                change: Some(PriceChange {
                    cycle,
                    current: in_effect(product.product_id, cycle, annual.effective_from),
                    new_price: rules::annual_billed_monthly(annual.new_price),
                    derived: true,
                    ..annual.clone()
                }),
                error: None,
            })
        })
        .collect();
    lines.extend(derived);
    lines.sort_by_key(|l| l.line);
    Ok(lines)
}

/// Applies a price list: every line or none. Parsed and checked again here (what was previewed is
/// not trusted), then written in one transaction with its audit entry; a price already dated that
/// day for the product and option is replaced. Returns how many prices were set.
pub async fn import_price_list(pool: &PgPool, user: &AuthUser, csv: &str) -> Result<usize, AppError> {
    let mut tx = pool.begin().await?;
    let lines = price_list(&mut tx, csv).await?;
    let wrong = lines.iter().filter(|l| l.error.is_some()).count();
    if wrong > 0 {
        return Err(AppError::invalid("csv", Say::PriceListRefused { count: wrong }));
    }
    let changes: Vec<&PriceChange> = lines.iter().filter_map(|l| l.change.as_ref()).collect();
    if changes.is_empty() {
        return Err(AppError::invalid("csv", Say::PriceListEmpty));
    }
    let skus: Vec<String> = changes.iter().map(|c| c.sku.clone()).collect();
    let cycles: Vec<crate::domain::BillingCycle> = changes.iter().map(|c| c.cycle).collect();
    let prices: Vec<Decimal> = changes.iter().map(|c| c.new_price).collect();
    let currencies: Vec<String> = changes.iter().map(|c| c.currency.code().to_owned()).collect();
    let dates: Vec<Date> = changes.iter().map(|c| c.effective_from).collect();
    sqlx::query!(
        "insert into product_price (product_id, billing_cycle, unit_price, currency, effective_from)
         select p.product_id, l.cycle, l.price, l.currency, l.effective_from
         from unnest($1::text[], $2::billing_cycle[], $3::numeric[], $4::text[], $5::date[])
              as l(sku, cycle, price, currency, effective_from)
         join product p on upper(p.sku) = l.sku
         on conflict (product_id, billing_cycle, effective_from)
         do update set unit_price = excluded.unit_price, currency = excluded.currency",
        &skus,
        &cycles as &[crate::domain::BillingCycle],
        &prices,
        &currencies,
        &dates
    )
    .execute(&mut *tx)
    .await?;
    let detail: Vec<serde_json::Value> = changes
        .iter()
        .map(|c| {
            json!({ "sku": c.sku, "billing_cycle": c.cycle.code(), "unit_price": c.new_price, "currency": c.currency.code(),
                    "effective_from": c.effective_from.to_string(), "previous": c.current, "derived": c.derived })
        })
        .collect();
    let first = dates.iter().min().map(Date::to_string).unwrap_or_default();
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.user_id),
            acting_as: None,
            action: "price_list.imported",
            target_type: "price_list",
            target_id: first,
            detail: json!({ "prices": detail }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(changes.len())
}
