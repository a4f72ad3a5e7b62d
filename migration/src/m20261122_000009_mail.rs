//! Mail (issue 5): the durable `mail_outbox` (bodies encrypted with the master
//! key), per-user `notification_settings`, the `notification_cooldowns` that keep
//! a flapping source from flooding anyone (spec 001 NotificationCooldown), and
//! `alerts.notified_at`, which the mail worker sets when it claims an alert.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Alerts {
    Table,
    NotifiedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Kind,
    Recipient,
    Subject,
    BodyEncrypted,
    AlertId,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    ClaimToken,
    LastError,
    CreatedAt,
    UpdatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum NotificationSettings {
    Table,
    UserId,
    EmailEnabled,
    MinSeverity,
    AlertTypes,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NotificationCooldowns {
    Table,
    Id,
    CooldownKey,
    UserId,
    AlertType,
    Subject,
    LastSentAt,
    Suppressed,
}

fn to_user<T: IntoIden, U: IntoIden>(from: T, col: U) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Alerts::Table).add_column(timestamp_with_time_zone_null(Alerts::NotifiedAt)).to_owned())
            .await?;
        // Alerts raised before mail existed are not news: nobody is mailed about them.
        manager.get_connection().execute_unprepared("UPDATE alerts SET notified_at = created_at WHERE notified_at IS NULL").await?;
        manager.create_index(Index::create().name("idx_alerts_notified").table(Alerts::Table).col(Alerts::NotifiedAt).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(pk_uuid(MailOutbox::Id))
                    .col(string_len(MailOutbox::Kind, 32))
                    .col(string_len(MailOutbox::Recipient, 320))
                    .col(string_len(MailOutbox::Subject, 300))
                    .col(text(MailOutbox::BodyEncrypted))
                    .col(uuid_null(MailOutbox::AlertId))
                    .col(string_len(MailOutbox::Status, 16))
                    .col(integer(MailOutbox::Attempts))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::LockedUntil))
                    .col(uuid_null(MailOutbox::ClaimToken))
                    .col(string_len_null(MailOutbox::LastError, 500))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone(MailOutbox::UpdatedAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_due")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::Status)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationSettings::Table)
                    .col(uuid(NotificationSettings::UserId).primary_key())
                    .col(boolean(NotificationSettings::EmailEnabled))
                    .col(string_len(NotificationSettings::MinSeverity, 16))
                    .col(json(NotificationSettings::AlertTypes))
                    .col(timestamp_with_time_zone(NotificationSettings::UpdatedAt))
                    .foreign_key(&mut to_user(NotificationSettings::Table, NotificationSettings::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationCooldowns::Table)
                    .col(pk_uuid(NotificationCooldowns::Id))
                    .col(string_len_uniq(NotificationCooldowns::CooldownKey, 400))
                    .col(uuid(NotificationCooldowns::UserId))
                    .col(string_len(NotificationCooldowns::AlertType, 64))
                    .col(string_len(NotificationCooldowns::Subject, 200))
                    .col(timestamp_with_time_zone(NotificationCooldowns::LastSentAt))
                    .col(integer(NotificationCooldowns::Suppressed))
                    .foreign_key(&mut to_user(NotificationCooldowns::Table, NotificationCooldowns::UserId))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(NotificationCooldowns::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(NotificationSettings::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MailOutbox::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_alerts_notified").table(Alerts::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Alerts::Table).drop_column(Alerts::NotifiedAt).to_owned()).await
    }
}
