//! Webhook deliveries per second to a local receiver (`make bench` starts a private PostgreSQL
//! and sets DATABASE_URL).
//!
//! 1. Emit: `order.completed` events queued the way business actions queue them (`emit` in a
//!    transaction: the endpoint lookup, the payload read from the order, the message, the
//!    delivery and its job), committed one by one.
//! 2. Deliver: the real job workers with the real handler (`Deliverer`): claim, load, sign
//!    (Standard Webhooks, HMAC-SHA256), POST over HTTP/1.1 to a receiver on this machine that
//!    verifies every signature and answers 200, record the attempt, succeed the job. Timed from the
//!    workers' start to the last delivery recorded as succeeded.

use std::{
    net::SocketAddr,
    str::FromStr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use axum::{Router, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use sqlx::{PgPool, postgres::PgConnectOptions};
use tokio::sync::watch;

use app::{
    auth::{Role, ssr::AuthUser},
    catalog::BillingCycle,
    checkout::place_order::place_order,
    jobs::Job,
    webhooks::ssr::{
        DeliverWebhook, Deliverer, DeliverySettings, EndpointInput, Event, OrderEvent, create, emit, signature::Secret,
    },
};
use server::worker::{Registry, WorkerSettings, spawn_workers};

#[path = "common/orders.rs"]
mod orders;

fn env_or<T: FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// What the receiver saw: deliveries whose signature verified, and those that did not.
#[derive(Default)]
struct Tally {
    verified: AtomicUsize,
    forged: AtomicUsize,
}

struct Receiver {
    secret: Secret,
    tally: Tally,
}

/// A receiver as a partner writes one: check the signature, answer 200.
async fn receive(State(receiver): State<Arc<Receiver>>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let timestamp: i64 = header("webhook-timestamp").parse().unwrap_or_default();
    let expected = receiver.secret.sign(header("webhook-id"), timestamp, &body);
    if header("webhook-signature").split(' ').any(|s| s == expected) {
        receiver.tally.verified.fetch_add(1, Ordering::Relaxed);
        StatusCode::OK
    } else {
        receiver.tally.forged.fetch_add(1, Ordering::Relaxed);
        StatusCode::UNAUTHORIZED
    }
}

async fn fresh_database(options: &PgConnectOptions, name: &str) -> anyhow::Result<PgPool> {
    let admin = PgPool::connect_with(options.clone().database("postgres")).await?;
    sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&admin).await?;
    sqlx::query(&format!("create database {name}")).execute(&admin).await?;
    let pool = server::db::pool_options(24).connect_with(options.clone().database(name)).await?;
    server::db::MIGRATOR.run(&pool).await?;
    server::demo::load(&pool).await?;
    Ok(pool)
}

async fn demo_partner(pool: &PgPool) -> anyhow::Result<AuthUser> {
    let row = sqlx::query!(
        "select u.user_id, u.organisation_id, u.email, u.display_name, o.name from app_user u
         join organisation o using (organisation_id) where u.email = 'partner@reseller.example'"
    )
    .fetch_one(pool)
    .await?;
    Ok(AuthUser {
        user_id: row.user_id,
        organisation_id: row.organisation_id,
        email: row.email,
        display_name: row.display_name,
        role: Role::PartnerAdmin,
        organisation_name: row.name,
        must_change_password: false,
        session_epoch: 0,
    })
}

async fn succeeded(pool: &PgPool) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar!(r#"select count(*) as "n!" from webhook_delivery where status = 'succeeded'"#)
        .fetch_one(pool)
        .await?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url =
        std::env::var("DATABASE_URL").context("DATABASE_URL must name the benchmark database (make bench sets it)")?;
    let options = PgConnectOptions::from_str(&url)?;
    let events: usize = env_or("BENCH_WEBHOOK_EVENTS", 5_000);
    let workers: usize = env_or("BENCH_WEBHOOK_WORKERS", 4);
    let pool = fresh_database(&options, "cloudmarket_bench_webhooks").await?;

    // The receiver, and the demo partner's endpoint pointing at it.
    let key = app::secrets::SecretKey::random();
    let partner = demo_partner(&pool).await?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let receiver_url = format!("http://{}/hook", listener.local_addr()?);
    let input = EndpointInput::parse(&receiver_url, "bench", &["order.completed".to_owned()], true)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let (_, secret) = create(&pool, &key, &partner, &input).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let receiver = Arc::new(Receiver { secret, tally: Tally::default() });
    let router = Router::new().route("/hook", post(receive)).with_state(receiver.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });

    // One real order to talk about; its event emitted `events` times, each in its transaction.
    sqlx::query!("update partner set credit_limit = 1000000000 where organisation_id = $1", partner.organisation_id)
        .execute(&pool)
        .await?;
    let placed = place_order(
        &pool,
        &orders::new_tenant_order(partner.organisation_id, partner.user_id, 0, BillingCycle::Monthly)?,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let order_id =
        sqlx::query_scalar!("select order_id from sales_order where order_number = $1", placed.order_number.get())
            .fetch_one(&pool)
            .await?;
    let started = Instant::now();
    for _ in 0..events {
        let mut tx = pool.begin().await?;
        emit(&mut tx, &[Event::order(OrderEvent::Completed, order_id)]).await?;
        tx.commit().await?;
    }
    let emitted = started.elapsed();

    // The workers, as a server process runs them (its webhook lane), with the real handler.
    let deliverer = Deliverer::new(key, DeliverySettings { allow_private: true, ..DeliverySettings::default() })?;
    let registry = Registry::default().register::<DeliverWebhook, _, _>(move |job, ctx| {
        let deliverer = deliverer.clone();
        async move { deliverer.deliver(&ctx.pool, job, ctx.attempt, ctx.max_attempts).await }
    });
    let (stop, stopped) = watch::channel(false);
    let settings = WorkerSettings { poll_interval: Duration::from_millis(200), ..WorkerSettings::default() };
    let started = Instant::now();
    let handles = spawn_workers(pool.clone(), registry, settings, workers, stopped);
    let deadline = started + Duration::from_secs(600);
    while succeeded(&pool).await? < events as i64 {
        if Instant::now() > deadline {
            bail!("only {} of {events} deliveries succeeded in 10 minutes", succeeded(&pool).await?);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = started.elapsed();
    let _ = stop.send(true);
    for handle in handles {
        let _ = handle.await;
    }

    let latency = sqlx::query!(
        r#"select percentile_cont(0.5) within group (order by a.duration_ms)::float8 as "p50!",
                  percentile_cont(0.95) within group (order by a.duration_ms)::float8 as "p95!",
                  count(*) as "attempts!"
           from webhook_attempt a"#
    )
    .fetch_one(&pool)
    .await?;
    let verified = receiver.tally.verified.load(Ordering::Relaxed);
    let forged = receiver.tally.forged.load(Ordering::Relaxed);
    let dead = sqlx::query_scalar!(
        r#"select count(*) as "n!" from job where kind = $1 and state = 'dead'"#,
        DeliverWebhook::KIND
    )
    .fetch_one(&pool)
    .await?;

    println!("webhook benchmark: {events} order.completed events, one endpoint on a local receiver");
    println!(
        "  emit, in the event's transaction  {:>10.1} events/s (lookup, payload, message, delivery, job)",
        events as f64 / emitted.as_secs_f64()
    );
    println!(
        "  deliveries, {workers} workers             {:>10.1} deliveries/s (signed, POSTed, verified, recorded)",
        events as f64 / delivered.as_secs_f64()
    );
    println!(
        // Whole milliseconds, as the delivery log keeps them: a local receiver answers within one.
        "  attempt duration                  {:>10.0} ms p50, {:.0} ms p95 ({} attempts, whole ms as logged)",
        latency.p50, latency.p95, latency.attempts
    );
    println!("  signatures verified by receiver   {verified:>10} (forged: {forged}, must be 0)");
    if forged != 0 || dead != 0 || verified < events {
        bail!("{forged} deliveries did not verify, {dead} jobs died, {verified} of {events} verified");
    }
    Ok(())
}
