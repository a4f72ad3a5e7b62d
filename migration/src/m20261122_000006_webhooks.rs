//! Outbound webhooks to tenant hosts (spec 001 §8.2): per-order endpoints with an
//! encrypted signing secret, the delivery outbox and its attempt log; and a first,
//! minimal `alerts` table (an open alert is unique per dedupe key).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    OrderId,
    Url,
    SecretEncrypted,
    SecretIssuedAt,
    Enabled,
    ConsecutiveFailures,
    DisabledAt,
    DisabledReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    OrderId,
    Event,
    SubjectId,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    ClaimToken,
    LastStatus,
    LastError,
    CreatedAt,
    UpdatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    Attempt,
    StartedAt,
    DurationMs,
    StatusCode,
    Error,
    Succeeded,
}

#[derive(DeriveIden)]
enum Alerts {
    Table,
    Id,
    Type,
    Severity,
    CustomerId,
    SubjectType,
    SubjectId,
    Message,
    DedupeKey,
    CreatedAt,
    AcknowledgedBy,
    AcknowledgedAt,
}

fn to_order<T: IntoIden, U: IntoIden>(from: T, col: U) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(Orders::Table, Orders::Id).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoints::Table)
                    .col(uuid(WebhookEndpoints::OrderId).primary_key())
                    .col(string_len_null(WebhookEndpoints::Url, 500))
                    .col(text(WebhookEndpoints::SecretEncrypted))
                    .col(timestamp_with_time_zone(WebhookEndpoints::SecretIssuedAt))
                    .col(boolean(WebhookEndpoints::Enabled))
                    .col(integer(WebhookEndpoints::ConsecutiveFailures))
                    .col(timestamp_with_time_zone_null(WebhookEndpoints::DisabledAt))
                    .col(string_len_null(WebhookEndpoints::DisabledReason, 500))
                    .col(timestamp_with_time_zone(WebhookEndpoints::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookEndpoints::UpdatedAt))
                    .foreign_key(&mut to_order(WebhookEndpoints::Table, WebhookEndpoints::OrderId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(pk_uuid(WebhookDeliveries::Id))
                    .col(uuid(WebhookDeliveries::OrderId))
                    .col(string_len(WebhookDeliveries::Event, 32))
                    .col(uuid_null(WebhookDeliveries::SubjectId))
                    .col(json(WebhookDeliveries::Payload))
                    .col(string_len(WebhookDeliveries::Status, 16))
                    .col(integer(WebhookDeliveries::Attempts))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LockedUntil))
                    .col(uuid_null(WebhookDeliveries::ClaimToken))
                    .col(integer_null(WebhookDeliveries::LastStatus))
                    .col(string_len_null(WebhookDeliveries::LastError, 500))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookDeliveries::UpdatedAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::DeliveredAt))
                    .foreign_key(&mut to_order(WebhookDeliveries::Table, WebhookDeliveries::OrderId))
                    .to_owned(),
            )
            .await?;
        // The worker's claim scans PENDING rows by due time; lists go by order, newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::Status)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_order")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::OrderId)
                    .col(WebhookDeliveries::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(pk_uuid(WebhookAttempts::Id))
                    .col(uuid(WebhookAttempts::DeliveryId))
                    .col(integer(WebhookAttempts::Attempt))
                    .col(timestamp_with_time_zone(WebhookAttempts::StartedAt))
                    .col(big_integer(WebhookAttempts::DurationMs))
                    .col(integer_null(WebhookAttempts::StatusCode))
                    .col(string_len_null(WebhookAttempts::Error, 500))
                    .col(boolean(WebhookAttempts::Succeeded))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookAttempts::Table, WebhookAttempts::DeliveryId)
                            .to(WebhookDeliveries::Table, WebhookDeliveries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_attempts_delivery")
                    .table(WebhookAttempts::Table)
                    .col(WebhookAttempts::DeliveryId)
                    .col(WebhookAttempts::StartedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alerts::Table)
                    .col(pk_uuid(Alerts::Id))
                    .col(string_len(Alerts::Type, 64))
                    .col(string_len(Alerts::Severity, 16))
                    .col(uuid_null(Alerts::CustomerId))
                    .col(string_len_null(Alerts::SubjectType, 64))
                    .col(string_len_null(Alerts::SubjectId, 128))
                    .col(text(Alerts::Message))
                    .col(string_len_null(Alerts::DedupeKey, 200))
                    .col(timestamp_with_time_zone(Alerts::CreatedAt))
                    .col(uuid_null(Alerts::AcknowledgedBy))
                    .col(timestamp_with_time_zone_null(Alerts::AcknowledgedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_alerts_created").table(Alerts::Table).col(Alerts::CreatedAt).to_owned()).await?;
        manager
            .create_index(
                Index::create().name("idx_alerts_customer").table(Alerts::Table).col(Alerts::CustomerId).col(Alerts::CreatedAt).to_owned(),
            )
            .await?;
        // Unique while open: a partial index, written the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX idx_alerts_open_dedupe ON alerts (dedupe_key) WHERE acknowledged_at IS NULL")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alerts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WebhookAttempts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WebhookEndpoints::Table).to_owned()).await
    }
}
