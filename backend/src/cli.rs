//! The `hub` command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::{app, config::Config, demo, graphql, jobs, telemetry, Services};

#[derive(Parser)]
#[command(name = "hub", version, about = "Hub: the control plane of a SaaS business")]
pub struct Cli {
    /// A TOML configuration file (also `HUB_CONFIG`); `HUB_*` variables override it.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Migrate the database, then serve the API and the SPA.
    Serve {
        /// Seed demo accounts first (see `hub demo`).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL); `schema.graphql` is this output.
    ExportSchema,
    /// Create demo accounts and data (idempotent) and print their credentials.
    Demo,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::ExportSchema = cli.command {
        print!("{}", graphql::sdl());
        return Ok(());
    }
    let config = Config::load(cli.config)?;
    telemetry::init_logging(&config.log);
    match cli.command {
        Command::ExportSchema => unreachable!("handled above"),
        Command::Migrate => {
            crate::db::migrate(&crate::db::connect(&config).await?).await?;
            tracing::info!("migrations applied");
        }
        Command::Demo => {
            let services = Services::start(config).await?;
            demo::seed(&services).await?.print();
        }
        Command::Serve { demo: with_demo } => {
            let bind = config.bind;
            let services = Services::start(config).await?;
            if with_demo {
                demo::seed(&services).await?.print();
            }
            let listener = tokio::net::TcpListener::bind(bind).await?;
            tracing::info!(address = %listener.local_addr()?, "Hub is serving");
            let outbox = services.config.webhooks.worker.then(|| jobs::outbox::spawn(services.clone()));
            let mail = (services.config.mail.worker && services.mailer.is_some()).then(|| jobs::mail::spawn(services.clone()));
            let scheduler = if services.config.scheduler.enabled { Some(jobs::scheduler::start(services.clone()).await?) } else { None };
            let served = app::serve(services, listener, app::shutdown_signal()).await;
            if let Some(scheduler) = scheduler {
                scheduler.stop().await;
            }
            if let Some(outbox) = outbox {
                outbox.stop().await;
            }
            if let Some(mail) = mail {
                mail.stop().await;
            }
            served?;
        }
    }
    Ok(())
}
