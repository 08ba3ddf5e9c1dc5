use server::{
    config::{Command, Config, PgCommand},
    demo, shutdown, startup, telemetry,
};

// See `mimalloc` in Cargo.toml: page rendering is allocation-heavy and multi-threaded.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env();
    if let Some(Command::Pg(command)) = &config.command {
        // Stdout carries only the URL, for `url=$(server pg start DIR)`.
        telemetry::init_stderr();
        return pg(command).await;
    }
    telemetry::init(config.log_json);
    if let Some(Command::Worker) = config.command {
        return startup::run_worker(&config).await;
    }
    let application = startup::Application::build(&config, None).await?;
    if config.demo {
        println!("{}", demo::logins_table(&application.local_addr().to_string()));
    }
    tracing::info!(addr = %application.local_addr(), "listening");
    application.run_until(shutdown::shutdown_signal()).await
}

async fn pg(command: &PgCommand) -> anyhow::Result<()> {
    use server::embedded_pg::{EmbeddedPostgres, Flavour};
    match command {
        PgCommand::Start { dir } => {
            let cluster = EmbeddedPostgres::start_flavour(dir, "postgres", Flavour::Throwaway).await?;
            println!("{}", cluster.tcp_url().unwrap_or_else(|| cluster.url()));
        }
        PgCommand::Stop { dir } => {
            if !EmbeddedPostgres::stop_in(dir).await? {
                eprintln!("no PostgreSQL runs in {}", dir.display());
            }
        }
    }
    Ok(())
}
