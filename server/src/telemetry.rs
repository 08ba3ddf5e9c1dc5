//! Structured logs through `tracing`; `RUST_LOG` filters them.

use tracing_subscriber::{EnvFilter, fmt};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,tower_http=info"));
    let builder = fmt().with_env_filter(filter).with_target(true);
    // A second init (tests build several apps in one process) is harmless, so its error is ignored.
    if json {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}

/// Human-readable logs on stderr, for subcommands whose stdout is their answer (`server pg start`).
pub fn init_stderr() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn,server=info"));
    let _ = fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
