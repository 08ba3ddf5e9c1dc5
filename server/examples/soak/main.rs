//! `make soak`: the whole marketplace under load while its processes die.
//!
//! Starts a private PostgreSQL, a fake mail server, the Partner Center sandbox failing a share of
//! its calls (a `server` process of its own, never killed: it stands for Microsoft), and the
//! marketplace as several `server` and `server worker` processes on that one database. Simulated
//! partners then order (retrying with the same idempotency key, double clicks included), change
//! licence counts and cancel, all through the HTTP interface, while a browser on every node
//! follows live progress. Every few seconds a random process is SIGKILLed and started again, and
//! PostgreSQL is restarted once. After the run it waits for the queue to drain and checks that
//! nothing was lost or done twice, printing each invariant with its count: it exits non-zero
//! unless all are 0.
//!
//!     soak                                   # 5 minutes, 50 partners, a kill every 5 s
//!     soak --seconds 60 --kills 2 --partners 10   # the short form `make test` runs
//!     soak --seconds 1800                    # longer
//!
//! `--server` names the server binary (default: the one beside this example's directory, as
//! cargo builds them).

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use clap::Parser;
use rand::{Rng, seq::SliceRandom};
use sqlx::postgres::PgPoolOptions;
use tokio::sync::watch;

#[path = "../../tests/api/fake_smtp.rs"]
mod fake_smtp;

mod cluster;
mod db;
mod flows;
mod http;
mod live;
mod report;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "soak",
    about = "The marketplace under load while its processes are killed; exits non-zero on any lost or doubled work"
)]
pub struct Args {
    /// How long the load runs, in seconds (then the queue drains and the checks run).
    #[arg(long, default_value_t = 300)]
    pub seconds: u64,
    /// Simulated partners, each ordering, changing and cancelling one thing at a time.
    #[arg(long, default_value_t = 50)]
    pub partners: usize,
    /// SIGKILLs over the run, evenly spread (default: one every 5 seconds).
    #[arg(long)]
    pub kills: Option<usize>,
    /// Web server processes (`server`).
    #[arg(long, default_value_t = 3)]
    pub servers: usize,
    /// Worker processes (`server worker`).
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Job workers in each `server` process. Provisioning mostly waits on Partner Center, so what
    /// keeps up with the orders is jobs in flight: about orders/s × seconds to provision (Little's
    /// law), with room for retries. Too few and the queue grows through the run and cannot drain.
    #[arg(long, default_value_t = 8)]
    pub jobs_per_server: usize,
    /// Job workers in each `server worker` process.
    #[arg(long, default_value_t = 16)]
    pub jobs_per_worker: usize,
    /// Share of Partner Center calls that fail (throttling, errors, timeouts).
    #[arg(long, default_value_t = 0.3)]
    pub fault_rate: f64,
    /// Milliseconds Partner Center takes for each call.
    #[arg(long, default_value_t = 20)]
    pub vendor_latency_ms: u64,
    /// Milliseconds each provisioning step takes at the vendor.
    #[arg(long, default_value_t = 200)]
    pub step_ms: u64,
    /// A partner's pause between two things it does, in milliseconds (on average).
    #[arg(long, default_value_t = 200)]
    pub think_ms: u64,
    /// Restart PostgreSQL this many seconds into the run (default: half-way; 0: never).
    #[arg(long)]
    pub pg_restart_at: Option<u64>,
    /// Longest wait for the queue to drain after the run, in seconds.
    #[arg(long, default_value_t = 240)]
    pub drain_seconds: u64,
    /// The server binary.
    #[arg(long)]
    pub server: Option<PathBuf>,
    /// Where PostgreSQL's data and the processes' logs go (default: a new directory in /tmp,
    /// deleted after a passing run and kept after a failing one).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// What a kill did, and how long the system took to absorb it.
pub struct Kill {
    pub at: Duration,
    pub label: String,
    /// From the SIGKILL to the restarted process being ready (`/readyz` 200, or a worker's
    /// workers running); `None` if it never was.
    pub ready_after: Option<Duration>,
    /// Jobs the killed process had in hand, and how long until the last was taken over by
    /// another worker (after its lease) or finished.
    pub jobs_held: usize,
    pub jobs_recovered_after: Option<Duration>,
}

/// The PostgreSQL restart: when, how long `pg_ctl restart` took, and until every web node was
/// ready again.
pub struct PgRestart {
    pub at: Duration,
    pub took: Duration,
    pub nodes_ready_after: Option<Duration>,
    /// PostgreSQL's CPU time just before and just after (the restart starts the count again).
    pub cpu_before: Option<Duration>,
    pub cpu_after: Option<Duration>,
}

/// CPU time used during the load, by what used it.
pub struct CpuUse {
    pub by_kind: HashMap<&'static str, Duration>,
    pub postgres: Option<Duration>,
    pub soak: Option<Duration>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt().with_env_filter("warn").with_writer(std::io::stderr).init();
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("cloudmarket-soak-{}", std::process::id())),
    };
    std::fs::create_dir_all(dir.join("logs"))?;
    let server_bin = match &args.server {
        Some(bin) => bin.clone(),
        None => std::env::current_exe()?
            .parent()
            .and_then(|examples| examples.parent())
            .map(|profile| profile.join("server"))
            .context("cannot tell where the server binary is: pass --server")?,
    };
    anyhow::ensure!(server_bin.is_file(), "no server binary at {} (build it, or pass --server)", server_bin.display());
    // The processes start in the run's directory: a relative --server would not be found there.
    let server_bin = std::fs::canonicalize(&server_bin)?;
    println!(
        "soak: {} s, {} partners, {} servers + {} workers ({} and {} jobs at once each), {:.0} % Partner Center faults",
        args.seconds,
        args.partners,
        args.servers,
        args.workers,
        args.jobs_per_server,
        args.jobs_per_worker,
        args.fault_rate * 100.0
    );
    println!("      logs and data in {}", dir.display());

    let pg = server::embedded_pg::EmbeddedPostgres::start_flavour(
        &dir.join("pg"),
        "cloudmarket_soak",
        server::embedded_pg::Flavour::Throwaway,
    )
    .await
    .context("starting PostgreSQL")?;
    let outcome = run(&args, &dir, &server_bin, &pg).await;
    if let Err(err) = pg.stop().await {
        eprintln!("soak: stopping PostgreSQL: {err}");
    }
    match outcome {
        Ok(true) => {
            if args.dir.is_none() {
                let _ = std::fs::remove_dir_all(&dir);
            }
            Ok(())
        }
        Ok(false) => {
            println!("\nsoak FAILED: an invariant is not 0 (logs in {})", dir.join("logs").display());
            std::process::exit(1);
        }
        Err(err) => {
            println!("\nsoak could not run: {err:#} (logs in {})", dir.join("logs").display());
            std::process::exit(2);
        }
    }
}

/// The whole run; `Ok(true)` when every invariant is 0.
async fn run(
    args: &Args,
    dir: &std::path::Path,
    server_bin: &std::path::Path,
    pg: &server::embedded_pg::EmbeddedPostgres,
) -> anyhow::Result<bool> {
    let database_url = pg.tcp_url().context("the soak's PostgreSQL has no TCP address")?;
    let pool =
        PgPoolOptions::new().max_connections(4).acquire_timeout(Duration::from_secs(30)).connect(&database_url).await?;
    server::db::MIGRATOR.run(&pool).await?;
    server::demo::load(&pool).await?;
    let tag = flows::run_tag();
    let hash = app::auth::ssr::hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("hashing: {e:?}"))?;
    let partners = db::create_partners(&pool, args.partners, &hash, &tag).await?;

    let smtp = fake_smtp::FakeSmtp::start().await;
    let cluster = Arc::new(cluster::Cluster::new(
        cluster::Settings {
            server_bin: server_bin.to_path_buf(),
            dir: dir.join("logs"),
            database_url: database_url.clone(),
            smtp_url: smtp.url(),
            vendor_port: cluster::free_port()?,
            fault_rate: args.fault_rate,
            vendor_latency_ms: args.vendor_latency_ms,
            step_ms: args.step_ms,
            jobs_per_server: args.jobs_per_server,
            jobs_per_worker: args.jobs_per_worker,
        },
        args.servers,
        args.workers,
    )?);
    let probe = reqwest::Client::new();
    let pgdata = dir.join("pg").join("postgres").join("pgdata");
    let outcome = drive(args, &cluster, pg, &pgdata, &pool, &partners, &smtp, &probe, &tag).await;
    cluster.stop_all(Duration::from_secs(30)).await;
    outcome
}

const PASSWORD: &str = "soak-password";

#[allow(clippy::too_many_arguments)]
async fn drive(
    args: &Args,
    cluster: &Arc<cluster::Cluster>,
    pg: &server::embedded_pg::EmbeddedPostgres,
    pgdata: &std::path::Path,
    pool: &sqlx::PgPool,
    partners: &[db::SoakPartner],
    smtp: &fake_smtp::FakeSmtp,
    probe: &reqwest::Client,
    tag: &str,
) -> anyhow::Result<bool> {
    // Everything up and ready before the clock starts.
    let boot = Instant::now();
    for index in 0..cluster.processes.len() {
        cluster.start(index).await?;
    }
    for index in 0..cluster.processes.len() {
        let label = cluster.processes[index].lock().await.label();
        cluster
            .wait_ready(index, probe, boot, Duration::from_secs(120))
            .await
            .with_context(|| format!("{label} did not become ready"))?;
    }
    println!("      {} processes ready in {:.1} s", cluster.processes.len(), boot.elapsed().as_secs_f64());

    let started = Instant::now();
    let nodes = Arc::new(http::Nodes {
        bases: cluster.web_ports().await.into_iter().map(|p| format!("http://127.0.0.1:{p}")).collect(),
    });
    let tally = Arc::new(http::Tally::new(started));
    let stats = Arc::new(flows::Stats::new(started));
    let think = Duration::from_millis(args.think_ms);

    // Signed in before the load starts: sign-in is not what is measured.
    let mut people = Vec::new();
    for (index, partner) in partners.iter().enumerate() {
        let cp = http::Browser::new(nodes.clone(), tally.clone());
        cp.sign_in(&partner.email, PASSWORD).await?;
        let portal = http::Browser::new(nodes.clone(), tally.clone());
        portal.sign_in(&partner.email, PASSWORD).await?;
        people.push(flows::Partner { index, cp, portal, stats: stats.clone(), tag: tag.to_owned(), think });
    }
    let credit = http::Browser::new(nodes.clone(), tally.clone());
    credit.sign_in("credit@distributor.example", server::demo::DEMO_PASSWORD).await?;

    // A browser on every node: a partner's (its own orders) and operations' (every order).
    let (stop_watching, watching) = watch::channel(false);
    let mut watchers = Vec::new();
    let mut watcher_tasks = Vec::new();
    for node in 0..nodes.bases.len() {
        let partner = &partners[node % partners.len()];
        for (label, email, password, scope) in [
            (
                format!("partner {} on server {}", node % partners.len(), node + 1),
                partner.email.as_str(),
                PASSWORD,
                live::Scope::Partner(partner.id),
            ),
            (
                format!("operations on server {}", node + 1),
                "ops@distributor.example",
                server::demo::DEMO_PASSWORD,
                live::Scope::Everyone,
            ),
        ] {
            let browser = http::Browser::new(nodes.clone(), tally.clone());
            browser.sign_in(email, password).await?;
            let watcher = Arc::new(live::Watcher::new(node, label, scope, db::last_progress_id(pool).await?));
            watchers.push(watcher.clone());
            watcher_tasks.push(tokio::spawn(watcher.run(browser, tally.clone(), watching.clone())));
        }
    }

    println!("      load for {} s …", args.seconds);
    cluster.count_cpu(None, true).await;
    let pg_cpu_start = cluster::postgres_cpu(pgdata);
    let soak_cpu_start = cluster::cpu_of(std::process::id());
    let (stop_load, load) = watch::channel(false);
    let partner_tasks: Vec<_> = people.into_iter().map(|p| tokio::spawn(p.run(load.clone()))).collect();
    let (stop_credit, credit_stop) = watch::channel(false);
    let credit_task = tokio::spawn(flows::credit_control(credit, pool.clone(), stats.clone(), credit_stop));

    let run_for = Duration::from_secs(args.seconds);
    let kill_count = args.kills.unwrap_or((args.seconds / 5) as usize);
    let pg_restart_at = match args.pg_restart_at {
        Some(0) => None,
        Some(at) => Some(Duration::from_secs(at)),
        None => Some(run_for / 2),
    };
    let chaos = tokio::spawn(chaos(cluster.clone(), pool.clone(), probe.clone(), started, run_for, kill_count));
    let restarting = async {
        match pg_restart_at {
            Some(at) => Some(restart_pg(cluster, pg, pgdata, probe, started, at).await),
            None => None,
        }
    };
    let (pg_restart, ()) = tokio::join!(restarting, tokio::time::sleep_until((started + run_for).into()));
    let pg_restart = pg_restart.transpose()?;
    cluster.count_cpu(None, false).await;
    let pg_cpu_end = cluster::postgres_cpu(pgdata);
    let postgres = match &pg_restart {
        Some(PgRestart { cpu_before: Some(before), cpu_after: Some(after), .. }) => {
            pg_cpu_start.zip(pg_cpu_end).map(|(start, end)| before.saturating_sub(start) + end.saturating_sub(*after))
        }
        Some(_) => None,
        None => pg_cpu_start.zip(pg_cpu_end).map(|(start, end)| end.saturating_sub(start)),
    };
    let cpu = CpuUse {
        by_kind: cluster.cpu_used(),
        postgres,
        soak: soak_cpu_start.zip(cluster::cpu_of(std::process::id())).map(|(a, b)| b.saturating_sub(a)),
    };
    let run_time = started.elapsed();

    // The run is over: no new flows; those under way finish (their calls retry to the end).
    let _ = stop_load.send(true);
    let kills = chaos.await.context("the chaos task")??;
    for task in partner_tasks {
        let _ = task.await;
    }
    let flows_done = started.elapsed();

    // Drain: every job run, every mail sent, every order decided.
    let drain_started = Instant::now();
    let mut under_way = db::under_way(pool).await?;
    while under_way != db::UnderWay::default() && drain_started.elapsed() < Duration::from_secs(args.drain_seconds) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        under_way = db::under_way(pool).await?;
    }
    let drained = under_way == db::UnderWay::default();
    let drain_time = drain_started.elapsed();
    let _ = stop_credit.send(true);
    let _ = credit_task.await;

    // The browsers catch up (a reconnect waits the retry the server asked for).
    let steps: HashMap<i64, uuid::Uuid> = db::steps_after(pool, watchers.iter().map(|w| w.baseline).min().unwrap_or(0))
        .await?
        .into_iter()
        .map(|s| (s.id, s.partner_id))
        .collect();
    let catch_up = Instant::now();
    let mut verdicts: Vec<live::Verdict> = watchers.iter().map(|w| live::verdict(w, &steps)).collect();
    while verdicts.iter().any(|v| v.missed > 0) && catch_up.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        verdicts = watchers.iter().map(|w| live::verdict(w, &steps)).collect();
    }
    let _ = stop_watching.send(true);
    for task in watcher_tasks {
        let _ = task.await;
    }

    let mut crashed = Vec::new();
    for index in 0..cluster.processes.len() {
        if let Some(status) = cluster.exited(index).await {
            crashed.push(format!("{} exited by itself ({status})", cluster.processes[index].lock().await.label()));
        }
    }

    let ledger = db::ledger(pool).await?;
    let outbox = db::outbox(pool).await?;
    let kill_instants: Vec<Instant> = kills.iter().map(|kill| started + kill.at).collect();
    let mail = report::mail_verdict(&outbox, &smtp.received(), &smtp.session_ends(), &kill_instants);
    let provisioning = db::provisioning_seconds(pool).await?;
    let report = report::Report {
        args: args.clone(),
        run_time,
        flows_done,
        drained,
        drain_time,
        under_way,
        stats: &stats,
        tally: &tally,
        kills,
        pg_restart,
        ledger,
        mail,
        verdicts,
        crashed,
        provisioning,
        cpu,
    };
    Ok(report.print())
}

/// SIGKILLs `count` times over the run, each time a random web server or worker process that is
/// up, starts it again at once and measures how long until it is ready and until the jobs it
/// held are taken over.
async fn chaos(
    cluster: Arc<cluster::Cluster>,
    pool: sqlx::PgPool,
    probe: reqwest::Client,
    started: Instant,
    run_for: Duration,
    count: usize,
) -> anyhow::Result<Vec<Kill>> {
    let mut measuring = Vec::new();
    for k in 0..count {
        // Evenly over the middle of the run, each moved a little at random.
        // In seconds as a float: the jitter may be negative, which a Duration cannot be.
        let share = (k as f64 + 0.5 + rand::thread_rng().gen_range(-0.3..0.3)) / count as f64;
        let at = Duration::from_secs_f64((run_for.as_secs_f64() * share).max(1.0))
            .min(run_for.saturating_sub(Duration::from_secs(1)));
        tokio::time::sleep_until((started + at).into()).await;
        let mut up = Vec::new();
        for index in cluster.killable() {
            if cluster.ready(index, &probe).await {
                up.push(index);
            }
        }
        let Some(&index) = up.choose(&mut rand::thread_rng()) else { continue };
        let held_pid = cluster.processes[index].lock().await.pid();
        let held = match held_pid {
            Some(pid) => db::jobs_held_by(&pool, pid).await.unwrap_or_default(),
            None => Vec::new(),
        };
        cluster.count_cpu(Some(index), false).await;
        let killed_at = Instant::now();
        let pid = cluster.kill(index).await;
        cluster.start(index).await?;
        let label = cluster.processes[index].lock().await.label();
        let (cluster, pool, probe) = (cluster.clone(), pool.clone(), probe.clone());
        measuring.push(tokio::spawn(async move {
            let ready_after = cluster.wait_ready(index, &probe, killed_at, Duration::from_secs(120)).await;
            let mut jobs_recovered_after = None;
            if let (Some(pid), false) = (pid, held.is_empty()) {
                while killed_at.elapsed() < Duration::from_secs(120) {
                    if db::still_held(&pool, &held, pid).await.is_ok_and(|n| n == 0) {
                        jobs_recovered_after = Some(killed_at.elapsed());
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            Kill {
                at: killed_at.duration_since(started),
                label,
                ready_after,
                jobs_held: held.len(),
                jobs_recovered_after,
            }
        }));
    }
    let mut kills = Vec::new();
    for task in measuring {
        kills.push(task.await?);
    }
    Ok(kills)
}

/// Restarts PostgreSQL at `at` (`pg_ctl restart -m fast`: every connection cut) and measures
/// until every web node is ready again.
async fn restart_pg(
    cluster: &cluster::Cluster,
    pg: &server::embedded_pg::EmbeddedPostgres,
    pgdata: &std::path::Path,
    probe: &reqwest::Client,
    started: Instant,
    at: Duration,
) -> anyhow::Result<PgRestart> {
    tokio::time::sleep_until((started + at).into()).await;
    let cpu_before = cluster::postgres_cpu(pgdata);
    let began = Instant::now();
    pg.restart().await.context("restarting PostgreSQL")?;
    let took = began.elapsed();
    let cpu_after = cluster::postgres_cpu(pgdata);
    let mut nodes_ready_after = None;
    while began.elapsed() < Duration::from_secs(120) {
        let mut all = true;
        for index in 0..cluster.processes.len() {
            let web = cluster.processes[index].lock().await.kind == cluster::Kind::Web;
            if web && !cluster.ready(index, probe).await {
                all = false;
                break;
            }
        }
        if all {
            nodes_ready_after = Some(began.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(PgRestart { at: began.duration_since(started), took, nodes_ready_after, cpu_before, cpu_after })
}
