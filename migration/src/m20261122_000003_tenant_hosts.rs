//! Tenant hosts (spec 001 §3.3 and §6): per-order registration token and hub key
//! digests, the latest heartbeat and backup report, and hourly token-usage buckets.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TenantCredentials {
    Table,
    OrderId,
    RegistrationTokenHash,
    RegistrationExpiresAt,
    HubKeyHash,
    HubKeyIssuedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TenantHeartbeats {
    Table,
    OrderId,
    Status,
    ReportedConfigVersion,
    Snapshot,
    LastSeenAt,
    Backup,
    BackupReportedAt,
}

#[derive(DeriveIden)]
enum TokenUsageBuckets {
    Table,
    Id,
    OrderId,
    AgentId,
    Model,
    BucketHour,
    TokensInput,
    TokensOutput,
    TokensCacheRead,
    TokensCacheWrite,
    WebSearchCount,
    WebFetchCount,
    CostCents,
    UpdatedAt,
}

fn fk<T: IntoIden, U: IntoIden>(from: T, col: U) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(Orders::Table, Orders::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TenantCredentials::Table)
                    .col(uuid(TenantCredentials::OrderId).primary_key())
                    .col(string_len_null(TenantCredentials::RegistrationTokenHash, 64))
                    .col(timestamp_with_time_zone_null(TenantCredentials::RegistrationExpiresAt))
                    .col(string_len_null(TenantCredentials::HubKeyHash, 64))
                    .col(timestamp_with_time_zone_null(TenantCredentials::HubKeyIssuedAt))
                    .col(timestamp_with_time_zone(TenantCredentials::UpdatedAt))
                    .foreign_key(&mut fk(TenantCredentials::Table, TenantCredentials::OrderId))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_tenant_credentials_registration", TenantCredentials::RegistrationTokenHash),
            ("idx_tenant_credentials_hub_key", TenantCredentials::HubKeyHash),
        ] {
            manager.create_index(Index::create().name(name).table(TenantCredentials::Table).col(col).unique().to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(TenantHeartbeats::Table)
                    .col(uuid(TenantHeartbeats::OrderId).primary_key())
                    .col(string_len_null(TenantHeartbeats::Status, 32))
                    .col(big_integer_null(TenantHeartbeats::ReportedConfigVersion))
                    .col(json_null(TenantHeartbeats::Snapshot))
                    .col(timestamp_with_time_zone_null(TenantHeartbeats::LastSeenAt))
                    .col(json_null(TenantHeartbeats::Backup))
                    .col(timestamp_with_time_zone_null(TenantHeartbeats::BackupReportedAt))
                    .foreign_key(&mut fk(TenantHeartbeats::Table, TenantHeartbeats::OrderId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TokenUsageBuckets::Table)
                    .col(pk_uuid(TokenUsageBuckets::Id))
                    .col(uuid(TokenUsageBuckets::OrderId))
                    .col(string_len(TokenUsageBuckets::AgentId, 64))
                    .col(string_len(TokenUsageBuckets::Model, 128))
                    .col(timestamp_with_time_zone(TokenUsageBuckets::BucketHour))
                    .col(big_integer(TokenUsageBuckets::TokensInput))
                    .col(big_integer(TokenUsageBuckets::TokensOutput))
                    .col(big_integer(TokenUsageBuckets::TokensCacheRead))
                    .col(big_integer(TokenUsageBuckets::TokensCacheWrite))
                    .col(big_integer(TokenUsageBuckets::WebSearchCount))
                    .col(big_integer(TokenUsageBuckets::WebFetchCount))
                    .col(big_integer(TokenUsageBuckets::CostCents))
                    .col(timestamp_with_time_zone(TokenUsageBuckets::UpdatedAt))
                    .foreign_key(&mut fk(TokenUsageBuckets::Table, TokenUsageBuckets::OrderId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_token_usage_buckets_key")
                    .table(TokenUsageBuckets::Table)
                    .col(TokenUsageBuckets::OrderId)
                    .col(TokenUsageBuckets::AgentId)
                    .col(TokenUsageBuckets::Model)
                    .col(TokenUsageBuckets::BucketHour)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TokenUsageBuckets::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(TenantHeartbeats::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(TenantCredentials::Table).to_owned()).await
    }
}
