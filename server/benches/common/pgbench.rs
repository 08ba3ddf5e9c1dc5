//! pgbench's tpcb-like figure on the benchmark's own server, in a database of its own: the
//! yardstick each benchmark's throughput is compared with.

use std::process::Command;

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;

fn binary() -> String {
    std::env::var("PGBENCH").unwrap_or_else(|_| {
        let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|dirs| {
                dirs.filter_map(Result::ok).map(|d| d.path().join("bin/pgbench")).filter(|p| p.exists()).collect()
            })
            .unwrap_or_default();
        found.sort();
        found.pop().map(|p| p.display().to_string()).unwrap_or_else(|| "pgbench".into())
    })
}

fn psql_like(bin: &str, options: &PgConnectOptions, database: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("-h")
        .arg(options.get_host())
        .arg("-p")
        .arg(options.get_port().to_string())
        .arg("-U")
        .arg(options.get_username())
        .arg(database);
    cmd
}

/// Transactions per second of `clients` pgbench clients for `seconds` (scale 10).
pub fn tpcb_like(options: &PgConnectOptions, clients: usize, seconds: u64) -> anyhow::Result<f64> {
    let bin = binary();
    let dropdb = bin.replace("pgbench", "dropdb");
    let createdb = bin.replace("pgbench", "createdb");
    let _ = psql_like(&dropdb, options, "pgbench_bench").arg("--if-exists").output();
    let out = psql_like(&createdb, options, "pgbench_bench").output().with_context(|| format!("running {createdb}"))?;
    if !out.status.success() {
        bail!("createdb failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = psql_like(&bin, options, "pgbench_bench").args(["-i", "-q", "-s", "10"]).output()?;
    if !out.status.success() {
        bail!("pgbench -i failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = psql_like(&bin, options, "pgbench_bench")
        .args(["-n", "-b", "tpcb-like", "-c", &clients.to_string(), "-j", "2", "-T", &seconds.to_string()])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("tps = ").and_then(|rest| rest.split_whitespace().next()?.parse().ok()))
        .with_context(|| format!("no tps in pgbench output: {text}"))
}
