//! Metering (issue 6): `billing_periods`, one row per customer and period with
//! its allotment, usage, overage, invoice and the times its usage alerts fired;
//! and `payment_reminders`, the last reminder mailed about each unpaid invoice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BillingPeriods {
    Table,
    Id,
    CustomerId,
    SubscriptionId,
    PeriodStart,
    PeriodEnd,
    AllotmentTokens,
    UsedTokens,
    OverageTokens,
    OverageAmountMinor,
    Currency,
    Status,
    InvoiceId,
    Alert80At,
    Alert100At,
    ForecastAlertAt,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaymentReminders {
    Table,
    InvoiceId,
    LastSentAt,
    Sent,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BillingPeriods::Table)
                    .col(pk_uuid(BillingPeriods::Id))
                    .col(uuid(BillingPeriods::CustomerId))
                    .col(uuid_null(BillingPeriods::SubscriptionId))
                    .col(timestamp_with_time_zone(BillingPeriods::PeriodStart))
                    .col(timestamp_with_time_zone(BillingPeriods::PeriodEnd))
                    .col(big_integer(BillingPeriods::AllotmentTokens))
                    .col(big_integer(BillingPeriods::UsedTokens))
                    .col(big_integer(BillingPeriods::OverageTokens))
                    .col(big_integer(BillingPeriods::OverageAmountMinor))
                    .col(string_len(BillingPeriods::Currency, 3))
                    .col(string_len(BillingPeriods::Status, 16))
                    .col(uuid_null(BillingPeriods::InvoiceId))
                    .col(timestamp_with_time_zone_null(BillingPeriods::Alert80At))
                    .col(timestamp_with_time_zone_null(BillingPeriods::Alert100At))
                    .col(timestamp_with_time_zone_null(BillingPeriods::ForecastAlertAt))
                    .col(timestamp_with_time_zone_null(BillingPeriods::ClosedAt))
                    .col(timestamp_with_time_zone(BillingPeriods::CreatedAt))
                    .col(timestamp_with_time_zone(BillingPeriods::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BillingPeriods::Table, BillingPeriods::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(BillingPeriods::Table, BillingPeriods::InvoiceId)
                            .to(Invoices::Table, Invoices::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_billing_periods_customer_start")
                    .table(BillingPeriods::Table)
                    .col(BillingPeriods::CustomerId)
                    .col(BillingPeriods::PeriodStart)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_billing_periods_due")
                    .table(BillingPeriods::Table)
                    .col(BillingPeriods::Status)
                    .col(BillingPeriods::PeriodEnd)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_billing_periods_invoice").table(BillingPeriods::Table).col(BillingPeriods::InvoiceId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PaymentReminders::Table)
                    .col(uuid(PaymentReminders::InvoiceId).primary_key())
                    .col(timestamp_with_time_zone(PaymentReminders::LastSentAt))
                    .col(integer(PaymentReminders::Sent))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PaymentReminders::Table, PaymentReminders::InvoiceId)
                            .to(Invoices::Table, Invoices::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PaymentReminders::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(BillingPeriods::Table).to_owned()).await
    }
}
