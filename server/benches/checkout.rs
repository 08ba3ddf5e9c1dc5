//! Checkout throughput against a real PostgreSQL, next to pgbench's tpcb-like figure on the same
//! server in the same run (`make bench` starts a private cluster and sets DATABASE_URL).
//!
//! Each client is a partner placing orders back to back through `place_order`: the transaction
//! behind "Submit" (partner lock, credit, add-on and duplicate checks, order, lines,
//! subscriptions, provisioning job, mail, audit, cart). Orders over a partner's credit go to
//! credit approval; the overdraft count (partners whose committed credit exceeds their limit)
//! must be 0.

use std::{
    str::FromStr,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use sqlx::{PgPool, postgres::PgConnectOptions};
use uuid::Uuid;

use app::{catalog::BillingCycle, checkout::place_order::place_order, orders::OrderStatus};

#[path = "common/orders.rs"]
mod orders;
#[path = "common/pgbench.rs"]
mod pgbench;

fn env_or<T: FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn create_partners(pool: &PgPool, count: usize) -> anyhow::Result<Vec<(Uuid, Uuid)>> {
    let mut partners = Vec::with_capacity(count);
    for i in 0..count {
        let (org, user) = (Uuid::new_v4(), Uuid::new_v4());
        sqlx::query!(
            "insert into organisation (organisation_id, kind, parent_id, name)
             values ($1, 'partner', '00000000-0000-4000-8000-000000000001', $2)",
            org,
            format!("Bench Reseller {i}")
        )
        .execute(pool)
        .await?;
        // 50,000.00: about 700 one-licence orders fit, so a run has both outcomes (submitted with
        // a provisioning job, then awaiting credit approval).
        sqlx::query!("insert into partner (organisation_id, mpn_id, credit_limit) values ($1, '1234567', 50000)", org)
            .execute(pool)
            .await?;
        // Never signs in: the hash only has to be present.
        sqlx::query!(
            "insert into app_user (user_id, organisation_id, email, display_name, role, password_hash)
             values ($1, $2, $3, 'Bench', 'partner_admin', 'not-a-login')",
            user,
            org,
            format!("bench{i}-{org}@reseller.example")
        )
        .execute(pool)
        .await?;
        partners.push((org, user));
    }
    Ok(partners)
}

struct CheckoutRun {
    orders: usize,
    awaiting: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

async fn run_checkouts(pool: &PgPool, partners: &[(Uuid, Uuid)], duration: Duration) -> anyhow::Result<CheckoutRun> {
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = partners
        .iter()
        .copied()
        .map(|(partner, user)| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut awaiting = 0;
                let mut n = 0;
                while Instant::now() < deadline {
                    let request = orders::new_tenant_order(partner, user, n, BillingCycle::Annual)?;
                    let began = Instant::now();
                    let placed = place_order(&pool, &request).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
                    latencies.push(began.elapsed());
                    if placed.status == OrderStatus::AwaitingCreditApproval {
                        awaiting += 1;
                    }
                    n += 1;
                }
                anyhow::Ok((latencies, awaiting))
            })
        })
        .collect();
    let mut run = CheckoutRun { orders: 0, awaiting: 0, elapsed: Duration::ZERO, latencies: Vec::new() };
    for task in tasks {
        let (latencies, awaiting) = task.await??;
        run.orders += latencies.len();
        run.awaiting += awaiting;
        run.latencies.extend(latencies);
    }
    run.elapsed = start.elapsed();
    run.latencies.sort();
    Ok(run)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url =
        std::env::var("DATABASE_URL").context("DATABASE_URL must name the benchmark database (make bench sets it)")?;
    let clients: usize = env_or("BENCH_CLIENTS", 8);
    let seconds: u64 = env_or("BENCH_SECONDS", 10);
    let options = PgConnectOptions::from_str(&url)?;

    let pool = server::db::pool_options(clients as u32 + 2).connect_with(options.clone()).await?;
    server::db::MIGRATOR.run(&pool).await?;
    server::demo::load(&pool).await?;
    let partners = create_partners(&pool, clients).await?;

    println!("checkout benchmark: {clients} concurrent partners, {seconds} s each phase");
    // Warm the pool and the plans, then measure.
    run_checkouts(&pool, &partners, Duration::from_millis(500)).await?;
    let run = run_checkouts(&pool, &partners, Duration::from_secs(seconds)).await?;
    let orders_per_sec = run.orders as f64 / run.elapsed.as_secs_f64();
    // Summed from the orders themselves, not read from the ledger checkout keeps: the ledger is
    // what is being checked.
    let overdrafts = sqlx::query_scalar!(
        "select count(*) as \"n!\" from partner where partner_credit_recount(organisation_id) > credit_limit"
    )
    .fetch_one(&pool)
    .await?;
    let drift = sqlx::query_scalar!(
        "select count(*) as \"n!\" from partner
         where partner_credit_used(organisation_id) <> partner_credit_recount(organisation_id)"
    )
    .fetch_one(&pool)
    .await?;

    let tps = pgbench::tpcb_like(&options, clients, seconds)?;
    println!("  orders placed          {:>10}  ({} awaiting credit approval)", run.orders, run.awaiting);
    println!("  checkout throughput    {orders_per_sec:>10.1} orders/s");
    println!(
        "  checkout latency       {:>10.2} ms p50, {:.2} ms p95",
        percentile(&run.latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&run.latencies, 0.95).as_secs_f64() * 1000.0
    );
    println!("  pgbench tpcb-like      {tps:>10.1} tps ({clients} clients, scale 10)");
    println!("  ratio                  {:>10.2} (target >= 0.40)", orders_per_sec / tps);
    println!("  credit overdrafts      {overdrafts:>10} (must be 0)");
    println!("  credit ledger drift    {drift:>10} (must be 0)");
    if overdrafts != 0 {
        bail!("{overdrafts} partners spent more than their credit limit");
    }
    if drift != 0 {
        bail!("{drift} partners' credit ledger differs from their orders");
    }
    Ok(())
}
