//! Sign-in under a flood: 200 parallel sign-ins with made-up addresses (each costs a full argon2
//! verification, as a real one does), against the server binary in a process of its own so its
//! peak memory (VmHWM) is its own. Run twice: with the password-hash cap lifted to 200 at once
//! (how the server ran before the cap), then with the configured default.
//! `make bench` sets DATABASE_URL to a private PostgreSQL.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

const PARALLEL: usize = 200;
const ROUNDS: usize = 3;

struct Server {
    child: std::process::Child,
    origin: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

async fn start(database_url: &str, hashes_at_once: Option<&str>) -> anyhow::Result<Server> {
    let address = format!("127.0.0.1:{}", free_port()?);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", &address)
        .env("LEPTOS_OUTPUT_NAME", "cloudmarket")
        .env("CLOUDMARKET_DEMO", "0")
        .env("CLOUDMARKET_WORKERS", "0")
        // Without the demo the server needs a key for secrets at rest; any will do for one run.
        .env("CLOUDMARKET_SECRET_KEY", "be".repeat(32))
        // One client sends everything here: the per-IP limit would refuse the flood before it
        // reaches the hashing this measures.
        .env("CLOUDMARKET_SIGN_IN_PER_IP_PER_MINUTE", "1000000")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null());
    if let Some(n) = hashes_at_once {
        command.env("CLOUDMARKET_PASSWORD_HASHES_AT_ONCE", n);
    }
    let child = command.spawn().context("starting the server binary")?;
    let server = Server { child, origin: format!("http://{address}") };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client.get(format!("{}/healthz", server.origin)).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server at {address} did not come up")
}

fn peak_rss_mib(server: &Server) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc/<pid>/status")?;
    Ok(kib / 1024)
}

/// Sign-ins per second over the rounds, and the peak RSS in MiB.
async fn run(database_url: &str, hashes_at_once: Option<&str>) -> anyhow::Result<(f64, u64, u64)> {
    let server = start(database_url, hashes_at_once).await?;
    let idle = peak_rss_mib(&server)?;
    let client = reqwest::Client::new();
    let started = Instant::now();
    for round in 0..ROUNDS {
        let logins: Vec<_> = (0..PARALLEL)
            .map(|n| {
                let (client, origin) = (client.clone(), server.origin.clone());
                tokio::spawn(async move {
                    let email = format!("made-up-{round}-{n}@example.com");
                    client
                        .post(format!("{origin}/api/login"))
                        .header("accept", "application/json")
                        .header("origin", &origin)
                        .form(&[("email", email.as_str()), ("password", "guess"), ("next", "")])
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                })
            })
            .collect();
        for login in logins {
            let status = login.await??;
            if status != 422 {
                bail!("a made-up sign-in answered {status}, not 422");
            }
        }
    }
    let rate = (ROUNDS * PARALLEL) as f64 / started.elapsed().as_secs_f64();
    Ok((rate, peak_rss_mib(&server)?, idle))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let database_url = std::env::var("DATABASE_URL").context("DATABASE_URL (make bench sets it)")?;
    println!(
        "login: {ROUNDS} rounds of {PARALLEL} parallel sign-ins with made-up addresses (server in its own process)"
    );
    let (rate, peak, idle) = run(&database_url, Some("200")).await?;
    println!("  200 hashes at once (no cap)    {rate:7.1} sign-ins/s   peak RSS {peak:5} MiB (idle {idle} MiB)");
    let (rate, peak, idle) = run(&database_url, None).await?;
    println!("  default cap (2 at once)        {rate:7.1} sign-ins/s   peak RSS {peak:5} MiB (idle {idle} MiB)");
    Ok(())
}
