use server::{config::Config, demo, startup, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env();
    telemetry::init(config.log_json);
    let application = startup::Application::build(&config, None).await?;
    if config.demo {
        println!("{}", demo::logins_table(&application.local_addr().to_string()));
    }
    tracing::info!(addr = %application.local_addr(), "listening");
    application.run_until(startup::shutdown_signal()).await
}
