//! Opening the database (SQLite by default, PostgreSQL by URL) and migrating it.

use std::{path::Path, time::Duration};

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

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

/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: the
/// write lock is taken at the start, so a transaction that reads before it
/// writes waits its turn (up to the busy timeout) instead of failing with
/// SQLITE_BUSY_SNAPSHOT when another connection commits in between — a
/// deferred `BEGIN` cannot upgrade a stale read snapshot, and busy_timeout does
/// not help it. PostgreSQL ignores the mode. Every domain write goes through here.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() };
    db.begin_with_options(options).await
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

#[cfg(test)]
mod tests {
    use sea_orm::Statement;

    use super::*;

    async fn counter_db(dir: &Path) -> DatabaseConnection {
        let mut config = Config::default();
        config.database_url = crate::config::SecretString::new(format!("sqlite://{}/t.db", dir.display()));
        let db = connect(&config).await.unwrap();
        db.execute_unprepared("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);")
            .await
            .unwrap();
        db
    }

    /// Read, then write, in one transaction, from many connections at once:
    /// what `staff::update` and friends do. With a deferred BEGIN some of these
    /// fail with SQLITE_BUSY_SNAPSHOT; with `begin_write` all succeed in turn.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn read_then_write_transactions_wait_their_turn_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let db = counter_db(dir.path()).await;
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    let txn = begin_write(&db).await?;
                    let row =
                        txn.query_one_raw(Statement::from_string(txn.get_database_backend(), "SELECT n FROM counter WHERE id = 1")).await?;
                    let n: i64 = row.expect("the row exists").try_get("", "n")?;
                    tokio::task::yield_now().await;
                    txn.execute_unprepared(&format!("UPDATE counter SET n = {} WHERE id = 1", n + 1)).await?;
                    txn.commit().await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().expect("no transaction fails");
        }
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT n FROM counter")).await.unwrap().unwrap();
        assert_eq!(row.try_get::<i64>("", "n").unwrap(), 40, "no lost update either");
    }
}
