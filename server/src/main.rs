use server::{
    config::{Command, Config},
    demo, startup, telemetry, worker,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env();
    telemetry::init(config.log_json);
    if let Some(Command::Worker) = config.command {
        return worker::run_standalone(&config).await;
    }
    let application = startup::Application::build(&config, None).await?;
    if config.demo {
        println!("{}", demo::logins_table(&application.local_addr().to_string()));
    }
    tracing::info!(addr = %application.local_addr(), "listening");
    application.run_until(startup::shutdown_signal()).await
}
