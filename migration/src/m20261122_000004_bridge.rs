//! The signed bridge (spec 000): the project registry, the replay memory of
//! seen signatures, site telemetry windows and the bridge sync log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    Slug,
    Name,
    BaseUrl,
    ProjectKey,
    SecretEncrypted,
    LastHeartbeatAt,
    LastHeartbeat,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BridgeReplays {
    Table,
    Digest,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SiteStats {
    Table,
    Id,
    ProjectId,
    SiteUuid,
    SiteSlug,
    VendorId,
    WindowStart,
    WindowEnd,
    Metrics,
    Payload,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SyncLogs {
    Table,
    Id,
    Direction,
    ProjectSlug,
    Endpoint,
    Status,
    LatencyMs,
    ErrorCode,
    ErrorMessage,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Projects::Table)
                    .col(pk_uuid(Projects::Id))
                    .col(string_len(Projects::Slug, 64).unique_key())
                    .col(string_len(Projects::Name, 200))
                    .col(string_len(Projects::BaseUrl, 500))
                    .col(string_len(Projects::ProjectKey, 80).unique_key())
                    .col(text(Projects::SecretEncrypted))
                    .col(timestamp_with_time_zone_null(Projects::LastHeartbeatAt))
                    .col(json_null(Projects::LastHeartbeat))
                    .col(timestamp_with_time_zone(Projects::CreatedAt))
                    .col(timestamp_with_time_zone(Projects::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BridgeReplays::Table)
                    .col(string_len(BridgeReplays::Digest, 64).primary_key())
                    .col(timestamp_with_time_zone(BridgeReplays::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_bridge_replays_created").table(BridgeReplays::Table).col(BridgeReplays::CreatedAt).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SiteStats::Table)
                    .col(pk_uuid(SiteStats::Id))
                    .col(uuid(SiteStats::ProjectId))
                    .col(uuid(SiteStats::SiteUuid))
                    .col(string_len(SiteStats::SiteSlug, 128))
                    .col(big_integer(SiteStats::VendorId))
                    .col(timestamp_with_time_zone(SiteStats::WindowStart))
                    .col(timestamp_with_time_zone(SiteStats::WindowEnd))
                    .col(json(SiteStats::Metrics))
                    .col(json(SiteStats::Payload))
                    .col(timestamp_with_time_zone(SiteStats::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SiteStats::Table, SiteStats::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_site_stats_window")
                    .table(SiteStats::Table)
                    .col(SiteStats::ProjectId)
                    .col(SiteStats::SiteUuid)
                    .col(SiteStats::WindowStart)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SyncLogs::Table)
                    .col(pk_uuid(SyncLogs::Id))
                    .col(string_len(SyncLogs::Direction, 16))
                    .col(string_len(SyncLogs::ProjectSlug, 128))
                    .col(string_len(SyncLogs::Endpoint, 255))
                    .col(integer(SyncLogs::Status))
                    .col(big_integer(SyncLogs::LatencyMs))
                    .col(string_len_null(SyncLogs::ErrorCode, 32))
                    .col(string_len_null(SyncLogs::ErrorMessage, 500))
                    .col(timestamp_with_time_zone(SyncLogs::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_sync_logs_created").table(SyncLogs::Table).col(SyncLogs::CreatedAt).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SyncLogs::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(SiteStats::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(BridgeReplays::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Projects::Table).to_owned()).await
    }
}
