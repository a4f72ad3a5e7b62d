//! The `hub` binary: parses the command line and hands over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    hub::cli::run(hub::cli::Cli::parse()).await
}
