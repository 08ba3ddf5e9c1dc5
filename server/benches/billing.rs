//! Billing against a real PostgreSQL (`make bench` starts a private cluster and sets
//! DATABASE_URL): a month's billing run over many partners' charges, the same run repeated and
//! run twice at once (nothing issued twice), and renewals of every subscription at its term's end.

use std::{str::FromStr, time::Instant};

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;
use time::macros::date;

use app::{
    billing::ssr::{bill_period, renew_due},
    partner_center::PartnerCenter,
};

fn env_or<T: FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Partners, each with `customers` customers holding `per_customer` active monthly subscriptions
/// bought in March 2030 (one 72.00 charge each), all renewing on 1 April 2030.
const SEED: &str = r#"
with partners as (
    insert into organisation (organisation_id, kind, parent_id, name)
    select gen_random_uuid(), 'partner', '00000000-0000-4000-8000-000000000001', 'Bench Partner ' || i
    from generate_series(1, $1) i
    returning organisation_id),
p as (insert into partner (organisation_id, mpn_id, credit_limit)
      select organisation_id, '1234567', 10000000 from partners returning organisation_id),
users as (insert into app_user (user_id, organisation_id, email, display_name, role, password_hash)
          select gen_random_uuid(), organisation_id, 'bench-' || organisation_id || '@reseller.example', 'Bench',
                 'partner_admin', 'not-a-login' from p returning user_id, organisation_id)
select count(*) from users
"#;

const CUSTOMERS: &str = r#"
with c as (
    insert into organisation (organisation_id, kind, parent_id, name)
    select gen_random_uuid(), 'customer', p.organisation_id, 'Bench Customer ' || i
    from partner p cross join generate_series(1, $1) i
    where p.mpn_id = '1234567' and p.credit_limit = 10000000
    returning organisation_id, parent_id),
cu as (insert into customer (organisation_id, tenant_prefix) select organisation_id, 'b' || replace(organisation_id::text, '-', '') from c returning organisation_id),
o as (
    insert into sales_order (order_id, partner_id, customer_id, kind, status, payment_method, idempotency_key, mpn_id,
                             tenant_prefix, new_tenant, subtotal, vat, total, term_value, currency, created_by)
    select gen_random_uuid(), c.parent_id, c.organisation_id, 'sales', 'completed', 'wire_transfer', gen_random_uuid(),
           '1234567', 'b' || replace(c.organisation_id::text, '-', ''), false, 72 * $2, 14.4 * $2, 86.4 * $2,
           72 * $2, 'USD', (select user_id from app_user u where u.organisation_id = c.parent_id limit 1)
    from c returning order_id, partner_id, customer_id),
s as (
    insert into subscription (subscription_id, customer_id, product_id, order_id, billing_cycle, quantity, status,
                              term_start, term_end, unit_price)
    select gen_random_uuid(), o.customer_id, ('00000000-0000-4000-8300-00000000000' || n)::uuid, o.order_id,
           'monthly', 10, 'active', '2030-03-01 09:00+00', '2030-04-01 09:00+00', 7.20
    from o cross join generate_series(1, $2) n
    returning subscription_id, customer_id, order_id)
insert into charge (partner_id, customer_id, subscription_id, order_id, kind, description, quantity, service_start,
                    service_end, amount, currency, occurred_at, source_key)
select o.partner_id, s.customer_id, s.subscription_id, s.order_id, 'purchase', 'Bench subscription', 10,
       '2030-03-01', '2030-04-01', 72.00, 'USD', '2030-03-15 12:00+00', 'bench:' || s.subscription_id
from s join o using (order_id)
"#;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url =
        std::env::var("DATABASE_URL").context("DATABASE_URL must name the benchmark database (make bench sets it)")?;
    let partners: i32 = env_or("BENCH_PARTNERS", 200);
    let customers: i32 = env_or("BENCH_CUSTOMERS", 10);
    let per_customer: i32 = env_or("BENCH_SUBSCRIPTIONS", 5);
    // The bench moves the sandbox's clock to renew everything: its connections follow that clock
    // as a server's with the sandbox on do.
    let options = PgConnectOptions::from_str(&url)?.options([(server::db::SANDBOX_CLOCK_SETTING, "on")]);
    let pool = server::db::pool_options(8).connect_with(options).await?;
    server::db::MIGRATOR.run(&pool).await?;
    server::demo::load(&pool).await?;
    if !(1..=5).contains(&per_customer) {
        bail!("BENCH_SUBSCRIPTIONS must be 1 to 5 (one per demo product)");
    }
    sqlx::query(SEED).bind(partners).execute(&pool).await?;
    sqlx::query(CUSTOMERS).bind(customers).bind(per_customer).execute(&pool).await?;
    let charges: i64 =
        sqlx::query_scalar("select count(*) from charge where source_key like 'bench:%'").fetch_one(&pool).await?;
    println!(
        "billing benchmark: {partners} partners × {customers} customers × {per_customer} subscriptions = {charges} charges"
    );

    let start = Instant::now();
    let issued = bill_period(&pool, date!(2030 - 03 - 01)).await?;
    let elapsed = start.elapsed();
    println!(
        "  billing run (March 2030): {issued} statements from {charges} charges in {:.0} ms → {:.0} charges/s, {:.1} statements/s",
        elapsed.as_secs_f64() * 1000.0,
        charges as f64 / elapsed.as_secs_f64(),
        issued as f64 / elapsed.as_secs_f64()
    );
    let start = Instant::now();
    let (a, b) = tokio::join!(bill_period(&pool, date!(2030 - 03 - 01)), bill_period(&pool, date!(2030 - 03 - 01)));
    let again = a? + b?;
    println!(
        "  the same run twice at once: {again} more statements in {:.0} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    let (statements, mismatched): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where subtotal <> (select coalesce(sum(amount), 0) from charge c
                                                              where c.statement_id = s.statement_id)
                                              or total <> subtotal + vat)
         from statement s where period = '2030-03-01'",
    )
    .fetch_one(&pool)
    .await?;
    println!("  statements for March: {statements}; totals not equal to their lines: {mismatched}");
    if again != 0 || statements != i64::from(partners) || mismatched != 0 {
        bail!("billing issued something twice or wrongly");
    }

    sqlx::query("update sandbox.clock set offset_by = '2030-04-01 10:00+00'::timestamptz - now()")
        .execute(&pool)
        .await?;
    // Nothing here reaches the vendor: the seeded subscriptions renew unchanged.
    let vendor = PartnerCenter::sandbox("http://127.0.0.1:9", std::time::Duration::from_secs(1))?;
    let start = Instant::now();
    let renewed = renew_due(&pool, &vendor).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let elapsed = start.elapsed();
    println!(
        "  renewals: {renewed} subscriptions in {:.0} ms → {:.0} renewals/s (one transaction each: new term, seat lot, charge)",
        elapsed.as_secs_f64() * 1000.0,
        renewed as f64 / elapsed.as_secs_f64()
    );
    let renewal_charges: i64 =
        sqlx::query_scalar("select count(*) from charge where kind = 'renewal'").fetch_one(&pool).await?;
    if renewal_charges != renewed as i64 {
        bail!("{renewed} renewals but {renewal_charges} renewal charges");
    }
    Ok(())
}
