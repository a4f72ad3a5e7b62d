//! Insights rollups (issue 6): token usage per customer per UTC day and site
//! telemetry per site per UTC day, kept up to date in the same transaction as
//! the write they summarise (`tenants::usage::ingest`,
//! `projects::telemetry::record_site_stats`), and backfilled here from the rows
//! that already exist. `day` is the number of days since 1970-01-01 (UTC).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UsageDailyRollups {
    Table,
    CustomerId,
    Day,
    TokensInput,
    TokensOutput,
    TokensCacheRead,
    TokensCacheWrite,
    WebSearchCount,
    WebFetchCount,
    CostCents,
}

#[derive(DeriveIden)]
enum SiteDailyRollups {
    Table,
    ProjectId,
    SiteUuid,
    Day,
    VendorId,
    SiteSlug,
    Windows,
    OrdersCount,
    NewUsersCount,
    RevenuePaise,
    RequestsCount,
    ErrorsCount,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

const USAGE_COLUMNS: &str =
    "tokens_input, tokens_output, tokens_cache_read, tokens_cache_write, web_search_count, web_fetch_count, cost_cents";

fn day_of(backend: DbBackend, column: &str) -> String {
    match backend {
        // Timestamps are stored as RFC 3339 text in UTC.
        DbBackend::Sqlite => format!("(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) / 86400)"),
        _ => format!("CAST(FLOOR(EXTRACT(EPOCH FROM {column}) / 86400) AS BIGINT)"),
    }
}

fn metric(backend: DbBackend, name: &str) -> String {
    match backend {
        DbBackend::Sqlite => format!("COALESCE(CAST(json_extract(s.metrics, '$.{name}') AS INTEGER), 0)"),
        _ => format!("COALESCE(CAST(s.metrics ->> '{name}' AS BIGINT), 0)"),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UsageDailyRollups::Table)
                    .col(uuid(UsageDailyRollups::CustomerId))
                    .col(big_integer(UsageDailyRollups::Day))
                    .col(big_integer(UsageDailyRollups::TokensInput))
                    .col(big_integer(UsageDailyRollups::TokensOutput))
                    .col(big_integer(UsageDailyRollups::TokensCacheRead))
                    .col(big_integer(UsageDailyRollups::TokensCacheWrite))
                    .col(big_integer(UsageDailyRollups::WebSearchCount))
                    .col(big_integer(UsageDailyRollups::WebFetchCount))
                    .col(big_integer(UsageDailyRollups::CostCents))
                    .primary_key(Index::create().col(UsageDailyRollups::CustomerId).col(UsageDailyRollups::Day))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UsageDailyRollups::Table, UsageDailyRollups::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_usage_daily_rollups_day").table(UsageDailyRollups::Table).col(UsageDailyRollups::Day).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SiteDailyRollups::Table)
                    .col(uuid(SiteDailyRollups::ProjectId))
                    .col(uuid(SiteDailyRollups::SiteUuid))
                    .col(big_integer(SiteDailyRollups::Day))
                    .col(big_integer(SiteDailyRollups::VendorId))
                    .col(string_len(SiteDailyRollups::SiteSlug, 128))
                    .col(big_integer(SiteDailyRollups::Windows))
                    .col(big_integer(SiteDailyRollups::OrdersCount))
                    .col(big_integer(SiteDailyRollups::NewUsersCount))
                    .col(big_integer(SiteDailyRollups::RevenuePaise))
                    .col(big_integer(SiteDailyRollups::RequestsCount))
                    .col(big_integer(SiteDailyRollups::ErrorsCount))
                    .primary_key(
                        Index::create().col(SiteDailyRollups::ProjectId).col(SiteDailyRollups::SiteUuid).col(SiteDailyRollups::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SiteDailyRollups::Table, SiteDailyRollups::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_site_daily_rollups_day", vec![SiteDailyRollups::Day]),
            ("idx_site_daily_rollups_project_day", vec![SiteDailyRollups::ProjectId, SiteDailyRollups::Day]),
            ("idx_site_daily_rollups_vendor_day", vec![SiteDailyRollups::VendorId, SiteDailyRollups::Day]),
        ] {
            let mut index = Index::create().name(name).table(SiteDailyRollups::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }

        // Backfill from what is already stored.
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        let sums = USAGE_COLUMNS.split(", ").map(|c| format!("SUM(b.{c})")).collect::<Vec<_>>().join(", ");
        let day = day_of(backend, "b.bucket_hour");
        db.execute_unprepared(&format!(
            "INSERT INTO usage_daily_rollups (customer_id, day, {USAGE_COLUMNS}) \
             SELECT o.customer_id, {day}, {sums} FROM token_usage_buckets b JOIN orders o ON o.id = b.order_id \
             GROUP BY o.customer_id, {day}"
        ))
        .await?;
        let day = day_of(backend, "s.window_start");
        let metrics = ["orders_count", "new_users_count", "revenue_paise", "requests_count", "errors_count"];
        let sums = metrics.iter().map(|m| format!("SUM({})", metric(backend, m))).collect::<Vec<_>>().join(", ");
        // The newest window's vendor and slug stand for the day.
        db.execute_unprepared(&format!(
            "INSERT INTO site_daily_rollups (project_id, site_uuid, day, vendor_id, site_slug, windows, {}) \
             SELECT s.project_id, s.site_uuid, {day}, \
               (SELECT l.vendor_id FROM site_stats l WHERE l.project_id = s.project_id AND l.site_uuid = s.site_uuid ORDER BY l.window_start DESC LIMIT 1), \
               (SELECT l.site_slug FROM site_stats l WHERE l.project_id = s.project_id AND l.site_uuid = s.site_uuid ORDER BY l.window_start DESC LIMIT 1), \
               COUNT(*), {sums} FROM site_stats s GROUP BY s.project_id, s.site_uuid, {day}",
            metrics.join(", ")
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SiteDailyRollups::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(UsageDailyRollups::Table).to_owned()).await
    }
}
