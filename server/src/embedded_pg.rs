//! A private PostgreSQL cluster that the server starts by itself when no `DATABASE_URL` is
//! given, so `make run` works on a machine that only has the PostgreSQL packages installed.
//!
//! The cluster listens on a Unix socket only (no TCP port to collide with or expose) and uses
//! `trust` authentication; the socket file is restricted to its owner so other local users
//! cannot use that trust.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, Connection, PgConnection};
use tokio::process::Command;

/// Fixed rather than taken from the environment: both the server (`-p`) and sqlx would
/// otherwise follow `PGPORT`, and the socket file name is derived from the port.
const PORT: u16 = 5432;
/// `sun_path` is 108 bytes on Linux (104 on macOS); stay clearly below both.
const MAX_SOCKET_PATH: usize = 100;
/// PostgreSQL's NAMEDATALEN is 64 including the terminating NUL.
const MAX_DATABASE_NAME: usize = 63;
const LOG_TAIL_LINES: usize = 20;
const OS_USER: &str = "postgres";
const DB_USER: &str = "postgres";

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPgError {
    #[error(
        "PostgreSQL server programs (initdb, pg_ctl) were not found. Install them \
         (Debian/Ubuntu: `apt-get install postgresql`), or set CLOUDMARKET_PG_BIN to the \
         directory that holds them, or set DATABASE_URL to use an existing PostgreSQL server"
    )]
    BinariesNotFound,
    #[error("CLOUDMARKET_PG_BIN={0} does not contain both initdb and pg_ctl")]
    BadPgBin(PathBuf),
    #[error("cannot prepare the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the PostgreSQL socket path {path} is {len} bytes long, the limit is {max}; \
         set CLOUDMARKET_DATA_DIR to a shorter directory"
    )]
    SocketPathTooLong { path: String, len: usize, max: usize },
    #[error(
        "running as root, but there is no `postgres` OS user to run PostgreSQL as (PostgreSQL \
         refuses to run as root); install the postgresql package, run as a normal user, or set \
         DATABASE_URL to use an existing PostgreSQL server"
    )]
    NoPostgresUser,
    #[error(
        "the postgres OS user cannot reach {0} (a parent directory is private); set \
         CLOUDMARKET_DATA_DIR to a directory it can reach (e.g. /var/lib/cloudmarket), or set \
         DATABASE_URL to use an existing PostgreSQL server"
    )]
    Unreachable(PathBuf),
    #[error("could not run {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{program} failed ({status}): {output}")]
    CommandFailed { program: String, status: std::process::ExitStatus, output: String },
    #[error("PostgreSQL did not start: {detail}\nlast lines of {}:\n{tail}", .log.display())]
    StartFailed { detail: String, log: PathBuf, tail: String },
    #[error("invalid database name {0:?}: use 1 to 63 characters from a-z, 0-9 and _")]
    InvalidDatabaseName(String),
    #[error("cannot set up database {database:?} in the embedded PostgreSQL: {source}")]
    Database {
        database: String,
        #[source]
        source: sqlx::Error,
    },
}

/// A running cluster. Dropping it leaves the cluster running on purpose: the next `start`
/// on the same directory reuses it, which is what recovers from a crashed server process.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    runner: Runner,
    pg_ctl: PathBuf,
    pgdata: PathBuf,
    socket_dir: PathBuf,
    database: String,
    /// The TCP port of a throwaway cluster; the product's listens on its socket only.
    tcp_port: Option<u16>,
}

/// How a cluster runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// The server's own database: Unix socket only, durable.
    Product,
    /// A cluster for tests, benchmarks and `sqlx prepare` (`server pg start`): also on a TCP
    /// port of 127.0.0.1 (the first free one from 55432; tools and tests take a plain URL), with
    /// durability off (its data is thrown away, and tests run much faster without fsync), and
    /// room for the connections of tests running in parallel.
    Throwaway,
}

/// Where a throwaway cluster's first port try is, and how far it looks for a free one.
const THROWAWAY_PORTS: std::ops::RangeInclusive<u16> = 55432..=55532;

impl EmbeddedPostgres {
    /// Starts (initialising on first use) a private PostgreSQL cluster under `data_dir/postgres`,
    /// reachable only through a Unix socket in that directory. Creates database `database` if missing.
    pub async fn start(data_dir: &Path, database: &str) -> Result<Self, EmbeddedPgError> {
        Self::start_flavour(data_dir, database, Flavour::Product).await
    }

    /// [`start`](Self::start) for either [`Flavour`]. A throwaway cluster takes `data_dir` as
    /// its own: as root it is handed to the postgres user (the caller made it for this cluster,
    /// often with `mktemp -d`, which only root may enter).
    pub async fn start_flavour(data_dir: &Path, database: &str, flavour: Flavour) -> Result<Self, EmbeddedPgError> {
        if !is_valid_database_name(database) {
            return Err(EmbeddedPgError::InvalidDatabaseName(database.to_owned()));
        }

        let base = data_dir.join("postgres");
        create_dir_all(&base).await?;
        let data_dir = tokio::fs::canonicalize(data_dir)
            .await
            .map_err(|source| EmbeddedPgError::DataDir { path: data_dir.to_path_buf(), source })?;
        let socket_dir = data_dir.join("postgres");
        let pgdata = socket_dir.join("pgdata");
        let log = socket_dir.join("postgres.log");
        check_socket_path(&socket_dir)?;

        let bin_dir = find_bin_dir(&pgdata).await?;
        let initdb = bin_dir.join("initdb");
        let pg_ctl = bin_dir.join("pg_ctl");
        tracing::info!(
            bin_dir = %bin_dir.display(),
            data_dir = %socket_dir.display(),
            "starting embedded PostgreSQL"
        );

        let runner = if running_as_root().await? {
            if flavour == Flavour::Throwaway {
                let mut cmd = Command::new("chown");
                cmd.arg(OS_USER).arg(&data_dir);
                run(cmd, Path::new("chown")).await?;
            }
            prepare_for_postgres_user(&data_dir, &socket_dir).await?;
            Runner::AsPostgresUser
        } else {
            Runner::Direct
        };

        if !tokio::fs::try_exists(pgdata.join("PG_VERSION")).await.unwrap_or(false) {
            tracing::info!(pgdata = %pgdata.display(), "initialising PostgreSQL cluster");
            let mut cmd = runner.command(&initdb);
            cmd.arg("-D").arg(&pgdata).args(["-U", DB_USER, "--auth=trust", "-E", "UTF8", "--no-locale"]);
            if flavour == Flavour::Throwaway {
                cmd.arg("--no-sync");
            }
            run(cmd, &initdb).await?;
        }

        let mut this = Self { runner, pg_ctl, pgdata, socket_dir, database: database.to_owned(), tcp_port: None };
        let port_file = this.socket_dir.join("port");

        if this.is_running().await? {
            tracing::info!("embedded PostgreSQL is already running, reusing it");
            if flavour == Flavour::Throwaway {
                let port = tokio::fs::read_to_string(&port_file).await.ok().and_then(|p| p.trim().parse().ok());
                this.tcp_port = Some(port.ok_or_else(|| EmbeddedPgError::StartFailed {
                    detail: format!("a cluster runs in {} but its port is not recorded", this.pgdata.display()),
                    log: log.clone(),
                    tail: String::new(),
                })?);
            }
        } else if flavour == Flavour::Throwaway {
            this.tcp_port = Some(this.start_throwaway(&log).await?);
            tokio::fs::write(&port_file, format!("{}\n", this.tcp_port.unwrap_or_default()))
                .await
                .map_err(|source| EmbeddedPgError::DataDir { path: port_file.clone(), source })?;
        } else {
            this.start_server(&log, "").await?;
        }

        this.ensure_database().await?;
        Ok(this)
    }

    /// Stops the cluster kept in `data_dir` if one runs there; for a caller that did not start it
    /// (`server pg stop`). A data directory must be stopped before it is deleted: removing a live
    /// one leaves an orphan server holding its port.
    pub async fn stop_in(data_dir: &Path) -> Result<bool, EmbeddedPgError> {
        let socket_dir = data_dir.join("postgres");
        let pgdata = socket_dir.join("pgdata");
        if !tokio::fs::try_exists(pgdata.join("postmaster.pid")).await.unwrap_or(false) {
            return Ok(false);
        }
        let bin_dir = find_bin_dir(&pgdata).await?;
        let runner = if running_as_root().await? { Runner::AsPostgresUser } else { Runner::Direct };
        let this = Self {
            runner,
            pg_ctl: bin_dir.join("pg_ctl"),
            pgdata,
            socket_dir,
            database: DB_USER.to_owned(),
            tcp_port: None,
        };
        this.stop().await?;
        Ok(true)
    }

    /// A throwaway cluster's URL over TCP, e.g. `postgres://postgres@127.0.0.1:55432/postgres`;
    /// `None` for the product's socket-only cluster.
    pub fn tcp_url(&self) -> Option<String> {
        self.tcp_port.map(|port| format!("postgres://{DB_USER}@127.0.0.1:{port}/{}", self.database))
    }

    /// Connect options for the database (Unix socket, user `postgres`).
    pub fn connect_options(&self) -> PgConnectOptions {
        self.options_for(&self.database)
    }

    /// A `postgres://` URL equivalent (for logs / child processes), e.g. postgres://postgres@localhost/cloudmarket?host=/abs/socket/dir
    pub fn url(&self) -> String {
        format!(
            "postgres://{DB_USER}@localhost:{}/{}?host={}",
            self.tcp_port.unwrap_or(PORT),
            self.database,
            percent_encode_path(&self.socket_dir.to_string_lossy())
        )
    }

    /// Stops the cluster (`pg_ctl stop -m fast`), waits for it.
    pub async fn stop(self) -> Result<(), EmbeddedPgError> {
        tracing::info!(data_dir = %self.socket_dir.display(), "stopping embedded PostgreSQL");
        let mut cmd = self.runner.command(&self.pg_ctl);
        cmd.arg("-D").arg(&self.pgdata).args(["-m", "fast", "-w", "-t", "60", "stop"]);
        run(cmd, &self.pg_ctl).await?;
        tracing::info!("embedded PostgreSQL stopped");
        Ok(())
    }

    /// Restarts the running cluster in place (`pg_ctl restart -m fast`): every connection is cut,
    /// as by an operator's restart or a managed database's maintenance, and the cluster comes back
    /// on the same port with the same options (pg_ctl keeps them in `postmaster.opts`). The soak
    /// (`server/examples/soak`) does this once mid-run.
    pub async fn restart(&self) -> Result<(), EmbeddedPgError> {
        tracing::info!(data_dir = %self.socket_dir.display(), "restarting embedded PostgreSQL");
        let mut cmd = self.runner.command(&self.pg_ctl);
        // The log again: without it the new postmaster would write to pg_ctl's output, which
        // `run` waits to close.
        cmd.arg("-D")
            .arg(&self.pgdata)
            .args(["-m", "fast", "-w", "-t", "60", "-l"])
            .arg(self.socket_dir.join("postgres.log"))
            .arg("restart");
        run(cmd, &self.pg_ctl).await?;
        Ok(())
    }

    fn options_for(&self, database: &str) -> PgConnectOptions {
        // Everything set explicitly: the defaults follow PG* environment variables that may
        // point at some other server.
        PgConnectOptions::new_without_pgpass()
            .socket(&self.socket_dir)
            // The socket's name carries the port: a throwaway cluster's is its TCP port.
            .port(self.tcp_port.unwrap_or(PORT))
            .username(DB_USER)
            .database(database)
            .ssl_mode(PgSslMode::Disable)
            .disable_statement_logging()
    }

    async fn is_running(&self) -> Result<bool, EmbeddedPgError> {
        let mut cmd = self.runner.command(&self.pg_ctl);
        cmd.arg("status").arg("-D").arg(&self.pgdata);
        let output = output(cmd, &self.pg_ctl).await?;
        // 0 = running; 3 = not running (also with a stale postmaster.pid, which `start` handles).
        if !output.status.success() {
            return Ok(false);
        }
        // In a container whose PID 1 does not reap orphans, a killed postmaster stays a zombie:
        // pg_ctl (and the postmaster's own lock check) take it for a live server forever.
        if self.postmaster_is_zombie().await {
            tracing::warn!("previous PostgreSQL postmaster is a zombie; removing its lock files");
            for lock in [self.pgdata.join("postmaster.pid"), self.socket_dir.join(format!(".s.PGSQL.{PORT}.lock"))] {
                if let Err(e) = tokio::fs::remove_file(&lock).await
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    return Err(EmbeddedPgError::DataDir { path: lock, source: e });
                }
            }
            return Ok(false);
        }
        Ok(true)
    }

    async fn postmaster_is_zombie(&self) -> bool {
        let Ok(pid_file) = tokio::fs::read_to_string(self.pgdata.join("postmaster.pid")).await else {
            return false;
        };
        let Some(pid) = pid_file.lines().next().and_then(|l| l.trim().parse::<u32>().ok()) else {
            return false;
        };
        match tokio::fs::read_to_string(format!("/proc/{pid}/stat")).await {
            Ok(stat) => process_state(&stat) == Some('Z'),
            Err(_) => false,
        }
    }

    /// Starts a throwaway cluster on the first free port: trying the port for real avoids the
    /// race of picking a free port and binding later.
    async fn start_throwaway(&self, log: &Path) -> Result<u16, EmbeddedPgError> {
        for port in THROWAWAY_PORTS {
            if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
                continue;
            }
            let options = format!(
                "-c port={port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
                 -c full_page_writes=off -c max_connections=300"
            );
            match self.start_server(log, &options).await {
                Ok(()) => return Ok(port),
                Err(err) => {
                    let log_text = tokio::fs::read_to_string(log).await.unwrap_or_default();
                    let taken = tail_lines(&log_text, 5);
                    if !["could not bind", "could not create any TCP/IP sockets", "already in use"]
                        .iter()
                        .any(|sign| taken.contains(sign))
                    {
                        return Err(err);
                    }
                }
            }
        }
        Err(EmbeddedPgError::StartFailed {
            detail: format!("no free port in {THROWAWAY_PORTS:?}"),
            log: log.to_path_buf(),
            tail: String::new(),
        })
    }

    /// `extra` options come after the defaults and win (`-c port=…` moves the TCP port; the
    /// socket keeps its name from `-p`).
    async fn start_server(&self, log: &Path, extra: &str) -> Result<(), EmbeddedPgError> {
        // pg_ctl hands this string to /bin/sh, hence the quoting. The socket permissions keep
        // other local users away from a server that trusts every connection.
        let server_options = format!(
            "-p {PORT} -k {} -c listen_addresses='' -c unix_socket_permissions=0700 {extra}",
            sh_quote(&self.socket_dir.to_string_lossy())
        );
        let mut cmd = self.runner.command(&self.pg_ctl);
        cmd.arg("-D")
            .arg(&self.pgdata)
            .args(["-w", "-t", "60", "-l"])
            .arg(log)
            .arg("-o")
            .arg(server_options)
            .arg("start");
        match run(cmd, &self.pg_ctl).await {
            Ok(_) => Ok(()),
            Err(err) => {
                let tail = tokio::fs::read_to_string(log)
                    .await
                    .map(|text| tail_lines(&text, LOG_TAIL_LINES))
                    .unwrap_or_else(|e| format!("(log unreadable: {e})"));
                Err(EmbeddedPgError::StartFailed { detail: err.to_string(), log: log.to_path_buf(), tail })
            }
        }
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedPgError> {
        let db_err = |source| EmbeddedPgError::Database { database: self.database.clone(), source };
        let mut conn = self.connect_with_retry(&self.options_for("postgres")).await.map_err(db_err)?;
        let exists: bool = sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
            .bind(&self.database)
            .fetch_one(&mut conn)
            .await
            .map_err(db_err)?;
        if !exists {
            tracing::info!(database = %self.database, "creating database");
            // Identifiers cannot be bound as parameters; the name was validated in `start`.
            let sql = format!("CREATE DATABASE \"{}\"", self.database);
            match sqlx::raw_sql(&sql).execute(&mut conn).await {
                Ok(_) => {}
                // Another process created it between our check and now.
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
                Err(e) => return Err(db_err(e)),
            }
        }
        conn.close().await.map_err(db_err)?;
        Ok(())
    }

    /// A reused cluster may still be finishing crash recovery, during which it rejects
    /// connections for a while.
    async fn connect_with_retry(&self, options: &PgConnectOptions) -> Result<PgConnection, sqlx::Error> {
        let mut attempts_left = 150;
        loop {
            match options.connect().await {
                Ok(conn) => return Ok(conn),
                Err(e) if attempts_left > 0 => {
                    attempts_left -= 1;
                    tracing::debug!(error = %e, "embedded PostgreSQL not ready yet");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// PostgreSQL refuses to run as root, so as root every server program goes through `runuser`.
#[derive(Debug, Clone, Copy)]
enum Runner {
    Direct,
    AsPostgresUser,
}

impl Runner {
    fn command(self, program: &Path) -> Command {
        let mut cmd = match self {
            Runner::Direct => Command::new(program),
            Runner::AsPostgresUser => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", OS_USER, "--"]).arg(program);
                cmd
            }
        };
        // The caller's directory (often /root) may be unreadable for the postgres user.
        cmd.current_dir("/");
        cmd
    }
}

async fn create_dir_all(path: &Path) -> Result<(), EmbeddedPgError> {
    tokio::fs::create_dir_all(path)
        .await
        .map_err(|source| EmbeddedPgError::DataDir { path: path.to_path_buf(), source })
}

fn check_socket_path(socket_dir: &Path) -> Result<(), EmbeddedPgError> {
    let path = format!("{}/.s.PGSQL.{PORT}", socket_dir.display());
    let len = path.len();
    if len >= MAX_SOCKET_PATH {
        return Err(EmbeddedPgError::SocketPathTooLong { path, len, max: MAX_SOCKET_PATH });
    }
    Ok(())
}

async fn output(mut cmd: Command, program: &Path) -> Result<std::process::Output, EmbeddedPgError> {
    cmd.stdin(Stdio::null())
        .output()
        .await
        .map_err(|source| EmbeddedPgError::Spawn { program: program.display().to_string(), source })
}

async fn run(cmd: Command, program: &Path) -> Result<std::process::Output, EmbeddedPgError> {
    let out = output(cmd, program).await?;
    if out.status.success() {
        Ok(out)
    } else {
        let mut text = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !stdout.trim().is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(stdout.trim());
        }
        Err(EmbeddedPgError::CommandFailed { program: program.display().to_string(), status: out.status, output: text })
    }
}

async fn running_as_root() -> Result<bool, EmbeddedPgError> {
    if let Ok(status) = tokio::fs::read_to_string("/proc/self/status").await
        && let Some(euid) = parse_effective_uid(&status)
    {
        return Ok(euid == 0);
    }
    // No procfs (not Linux, or a restricted sandbox).
    let mut cmd = Command::new("id");
    cmd.arg("-u");
    let out = run(cmd, Path::new("id")).await?;
    Ok(String::from_utf8_lossy(&out.stdout).trim() == "0")
}

async fn prepare_for_postgres_user(data_dir: &Path, socket_dir: &Path) -> Result<(), EmbeddedPgError> {
    let user_exists = Command::new("id")
        .arg("-u")
        .arg(OS_USER)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .map_err(|source| EmbeddedPgError::Spawn { program: "id".into(), source })?
        .success();
    if !user_exists {
        return Err(EmbeddedPgError::NoPostgresUser);
    }

    // chown would make the directory itself usable, but not its ancestors.
    if !postgres_can_enter(data_dir).await? {
        let mut blocked = data_dir.to_path_buf();
        for ancestor in data_dir.ancestors().collect::<Vec<_>>().into_iter().rev() {
            if !postgres_can_enter(ancestor).await? {
                blocked = ancestor.to_path_buf();
                break;
            }
        }
        return Err(EmbeddedPgError::Unreachable(blocked));
    }

    let mut cmd = Command::new("chown");
    cmd.args(["-R", OS_USER]).arg(socket_dir);
    run(cmd, Path::new("chown")).await?;
    Ok(())
}

async fn postgres_can_enter(dir: &Path) -> Result<bool, EmbeddedPgError> {
    let mut cmd = Runner::AsPostgresUser.command(Path::new("test"));
    cmd.arg("-x").arg(dir);
    Ok(output(cmd, Path::new("runuser")).await?.status.success())
}

async fn find_bin_dir(pgdata: &Path) -> Result<PathBuf, EmbeddedPgError> {
    if let Some(dir) = std::env::var_os("CLOUDMARKET_PG_BIN").filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        if !has_server_programs(&dir) {
            return Err(EmbeddedPgError::BadPgBin(dir));
        }
        return Ok(std::fs::canonicalize(&dir).unwrap_or(dir));
    }

    let root = Path::new("/usr/lib/postgresql");
    let mut versions = Vec::new();
    if let Ok(mut entries) = tokio::fs::read_dir(root).await {
        while let Ok(Some(entry)) = entries.next_entry().await {
            if let Some(name) = entry.file_name().to_str() {
                versions.push(name.to_owned());
            }
        }
    }
    // An existing cluster only starts with the major version that created it, so after
    // installing a newer PostgreSQL alongside, keep using the old one for that cluster.
    let cluster_version = tokio::fs::read_to_string(pgdata.join("PG_VERSION")).await.ok().map(|v| v.trim().to_owned());
    for version in order_versions(versions, cluster_version.as_deref()) {
        let dir = root.join(version).join("bin");
        if has_server_programs(&dir) {
            return Ok(dir);
        }
    }

    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.is_absolute() && has_server_programs(&dir) {
                return Ok(dir);
            }
        }
    }
    Err(EmbeddedPgError::BinariesNotFound)
}

fn has_server_programs(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// Version directory names, best first: the one matching `preferred` (if present), then the
/// rest from highest to lowest; names that are not versions are dropped.
fn order_versions(names: Vec<String>, preferred: Option<&str>) -> Vec<String> {
    let mut keyed: Vec<(Vec<u32>, String)> =
        names.into_iter().filter_map(|name| version_key(&name).map(|key| (key, name))).collect();
    keyed.sort_by(|a, b| b.0.cmp(&a.0));
    let mut ordered: Vec<String> = keyed.into_iter().map(|(_, name)| name).collect();
    if let Some(pos) = preferred.and_then(|p| ordered.iter().position(|n| n == p)) {
        let name = ordered.remove(pos);
        ordered.insert(0, name);
    }
    ordered
}

fn version_key(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

fn is_valid_database_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_DATABASE_NAME
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn parse_effective_uid(proc_status: &str) -> Option<u32> {
    let line = proc_status.lines().find(|l| l.starts_with("Uid:"))?;
    // Real, effective, saved, filesystem.
    line.split_whitespace().nth(2)?.parse().ok()
}

/// The state letter from `/proc/<pid>/stat`; the command name before it may itself contain
/// spaces and parentheses, so it is found after the last `)`.
fn process_state(stat: &str) -> Option<char> {
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn tail_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Query values are percent-decoded by URL parsers, so anything outside the unreserved set
/// (spaces, `&`, `#`, `%`, non-ASCII) must be encoded; `/` is left readable.
fn percent_encode_path(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn orders_versions_numerically_and_drops_non_versions() {
        let got = order_versions(names(&["9.6", "15", "common", "10", "16", "9.5"]), None);
        assert_eq!(got, names(&["16", "15", "10", "9.6", "9.5"]));
    }

    #[test]
    fn existing_cluster_version_comes_first() {
        let got = order_versions(names(&["15", "16", "14"]), Some("14"));
        assert_eq!(got, names(&["14", "16", "15"]));
        let got = order_versions(names(&["15", "16"]), Some("13"));
        assert_eq!(got, names(&["16", "15"]));
    }

    #[test]
    fn no_versions() {
        assert!(order_versions(Vec::new(), None).is_empty());
        assert!(order_versions(names(&["", "x.1"]), None).is_empty());
    }

    #[test]
    fn database_names() {
        assert!(is_valid_database_name("cloudmarket"));
        assert!(is_valid_database_name("cloudmarket_e2e_2"));
        assert!(is_valid_database_name(&"a".repeat(63)));
        assert!(!is_valid_database_name(&"a".repeat(64)));
        assert!(!is_valid_database_name(""));
        assert!(!is_valid_database_name("CloudMarket"));
        assert!(!is_valid_database_name("cloud-market"));
        assert!(!is_valid_database_name("x\"; drop database postgres; --"));
    }

    #[test]
    fn effective_uid_from_proc_status() {
        let status = "Name:\tserver\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
        assert_eq!(parse_effective_uid(status), Some(0));
        assert_eq!(parse_effective_uid("Uid:\t1000\t1000\t1000\t1000\n"), Some(1000));
        assert_eq!(parse_effective_uid("Name:\tx\n"), None);
    }

    #[test]
    fn process_state_from_proc_stat() {
        assert_eq!(process_state("123 (postgres) Z 1 123 123 0"), Some('Z'));
        assert_eq!(process_state("123 (a) b) S 1 2"), Some('S'));
        assert_eq!(process_state("garbage"), None);
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(sh_quote("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(sh_quote("/tmp/it's"), r"'/tmp/it'\''s'");
    }

    #[test]
    fn log_tail() {
        let text: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        let tail = tail_lines(&text, 20);
        assert!(tail.starts_with("line 11\n"));
        assert!(tail.ends_with("line 30"));
        assert_eq!(tail_lines("a\nb", 20), "a\nb");
        assert_eq!(tail_lines("", 20), "");
    }

    #[test]
    fn url_encoding_of_socket_dir() {
        assert_eq!(percent_encode_path("/srv/my data/x&y"), "/srv/my%20data/x%26y");
        assert_eq!(percent_encode_path("/tmp/a-b_c.d"), "/tmp/a-b_c.d");
    }

    #[test]
    fn socket_path_limit() {
        assert!(check_socket_path(Path::new("/var/lib/cloudmarket/postgres")).is_ok());
        let long = format!("/tmp/{}/postgres", "d".repeat(80));
        assert!(matches!(check_socket_path(Path::new(&long)), Err(EmbeddedPgError::SocketPathTooLong { .. })));
    }

    #[test]
    fn error_messages_say_what_to_do() {
        let msg = EmbeddedPgError::BinariesNotFound.to_string();
        assert!(msg.contains("apt-get install postgresql"));
        assert!(msg.contains("CLOUDMARKET_PG_BIN"));
        assert!(msg.contains("DATABASE_URL"));
        let msg = EmbeddedPgError::Unreachable(PathBuf::from("/root")).to_string();
        assert!(msg.contains("/root"));
        assert!(msg.contains("CLOUDMARKET_DATA_DIR"));
    }

    /// Needs PostgreSQL installed; run with `cargo test -p server --lib embedded_pg -- --ignored`.
    #[tokio::test]
    #[ignore]
    async fn starts_reuses_and_stops_a_real_cluster() {
        use std::os::unix::fs::PermissionsExt;

        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = PathBuf::from(format!("/tmp/cm-pg-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // As root the cluster runs as `postgres`, which must be able to enter the directory.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();

        let pg = EmbeddedPostgres::start(&dir, "cm_test").await.unwrap();
        let mut conn = pg.connect_options().connect().await.unwrap();
        let one: i32 = sqlx::query_scalar("select 1").fetch_one(&mut conn).await.unwrap();
        assert_eq!(one, 1);
        let db: String = sqlx::query_scalar("select current_database()").fetch_one(&mut conn).await.unwrap();
        assert_eq!(db, "cm_test");
        conn.close().await.unwrap();

        // As after a crash: the cluster is still up and a new start must adopt it.
        let again = EmbeddedPostgres::start(&dir, "cm_test").await.unwrap();
        let mut conn = PgConnection::connect(&again.url()).await.unwrap();
        let one: i32 = sqlx::query_scalar("select 1").fetch_one(&mut conn).await.unwrap();
        assert_eq!(one, 1);
        conn.close().await.unwrap();

        again.stop().await.unwrap();
        assert!(!dir.join("postgres/pgdata/postmaster.pid").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
