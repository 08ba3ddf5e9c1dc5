//! What the soak asks the database: the simulated partners it creates before the run, whether the
//! queue has drained, and the invariants it checks after (each a count that must be 0).

use std::collections::HashMap;

use rust_decimal::Decimal;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// The distributor every partner belongs to (the demo data's).
const DISTRIBUTOR: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000001);

pub struct SoakPartner {
    pub id: Uuid,
    pub email: String,
    pub credit_limit: Decimal,
}

/// `count` approved partners with one admin each (all signing in with `password_hash`'s
/// password). Their limits differ so that some orders go over and wait for credit control.
pub async fn create_partners(
    db: impl PgExecutor<'_>,
    count: usize,
    password_hash: &str,
    tag: &str,
) -> Result<Vec<SoakPartner>, sqlx::Error> {
    const LIMITS: [i64; 5] = [1_500, 4_000, 10_000, 25_000, 100_000];
    let partners: Vec<SoakPartner> = (0..count)
        .map(|i| SoakPartner {
            id: Uuid::new_v4(),
            email: format!("soak{i}-{tag}@reseller.example"),
            credit_limit: Decimal::from(LIMITS[i % LIMITS.len()]),
        })
        .collect();
    let ids: Vec<Uuid> = partners.iter().map(|p| p.id).collect();
    let names: Vec<String> = (0..count).map(|i| format!("Soak Reseller {i}")).collect();
    let emails: Vec<String> = partners.iter().map(|p| p.email.clone()).collect();
    let limits: Vec<Decimal> = partners.iter().map(|p| p.credit_limit).collect();
    sqlx::query!(
        "with organisations as (
             insert into organisation (organisation_id, kind, parent_id, name)
             select id, 'partner', $5, name from unnest($1::uuid[], $2::text[]) as p(id, name)
         ),
         partners as (
             insert into partner (organisation_id, mpn_id, credit_limit)
             select id, '1234567', credit_limit from unnest($1::uuid[], $4::numeric[]) as p(id, credit_limit)
         )
         insert into app_user (user_id, organisation_id, email, display_name, role, password_hash)
         select gen_random_uuid(), id, email, 'Soak admin', 'partner_admin', $6
         from unnest($1::uuid[], $3::text[]) as u(id, email)",
        &ids,
        &names,
        &emails,
        &limits,
        DISTRIBUTOR,
        password_hash
    )
    .execute(db)
    .await?;
    Ok(partners)
}

/// What is still under way: the queue has drained when all three are 0.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UnderWay {
    pub jobs: i64,
    pub mail: i64,
    pub orders: i64,
}

pub async fn under_way(db: impl PgExecutor<'_>) -> Result<UnderWay, sqlx::Error> {
    let row = sqlx::query!(
        r#"select (select count(*) from job where state in ('queued', 'running')) as "jobs!",
                  (select count(*) from email_outbox where status = 'pending') as "mail!",
                  (select count(*) from sales_order
                   where status in ('submitted', 'provisioning', 'new', 'awaiting_credit_approval')) as "orders!""#
    )
    .fetch_one(db)
    .await?;
    Ok(UnderWay { jobs: row.jobs, mail: row.mail, orders: row.orders })
}

/// The newest progress step now: a browser connecting now expects every step after it.
pub async fn last_progress_id(db: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"select coalesce(max(progress_id), 0) as "id!" from order_progress"#).fetch_one(db).await
}

/// A progress step recorded since `after`, with the partner whose order it is.
pub struct Step {
    pub id: i64,
    pub partner_id: Uuid,
}

pub async fn steps_after(db: impl PgExecutor<'_>, after: i64) -> Result<Vec<Step>, sqlx::Error> {
    sqlx::query_as!(
        Step,
        "select p.progress_id as id, so.partner_id from order_progress p join sales_order so using (order_id)
         where p.progress_id > $1",
        after
    )
    .fetch_all(db)
    .await
}

/// Jobs a process was running when it was killed (its workers are named `<pid>-…`).
pub async fn jobs_held_by(db: impl PgExecutor<'_>, pid: u32) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("select job_id from job where state = 'running' and locked_by like $1 || '-%'", pid.to_string())
        .fetch_all(db)
        .await
}

/// Of `jobs` (held by the killed process `pid`), how many are still held by it: not yet taken
/// over by another worker (after the lease) nor finished.
pub async fn still_held(db: impl PgExecutor<'_>, jobs: &[Uuid], pid: u32) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from job
           where job_id = any($1) and state = 'running' and locked_by like $2 || '-%'"#,
        jobs,
        pid.to_string()
    )
    .fetch_one(db)
    .await
}

/// Order numbers of orders waiting for credit control.
pub async fn awaiting_credit(db: impl PgExecutor<'_>) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!("select order_number from sales_order where status = 'awaiting_credit_approval'")
        .fetch_all(db)
        .await
}

/// The invariants read from the database after the drain. Every field must be 0.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Orders submitted (any kind) not completed, failed, rejected or cancelled, by status.
    pub open_orders: Vec<(String, i64)>,
    /// Lines of completed orders with no subscription at the vendor.
    pub vendor_missing: i64,
    /// Subscriptions at the vendor beyond the lines ordered for their tenant (duplicates).
    pub vendor_extra: i64,
    /// Subscriptions whose licence count or state differs from the vendor's.
    pub vendor_disagrees: i64,
    /// Partners whose credit in use (summed from the rows) exceeds their limit.
    pub over_credit: i64,
    /// Partners whose credit ledger (what checkout reads) differs from that sum.
    pub ledger_drift: i64,
    /// Events (an activation, a completed change or cancellation) without their charge.
    pub charges_missing: i64,
    /// Charges beyond one per event, or for an event that did not happen.
    pub charges_extra: i64,
    pub dead_jobs: i64,
    /// Customers with a completed order whose Microsoft Customer Agreement was not attested at
    /// the vendor for their tenant (the sandbox keeps one attestation per tenant, so twice cannot
    /// happen there; never is what a kill could cause).
    pub attestations_missing: i64,
    /// Orders failed at provisioning (the soak's MPN IDs and tenants are all good).
    pub failed_orders: i64,
}

pub async fn ledger(pool: &PgPool) -> Result<Ledger, sqlx::Error> {
    let open_orders = sqlx::query!(
        r#"select status::text as "status!", count(*) as "n!" from sales_order
           where status in ('submitted', 'provisioning', 'new', 'awaiting_credit_approval')
           group by status order by status"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.status, r.n))
    .collect();
    let vendor = sqlx::query!(
        r#"select
             (select count(*) from subscription s join sales_order so using (order_id)
              where so.kind = 'sales' and so.status = 'completed'
                -- The soak's own orders: the demo's past month (ESET and Acronis, never at
                -- Partner Center) is not the vendor's.
                and so.partner_id in (select organisation_id from organisation where name like 'Soak Reseller %')
                and not exists (select 1 from sandbox.subscription v
                                where v.subscription_id::text = s.vendor_subscription_id)) as "missing!",
             (select coalesce(sum(greatest(v.n - coalesce(o.n, 0), 0)), 0)::bigint
              from (select tenant_id, count(*) as n from sandbox.subscription group by tenant_id) v
              left join (select so.vendor_tenant_id as tenant_id, count(*) as n
                         from subscription s join sales_order so using (order_id)
                         where so.kind = 'sales' and s.vendor_subscription_id is not null
                         group by so.vendor_tenant_id) o using (tenant_id)) as "extra!",
             (select count(*) from subscription s
              join sandbox.subscription v on v.subscription_id::text = s.vendor_subscription_id
              where (s.status = 'active' and (v.status <> 'active' or v.quantity <> s.quantity))
                 or (s.status = 'cancelled' and v.status <> 'cancelled')) as "disagrees!""#
    )
    .fetch_one(pool)
    .await?;
    let money = sqlx::query!(
        r#"select
             (select count(*) from partner
              where partner_credit_recount(organisation_id) > credit_limit) as "over_credit!",
             (select count(*) from partner
              where partner_credit_used(organisation_id) <> partner_credit_recount(organisation_id)) as "drift!",
             (select count(*) from subscription s join sales_order so using (order_id)
              where so.kind = 'sales' and so.status = 'completed' and s.term_start is not null
                and not exists (select 1 from charge c
                                where c.source_key = 'purchase:' || s.subscription_id and c.kind = 'purchase'))
             + (select count(*) from sales_order so join subscription_change c using (order_id)
                where so.status = 'completed' and (so.subtotal > 0 or c.refund > 0)
                  and not exists (select 1 from charge ch where ch.source_key = 'order:' || so.order_id))
               as "missing!",
             (select coalesce(sum(n - 1), 0)::bigint from
                (select count(*) as n from charge where kind = 'purchase' group by subscription_id) p where n > 1)
             + (select count(*) from charge c join sales_order so using (order_id)
                where c.kind <> 'renewal' and so.status <> 'completed')
               as "extra!",
             (select count(*) from job where state = 'dead') as "dead_jobs!",
             (select count(distinct so.customer_id) from sales_order so
              where so.kind = 'sales' and so.status = 'completed'
                and so.partner_id in (select organisation_id from organisation where name like 'Soak Reseller %')
                and not exists (select 1 from customer_agreement a
                                join sandbox.agreement_attestation v on v.tenant_id = a.vendor_tenant_id
                                where a.customer_id = so.customer_id and a.vendor_attested_at is not null))
               as "attestations_missing!",
             (select count(*) from sales_order where status = 'provisioning_failed') as "failed!""#
    )
    .fetch_one(pool)
    .await?;
    Ok(Ledger {
        open_orders,
        vendor_missing: vendor.missing,
        vendor_extra: vendor.extra,
        vendor_disagrees: vendor.disagrees,
        over_credit: money.over_credit,
        ledger_drift: money.drift,
        charges_missing: money.missing,
        charges_extra: money.extra,
        dead_jobs: money.dead_jobs,
        attestations_missing: money.attestations_missing,
        failed_orders: money.failed,
    })
}

/// Every mail the product queued, by its outbox id, with whether it is recorded as sent.
pub async fn outbox(db: impl PgExecutor<'_>) -> Result<HashMap<Uuid, bool>, sqlx::Error> {
    let rows =
        sqlx::query!(r#"select outbox_id, status::text = 'sent' as "sent!" from email_outbox"#).fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.outbox_id, r.sent)).collect())
}

/// Orders placed, and how long provisioning took from submit to completion (seconds), for the
/// sales orders completed in the run.
pub async fn provisioning_seconds(db: impl PgExecutor<'_>) -> Result<Vec<f64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select extract(epoch from p.recorded_at - so.created_at)::float8 as "seconds!"
           from sales_order so join order_progress p on p.order_id = so.order_id and p.step = 'completed'
           where so.kind = 'sales'"#
    )
    .fetch_all(db)
    .await
}
