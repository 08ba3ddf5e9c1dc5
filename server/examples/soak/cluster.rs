//! The processes under test: web servers (`server`), worker processes (`server worker`) and the
//! vendor (a `server` serving only the Partner Center sandbox, with its faults, never killed: it
//! stands for Microsoft, which does not die with our nodes). Started, SIGKILLed and restarted
//! here, each with its log in the run's directory.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::Context;
use tokio::{process::Child, sync::Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Web,
    Worker,
    Vendor,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Web => "server",
            Kind::Worker => "server worker",
            Kind::Vendor => "vendor",
        }
    }
}

pub struct Process {
    pub kind: Kind,
    pub index: usize,
    /// Where a web or vendor process listens.
    pub port: Option<u16>,
    pub log: PathBuf,
    child: Option<Child>,
    /// The log's length when the current incarnation started: its own lines come after.
    log_offset: u64,
    /// The CPU time of the current incarnation already counted (see [`Cluster::count_cpu`]).
    cpu_counted: Duration,
}

impl Process {
    pub fn label(&self) -> String {
        match self.kind {
            Kind::Vendor => "vendor".to_owned(),
            kind => format!("{} {}", kind.name(), self.index + 1),
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }
}

/// The settings every process shares, and the run's directory.
pub struct Settings {
    pub server_bin: PathBuf,
    pub dir: PathBuf,
    pub database_url: String,
    pub smtp_url: String,
    pub vendor_port: u16,
    pub fault_rate: f64,
    pub vendor_latency_ms: u64,
    pub step_ms: u64,
    pub jobs_per_server: usize,
    pub jobs_per_worker: usize,
}

/// A key of the soak's own for secrets at rest (new tenants' one-time passwords in mail).
const SECRET_KEY: &str = "50a750a750a750a750a750a750a750a750a750a750a750a750a750a750a750a7";

pub struct Cluster {
    settings: Settings,
    pub processes: Vec<Mutex<Process>>,
    /// CPU time used by each kind of process while counting was on (see [`Cluster::count_cpu`]).
    cpu: std::sync::Mutex<std::collections::HashMap<&'static str, Duration>>,
}

/// A free port of 127.0.0.1, kept by the process for the whole run (a restarted server binds it
/// again).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

impl Cluster {
    /// The processes, not started: `web` servers, `workers` worker processes and the vendor.
    pub fn new(settings: Settings, web: usize, workers: usize) -> anyhow::Result<Self> {
        let mut processes = Vec::new();
        let mut add = |kind: Kind, index: usize, port: Option<u16>| {
            let name = match kind {
                Kind::Web => format!("server-{}", index + 1),
                Kind::Worker => format!("worker-{}", index + 1),
                Kind::Vendor => "vendor".to_owned(),
            };
            processes.push(Mutex::new(Process {
                kind,
                index,
                port,
                log: settings.dir.join(format!("{name}.log")),
                child: None,
                log_offset: 0,
                cpu_counted: Duration::ZERO,
            }));
        };
        add(Kind::Vendor, 0, Some(settings.vendor_port));
        for index in 0..web {
            add(Kind::Web, index, Some(free_port()?));
        }
        for index in 0..workers {
            add(Kind::Worker, index, None);
        }
        Ok(Self { settings, processes, cpu: std::sync::Mutex::default() })
    }

    /// Adds the CPU time each process used since it was last counted to its kind's total; with
    /// `reset`, only marks where counting starts. Called when the load starts, before every
    /// SIGKILL (for the process killed) and when the load ends.
    pub async fn count_cpu(&self, only: Option<usize>, reset: bool) {
        for (index, process) in self.processes.iter().enumerate() {
            if only.is_some_and(|o| o != index) {
                continue;
            }
            let mut process = process.lock().await;
            let Some(used) = process.pid().and_then(cpu_of) else { continue };
            let counted = std::mem::replace(&mut process.cpu_counted, used);
            if !reset {
                *self.cpu.lock().expect("cpu").entry(process.kind.name()).or_default() += used.saturating_sub(counted);
            }
        }
    }

    /// CPU seconds by kind of process.
    pub fn cpu_used(&self) -> std::collections::HashMap<&'static str, Duration> {
        self.cpu.lock().expect("cpu").clone()
    }

    /// The indexes of the processes the chaos may kill: every web server and worker process.
    pub fn killable(&self) -> Vec<usize> {
        (0..self.processes.len()).filter(|i| *i != 0).collect()
    }

    pub async fn web_ports(&self) -> Vec<u16> {
        let mut ports = Vec::new();
        for process in &self.processes {
            let process = process.lock().await;
            if process.kind == Kind::Web {
                ports.extend(process.port);
            }
        }
        ports
    }

    fn environment(&self, process: &Process) -> Vec<(&'static str, String)> {
        let s = &self.settings;
        let port = process.port.unwrap_or(s.vendor_port);
        let mut env = vec![
            ("DATABASE_URL", s.database_url.clone()),
            ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")),
            ("LEPTOS_OUTPUT_NAME", "cloudmarket".to_owned()),
            // The catalog and the distributor's staff; loaded by every start, never duplicated.
            ("CLOUDMARKET_DEMO", "1".to_owned()),
            ("CLOUDMARKET_SECRET_KEY", SECRET_KEY.to_owned()),
            // All the soak's browsers come from 127.0.0.1, as from behind one proxy.
            ("CLOUDMARKET_SIGN_IN_PER_IP_PER_MINUTE", "1000000".to_owned()),
            // The vendor's timeout faults hold their answer a second past this.
            ("CLOUDMARKET_PARTNER_CENTER_TIMEOUT_MS", "2000".to_owned()),
            // A job holds a connection only while it reads or writes, so the busiest process
            // (16 jobs) shares 20 with its pages; 6 processes × 20 stay under PostgreSQL's 300.
            ("CLOUDMARKET_DB_MAX_CONNECTIONS", "20".to_owned()),
            ("RUST_LOG", "info,sqlx=warn,tower_http=warn".to_owned()),
        ];
        if process.kind == Kind::Vendor {
            env.extend([
                ("CLOUDMARKET_SANDBOX", "1".to_owned()),
                ("CLOUDMARKET_WORKERS", "0".to_owned()),
                ("CLOUDMARKET_SANDBOX_FAULT_RATE", s.fault_rate.to_string()),
                ("CLOUDMARKET_SANDBOX_LATENCY_MS", s.vendor_latency_ms.to_string()),
            ]);
            return env;
        }
        env.extend([
            // The marketplace's nodes serve no sandbox of their own, as in production; Partner
            // Center is the vendor process.
            ("CLOUDMARKET_SANDBOX", "0".to_owned()),
            ("CLOUDMARKET_PARTNER_CENTER_URL", format!("http://127.0.0.1:{}/sandbox", s.vendor_port)),
            // TCMB's rate feed too is the vendor process's stand-in: the hourly fetch must not
            // reach for the real one (and die when the machine has no way out).
            ("CLOUDMARKET_TCMB_URL", format!("http://127.0.0.1:{}/sandbox/tcmb", s.vendor_port)),
            ("CLOUDMARKET_SMTP_URL", s.smtp_url.clone()),
            ("CLOUDMARKET_PROVISIONING_STEP_MS", s.step_ms.to_string()),
            // Retries come back within seconds, so the queue drains in a bounded time after the
            // run; production's backoff (2 s doubling to 10 min) is for long vendor outages.
            ("CLOUDMARKET_JOB_RETRY_BASE_MS", "500".to_owned()),
            ("CLOUDMARKET_JOB_RETRY_MAX_MS", "5000".to_owned()),
            ("CLOUDMARKET_MAIL_RETRY_BASE_MS", "500".to_owned()),
            ("CLOUDMARKET_SHUTDOWN_GRACE_MS", "5000".to_owned()),
            (
                "CLOUDMARKET_WORKERS",
                if process.kind == Kind::Web { s.jobs_per_server } else { s.jobs_per_worker }.to_string(),
            ),
        ]);
        env
    }

    /// Starts process `index` (again, after a kill), appending to its log.
    pub async fn start(&self, index: usize) -> anyhow::Result<()> {
        let mut process = self.processes[index].lock().await;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&process.log)
            .with_context(|| format!("opening {}", process.log.display()))?;
        process.log_offset = log.metadata().map(|m| m.len()).unwrap_or(0);
        let mut command = tokio::process::Command::new(&self.settings.server_bin);
        if process.kind == Kind::Worker {
            command.arg("worker");
        }
        // Only what is set here: the caller's DATABASE_URL or CLOUDMARKET_* must not leak in.
        command
            .env_clear()
            .envs(std::env::vars().filter(|(k, _)| matches!(k.as_str(), "PATH" | "HOME" | "LANG" | "TZ")))
            .envs(self.environment(&process))
            .current_dir(&self.settings.dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // Should the soak itself die, its processes go with it.
            .kill_on_drop(true);
        let child = command.spawn().with_context(|| format!("starting {}", self.settings.server_bin.display()))?;
        process.child = Some(child);
        process.cpu_counted = Duration::ZERO;
        Ok(())
    }

    /// SIGKILL, and the pid the process had.
    pub async fn kill(&self, index: usize) -> Option<u32> {
        let mut process = self.processes[index].lock().await;
        let pid = process.pid();
        if let Some(mut child) = process.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
        pid
    }

    /// Whether process `index` is ready for work: a web or vendor process answers `/readyz` with
    /// 200 (database, migrations, workers); a worker process has logged that its workers run.
    pub async fn ready(&self, index: usize, http: &reqwest::Client) -> bool {
        let (kind, port, log, offset, alive) = {
            let mut process = self.processes[index].lock().await;
            let alive = match process.child.as_mut() {
                Some(child) => matches!(child.try_wait(), Ok(None)),
                None => false,
            };
            (process.kind, process.port, process.log.clone(), process.log_offset, alive)
        };
        if !alive {
            return false;
        }
        match (kind, port) {
            (Kind::Worker, _) | (_, None) => logged_since(&log, offset, "workers running"),
            (_, Some(port)) => http
                .get(format!("http://127.0.0.1:{port}/readyz"))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success()),
        }
    }

    /// Waits until process `index` is ready; how long that took from `since`, or `None` past
    /// `limit`.
    pub async fn wait_ready(
        &self,
        index: usize,
        http: &reqwest::Client,
        since: Instant,
        limit: Duration,
    ) -> Option<Duration> {
        while since.elapsed() < limit {
            if self.ready(index, http).await {
                return Some(since.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// Whether process `index` exited by itself (it should not: its log says why).
    pub async fn exited(&self, index: usize) -> Option<std::process::ExitStatus> {
        let mut process = self.processes[index].lock().await;
        process.child.as_mut().and_then(|child| child.try_wait().ok().flatten())
    }

    /// SIGTERM to every process, as an orchestrator stops them, then SIGKILL to any still
    /// running after `grace`.
    pub async fn stop_all(&self, grace: Duration) {
        for process in &self.processes {
            let process = process.lock().await;
            if let Some(pid) = process.pid() {
                let _ = tokio::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
            }
        }
        let deadline = Instant::now() + grace;
        for process in &self.processes {
            let mut process = process.lock().await;
            if let Some(mut child) = process.child.take() {
                let left = deadline.saturating_duration_since(Instant::now());
                if tokio::time::timeout(left, child.wait()).await.is_err() {
                    let _ = child.start_kill();
                    let _ = child.wait().await;
                }
            }
        }
    }
}

/// The CPU time (user and system) a process has used, and with `children`, that of the children
/// it waited for, from `/proc/PID/stat` (in clock ticks of 10 ms).
fn cpu_stat(pid: u32, children: bool) -> Option<(Duration, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    let mut total = ticks(11) + ticks(12);
    if children {
        total += ticks(13) + ticks(14);
    }
    let parent = fields.get(1).and_then(|f| f.parse().ok()).unwrap_or(0);
    Some((Duration::from_millis(total * 10), parent))
}

pub fn cpu_of(pid: u32) -> Option<Duration> {
    cpu_stat(pid, false).map(|(cpu, _)| cpu)
}

/// The CPU time PostgreSQL has used: the postmaster's own and its finished children's, and that
/// of the backends running now.
pub fn postgres_cpu(pgdata: &Path) -> Option<Duration> {
    let pid: u32 = std::fs::read_to_string(pgdata.join("postmaster.pid")).ok()?.lines().next()?.trim().parse().ok()?;
    let (mut total, _) = cpu_stat(pid, true)?;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        if let Some((cpu, parent)) = cpu_stat(child, false)
            && parent == pid
        {
            total += cpu;
        }
    }
    Some(total)
}

/// Whether `needle` appears in `log` after byte `offset`.
fn logged_since(log: &Path, offset: u64, needle: &str) -> bool {
    std::fs::read(log).is_ok_and(|bytes| {
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
        String::from_utf8_lossy(&bytes[start..]).contains(needle)
    })
}
