//! Licences and licensed sites of the signed bridge (spec 000 §5 `licensed_sites`),
//! and the outcome of the last health ping on each project.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    LastPingAt,
    LastPingOk,
    LastPingStatus,
    LastPingLatencyMs,
    LastPingError,
}

#[derive(DeriveIden)]
enum SyncLogs {
    Table,
    ProjectSlug,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Licenses {
    Table,
    Id,
    Key,
    CustomerId,
    ProjectId,
    Plan,
    MaxSites,
    SitesUsed,
    Status,
    ExpiresAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LicensedSites {
    Table,
    Id,
    LicenseId,
    ProjectId,
    CustomerId,
    Name,
    Slug,
    Domain,
    Status,
    VendorId,
    ChildSiteId,
    Url,
    Details,
    LastError,
    Attempts,
    ProvisionedAt,
    CreatedAt,
    UpdatedAt,
}

fn fk<T: IntoIden, U: IntoIden, V: IntoIden, W: IntoIden>(from: T, col: U, to: V, to_col: W) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, to_col).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let ping_columns = [
            timestamp_with_time_zone_null(Projects::LastPingAt),
            boolean_null(Projects::LastPingOk),
            integer_null(Projects::LastPingStatus),
            big_integer_null(Projects::LastPingLatencyMs),
            string_len_null(Projects::LastPingError, 500),
        ];
        for column in ping_columns {
            manager.alter_table(Table::alter().table(Projects::Table).add_column(column).to_owned()).await?;
        }
        // The sync log page filters by project, newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_sync_logs_project_created")
                    .table(SyncLogs::Table)
                    .col(SyncLogs::ProjectSlug)
                    .col(SyncLogs::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Licenses::Table)
                    .col(pk_uuid(Licenses::Id))
                    .col(string_len(Licenses::Key, 64).unique_key())
                    .col(uuid(Licenses::CustomerId))
                    .col(uuid(Licenses::ProjectId))
                    .col(string_len(Licenses::Plan, 64))
                    .col(integer(Licenses::MaxSites))
                    .col(integer(Licenses::SitesUsed))
                    .col(string_len(Licenses::Status, 32))
                    .col(timestamp_with_time_zone_null(Licenses::ExpiresAt))
                    .col(timestamp_with_time_zone(Licenses::CreatedAt))
                    .col(timestamp_with_time_zone(Licenses::UpdatedAt))
                    .foreign_key(&mut fk(Licenses::Table, Licenses::CustomerId, Customers::Table, Customers::Id))
                    .foreign_key(&mut fk(Licenses::Table, Licenses::ProjectId, Projects::Table, Projects::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_licenses_customer").table(Licenses::Table).col(Licenses::CustomerId).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LicensedSites::Table)
                    .col(pk_uuid(LicensedSites::Id))
                    .col(uuid(LicensedSites::LicenseId))
                    .col(uuid(LicensedSites::ProjectId))
                    .col(uuid(LicensedSites::CustomerId))
                    .col(string_len(LicensedSites::Name, 200))
                    .col(string_len(LicensedSites::Slug, 64))
                    .col(string_len(LicensedSites::Domain, 253))
                    .col(string_len(LicensedSites::Status, 32))
                    .col(big_integer_null(LicensedSites::VendorId))
                    .col(big_integer_null(LicensedSites::ChildSiteId))
                    .col(string_len_null(LicensedSites::Url, 500))
                    .col(json_null(LicensedSites::Details))
                    .col(string_len_null(LicensedSites::LastError, 500))
                    .col(integer(LicensedSites::Attempts))
                    .col(timestamp_with_time_zone_null(LicensedSites::ProvisionedAt))
                    .col(timestamp_with_time_zone(LicensedSites::CreatedAt))
                    .col(timestamp_with_time_zone(LicensedSites::UpdatedAt))
                    .foreign_key(&mut fk(LicensedSites::Table, LicensedSites::LicenseId, Licenses::Table, Licenses::Id))
                    .foreign_key(&mut fk(LicensedSites::Table, LicensedSites::ProjectId, Projects::Table, Projects::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_licensed_sites_project_slug")
                    .table(LicensedSites::Table)
                    .col(LicensedSites::ProjectId)
                    .col(LicensedSites::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, col) in
            [("idx_licensed_sites_customer", LicensedSites::CustomerId), ("idx_licensed_sites_license", LicensedSites::LicenseId)]
        {
            manager.create_index(Index::create().name(name).table(LicensedSites::Table).col(col).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LicensedSites::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Licenses::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_sync_logs_project_created").table(SyncLogs::Table).to_owned()).await?;
        for column in
            [Projects::LastPingAt, Projects::LastPingOk, Projects::LastPingStatus, Projects::LastPingLatencyMs, Projects::LastPingError]
        {
            manager.alter_table(Table::alter().table(Projects::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
