//! Configuration from the command line and environment variables (all listed in the README).

use std::path::PathBuf;

use clap::{Parser, builder::BoolishValueParser};

#[derive(Clone, Debug, Parser)]
#[command(name = "cloudmarket", about = "cloudmarket: the cloud-services marketplace server")]
pub struct Config {
    /// PostgreSQL to use. Without it the server runs its own private cluster in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Where the embedded PostgreSQL cluster (and later, uploaded documents) are kept.
    #[arg(long, env = "CLOUDMARKET_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Load the demo organisations, users and catalog at start (idempotent).
    #[arg(long, env = "CLOUDMARKET_DEMO", value_parser = BoolishValueParser::new())]
    pub demo: bool,

    /// The address users reach the product at, e.g. https://marketplace.example. An https URL
    /// turns on `Secure` cookies; its origin is also accepted for state-changing requests.
    #[arg(long, env = "CLOUDMARKET_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Database connections per server process.
    #[arg(long, env = "CLOUDMARKET_DB_MAX_CONNECTIONS", default_value_t = 20)]
    pub db_max_connections: u32,

    /// Failed sign-ins allowed per address in the window below before sign-in is refused.
    #[arg(long, env = "CLOUDMARKET_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: i64,

    #[arg(long, env = "CLOUDMARKET_LOGIN_WINDOW_MINUTES", default_value_t = 15)]
    pub login_window_minutes: i64,

    /// Serve the bundled Partner Center sandbox under /sandbox (on for demos and tests; turn it
    /// off where the real Partner Center is used).
    #[arg(long, env = "CLOUDMARKET_SANDBOX", default_value = "true", value_parser = BoolishValueParser::new(), action = clap::ArgAction::Set)]
    pub sandbox: bool,

    /// Log as JSON lines (for log collectors) instead of human-readable text.
    #[arg(long, env = "CLOUDMARKET_LOG_JSON", value_parser = BoolishValueParser::new())]
    pub log_json: bool,
}

impl Config {
    /// The configuration from the process's arguments and environment.
    pub fn from_env() -> Self {
        Self::parse()
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }

    /// `site_addr` stands in for the public URL when none is configured.
    pub fn settings(&self, site_addr: std::net::SocketAddr) -> app::state::Settings {
        let public_url = match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{site_addr}"),
        };
        app::state::Settings {
            public_url,
            login_max_failures: self.login_max_failures,
            login_window_minutes: self.login_window_minutes,
            secure_cookies: self.secure_cookies(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_off_unless_asked_for() {
        // CLOUDMARKET_DEMO=1 (how `make run` asks) is covered by the browser tests' server.
        assert!(Config::try_parse_from(["server", "--demo"]).unwrap().demo);
        assert!(!Config::try_parse_from(["server"]).unwrap().demo);
    }

    #[test]
    fn secure_cookies_follow_an_https_public_url() {
        let mut config = Config::try_parse_from(["server"]).unwrap();
        assert!(!config.secure_cookies());
        config.public_url = Some("https://market.example".into());
        assert!(config.secure_cookies());
    }
}
