//! Opening the database (SQLite by default, PostgreSQL by URL) and migrating it.

use std::{path::Path, time::Duration};

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::config::Config;

/// Connects with settings fit for each engine: SQLite gets WAL, foreign keys,
/// a busy timeout and a created parent folder; PostgreSQL gets a bounded pool.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.database_url.expose();
    let mut options = if url.starts_with("sqlite:") {
        let file = sqlite_path(url);
        if let Some(parent) = file.and_then(|f| Path::new(f).parent()).filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        let url = if url.contains('?') || file.is_none() { url.to_owned() } else { format!("{url}?mode=rwc") };
        let mut o = ConnectOptions::new(url);
        // Each connection to `:memory:` would be a database of its own.
        o.max_connections(if file.is_some() { 8 } else { 1 }).min_connections(1);
        o.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
        o
    } else {
        let mut o = ConnectOptions::new(url.to_owned());
        o.max_connections(20).min_connections(1);
        o
    };
    options.connect_timeout(Duration::from_secs(10)).sqlx_logging(false);
    Database::connect(options).await.context("connecting to the database")
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

/// Answers whether the database takes a trivial query (for `/readyz`).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}
