//! Identity and access: accounts, sessions with rotating refresh tokens, pending
//! second-factor logins, backup codes, staff invitations, API tokens, audit events.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Kind,
    Role,
    Active,
    TotpSecret,
    TotpPendingSecret,
    TotpEnabled,
    TotpLastStep,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BackupCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    RevokeReason,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum PendingLogins {
    Table,
    Id,
    UserId,
    TokenHash,
    Attempts,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    Email,
    Role,
    TokenHash,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    Prefix,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum SystemSettings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    ActorId,
    Action,
    TargetType,
    TargetId,
    Ip,
    Details,
    CreatedAt,
}

fn owned_by_user<T: IntoIden>(table: T, column: T) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_len_uniq(Users::Email, 320))
                    .col(string_len(Users::Name, 200))
                    .col(text_null(Users::PasswordHash))
                    .col(string_len(Users::Kind, 16))
                    .col(string_len_null(Users::Role, 16))
                    .col(boolean(Users::Active))
                    .col(text_null(Users::TotpSecret))
                    .col(text_null(Users::TotpPendingSecret))
                    .col(boolean(Users::TotpEnabled))
                    .col(big_integer_null(Users::TotpLastStep))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_users_kind_role").table(Users::Table).col(Users::Kind).col(Users::Role).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BackupCodes::Table)
                    .col(pk_uuid(BackupCodes::Id))
                    .col(uuid(BackupCodes::UserId))
                    .col(string_len(BackupCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(BackupCodes::UsedAt))
                    .col(timestamp_with_time_zone(BackupCodes::CreatedAt))
                    .foreign_key(&mut owned_by_user(BackupCodes::Table, BackupCodes::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_backup_codes_user").table(BackupCodes::Table).col(BackupCodes::UserId).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_uuid(Sessions::Id))
                    .col(uuid(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                    .col(string_len_null(Sessions::RevokeReason, 64))
                    .col(string_len_null(Sessions::Ip, 64))
                    .col(string_len_null(Sessions::UserAgent, 512))
                    .foreign_key(&mut owned_by_user(Sessions::Table, Sessions::UserId))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(pk_uuid(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::SessionId))
                    .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshTokens::Table, RefreshTokens::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PendingLogins::Table)
                    .col(pk_uuid(PendingLogins::Id))
                    .col(uuid(PendingLogins::UserId))
                    .col(string_len_uniq(PendingLogins::TokenHash, 64))
                    .col(integer(PendingLogins::Attempts))
                    .col(timestamp_with_time_zone(PendingLogins::CreatedAt))
                    .col(timestamp_with_time_zone(PendingLogins::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PendingLogins::UsedAt))
                    .foreign_key(&mut owned_by_user(PendingLogins::Table, PendingLogins::UserId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(pk_uuid(Invitations::Id))
                    .col(string_len(Invitations::Email, 320))
                    .col(string_len(Invitations::Role, 16))
                    .col(string_len_uniq(Invitations::TokenHash, 64))
                    .col(uuid(Invitations::InvitedBy))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                    .foreign_key(&mut owned_by_user(Invitations::Table, Invitations::InvitedBy))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(pk_uuid(ApiTokens::Id))
                    .col(uuid(ApiTokens::UserId))
                    .col(string_len(ApiTokens::Name, 100))
                    .col(string_len_uniq(ApiTokens::TokenHash, 64))
                    .col(string_len(ApiTokens::Prefix, 32))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .foreign_key(&mut owned_by_user(ApiTokens::Table, ApiTokens::UserId))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_api_tokens_user").table(ApiTokens::Table).col(ApiTokens::UserId).to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(pk_uuid(AuditEvents::Id))
                    .col(uuid_null(AuditEvents::ActorId))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(string_len_null(AuditEvents::TargetType, 64))
                    .col(string_len_null(AuditEvents::TargetId, 64))
                    .col(string_len_null(AuditEvents::Ip, 64))
                    .col(json_null(AuditEvents::Details))
                    .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SystemSettings::Table)
                    .col(string_len(SystemSettings::Key, 128).primary_key())
                    .col(json(SystemSettings::Value))
                    .col(timestamp_with_time_zone(SystemSettings::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_audit_events_created").table(AuditEvents::Table).col(AuditEvents::CreatedAt).to_owned())
            .await?;
        manager
            .create_index(Index::create().name("idx_audit_events_actor").table(AuditEvents::Table).col(AuditEvents::ActorId).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            SystemSettings::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Invitations::Table.into_iden(),
            PendingLogins::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            BackupCodes::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
