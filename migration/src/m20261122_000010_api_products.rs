//! API products (issue 6, spec 003): a customer's projects (SaaS or Store,
//! locked), their test/live key sets (secrets stored as SHA-256), SaaS tiers,
//! end users, and the per-period usage counters the usage check increments.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ApiProjects {
    Table,
    Id,
    CustomerId,
    Name,
    Kind,
    LiveAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    ProjectId,
    Mode,
    PublishableKey,
    SecretHash,
    SecretHint,
    ExpiresAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTiers {
    Table,
    Id,
    ProjectId,
    Mode,
    Name,
    DisplayName,
    PriceMinor,
    Currency,
    UsageLimit,
    StripePriceId,
    Features,
    Popular,
    SortOrder,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiEndUsers {
    Table,
    Id,
    ProjectId,
    Mode,
    ExternalId,
    Email,
    TierName,
    StripeCustomerId,
    StripeSubscriptionId,
    CurrentPeriodStart,
    CurrentPeriodEnd,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiUsageCounters {
    Table,
    EndUserId,
    PeriodStart,
    PeriodEnd,
    ProjectId,
    Mode,
    TierName,
    Count,
    UpdatedAt,
}

fn cascade<T: IntoIden, U: IntoIden, V: IntoIden, W: IntoIden>(from: T, col: U, to: V, to_col: W) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, to_col).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiProjects::Table)
                    .col(pk_uuid(ApiProjects::Id))
                    .col(uuid(ApiProjects::CustomerId))
                    .col(string_len(ApiProjects::Name, 120))
                    .col(string_len(ApiProjects::Kind, 16))
                    .col(timestamp_with_time_zone_null(ApiProjects::LiveAt))
                    .col(timestamp_with_time_zone(ApiProjects::CreatedAt))
                    .col(timestamp_with_time_zone(ApiProjects::UpdatedAt))
                    .foreign_key(&mut cascade(ApiProjects::Table, ApiProjects::CustomerId, Customers::Table, Customers::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_api_projects_customer").table(ApiProjects::Table).col(ApiProjects::CustomerId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(pk_uuid(ApiKeys::Id))
                    .col(uuid(ApiKeys::ProjectId))
                    .col(string_len(ApiKeys::Mode, 8))
                    .col(string_len(ApiKeys::PublishableKey, 80))
                    .col(string_len_uniq(ApiKeys::SecretHash, 64))
                    .col(string_len(ApiKeys::SecretHint, 40))
                    .col(timestamp_with_time_zone_null(ApiKeys::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                    .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                    .foreign_key(&mut cascade(ApiKeys::Table, ApiKeys::ProjectId, ApiProjects::Table, ApiProjects::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_api_keys_project").table(ApiKeys::Table).col(ApiKeys::ProjectId).col(ApiKeys::Mode).to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_api_keys_publishable").table(ApiKeys::Table).col(ApiKeys::PublishableKey).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTiers::Table)
                    .col(pk_uuid(ApiTiers::Id))
                    .col(uuid(ApiTiers::ProjectId))
                    .col(string_len(ApiTiers::Mode, 8))
                    .col(string_len(ApiTiers::Name, 64))
                    .col(string_len(ApiTiers::DisplayName, 120))
                    .col(big_integer(ApiTiers::PriceMinor))
                    .col(string_len(ApiTiers::Currency, 3))
                    .col(big_integer_null(ApiTiers::UsageLimit))
                    .col(string_len_null(ApiTiers::StripePriceId, 255))
                    .col(json(ApiTiers::Features))
                    .col(boolean(ApiTiers::Popular))
                    .col(integer(ApiTiers::SortOrder))
                    .col(timestamp_with_time_zone(ApiTiers::CreatedAt))
                    .col(timestamp_with_time_zone(ApiTiers::UpdatedAt))
                    .foreign_key(&mut cascade(ApiTiers::Table, ApiTiers::ProjectId, ApiProjects::Table, ApiProjects::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_tiers_name")
                    .table(ApiTiers::Table)
                    .col(ApiTiers::ProjectId)
                    .col(ApiTiers::Mode)
                    .col(ApiTiers::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiEndUsers::Table)
                    .col(pk_uuid(ApiEndUsers::Id))
                    .col(uuid(ApiEndUsers::ProjectId))
                    .col(string_len(ApiEndUsers::Mode, 8))
                    .col(string_len(ApiEndUsers::ExternalId, 128))
                    .col(string_len_null(ApiEndUsers::Email, 320))
                    .col(string_len_null(ApiEndUsers::TierName, 64))
                    .col(string_len_null(ApiEndUsers::StripeCustomerId, 255))
                    .col(string_len_null(ApiEndUsers::StripeSubscriptionId, 255))
                    .col(timestamp_with_time_zone_null(ApiEndUsers::CurrentPeriodStart))
                    .col(timestamp_with_time_zone_null(ApiEndUsers::CurrentPeriodEnd))
                    .col(timestamp_with_time_zone(ApiEndUsers::CreatedAt))
                    .col(timestamp_with_time_zone(ApiEndUsers::UpdatedAt))
                    .foreign_key(&mut cascade(ApiEndUsers::Table, ApiEndUsers::ProjectId, ApiProjects::Table, ApiProjects::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_end_users_external")
                    .table(ApiEndUsers::Table)
                    .col(ApiEndUsers::ProjectId)
                    .col(ApiEndUsers::Mode)
                    .col(ApiEndUsers::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiUsageCounters::Table)
                    .col(uuid(ApiUsageCounters::EndUserId))
                    .col(timestamp_with_time_zone(ApiUsageCounters::PeriodStart))
                    .col(timestamp_with_time_zone(ApiUsageCounters::PeriodEnd))
                    .col(uuid(ApiUsageCounters::ProjectId))
                    .col(string_len(ApiUsageCounters::Mode, 8))
                    .col(string_len(ApiUsageCounters::TierName, 64))
                    .col(big_integer(ApiUsageCounters::Count))
                    .col(timestamp_with_time_zone(ApiUsageCounters::UpdatedAt))
                    .primary_key(Index::create().col(ApiUsageCounters::EndUserId).col(ApiUsageCounters::PeriodStart))
                    .foreign_key(&mut cascade(ApiUsageCounters::Table, ApiUsageCounters::EndUserId, ApiEndUsers::Table, ApiEndUsers::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_usage_counters_project")
                    .table(ApiUsageCounters::Table)
                    .col(ApiUsageCounters::ProjectId)
                    .col(ApiUsageCounters::PeriodStart)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ApiUsageCounters::Table.into_iden(),
            ApiEndUsers::Table.into_iden(),
            ApiTiers::Table.into_iden(),
            ApiKeys::Table.into_iden(),
            ApiProjects::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
