//! Stripe (specs 001 §8.1 and 002 §1): the events Hub has taken in (each id
//! once), the Stripe customer of each Hub customer, Hub's mirror of Stripe's
//! subscription state (kept even before the checkout that introduces a
//! subscription arrives), invoices and their payment attempts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StripeEvents {
    Table,
    Id,
    EventType,
    ObjectId,
    Outcome,
    Detail,
    Payload,
    StripeCreatedAt,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum StripeCustomers {
    Table,
    CustomerId,
    StripeCustomerId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StripeSubscriptions {
    Table,
    StripeSubscriptionId,
    StripeCustomerId,
    StripeStatus,
    Status,
    CurrentPeriodStart,
    CurrentPeriodEnd,
    CancelAtPeriodEnd,
    StateAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
    StripeInvoiceId,
    CustomerId,
    SubscriptionId,
    StripeCustomerId,
    StripeSubscriptionId,
    Status,
    AmountDue,
    AmountPaid,
    Currency,
    PeriodStart,
    PeriodEnd,
    HostedInvoiceUrl,
    StateAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    InvoiceId,
    StripeEventId,
    StripePaymentIntentId,
    Status,
    Amount,
    Currency,
    AttemptCount,
    OccurredAt,
    CreatedAt,
}

/// A foreign key from `(table, column)` to `(table, column)`.
fn fk<A: IntoIden, B: IntoIden, C: IntoIden, D: IntoIden>(
    from: (A, B),
    to: (C, D),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(on_delete).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StripeEvents::Table)
                    .col(string_len(StripeEvents::Id, 255).primary_key())
                    .col(string_len(StripeEvents::EventType, 128))
                    .col(string_len_null(StripeEvents::ObjectId, 255))
                    .col(string_len(StripeEvents::Outcome, 32))
                    .col(text_null(StripeEvents::Detail))
                    .col(json(StripeEvents::Payload))
                    .col(timestamp_with_time_zone(StripeEvents::StripeCreatedAt))
                    .col(timestamp_with_time_zone(StripeEvents::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_stripe_events_received").table(StripeEvents::Table).col(StripeEvents::ReceivedAt).to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StripeCustomers::Table)
                    .col(pk_uuid(StripeCustomers::CustomerId))
                    .col(string_len(StripeCustomers::StripeCustomerId, 255).unique_key())
                    .col(timestamp_with_time_zone(StripeCustomers::CreatedAt))
                    .foreign_key(&mut fk(
                        (StripeCustomers::Table, StripeCustomers::CustomerId),
                        (Customers::Table, Customers::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StripeSubscriptions::Table)
                    .col(string_len(StripeSubscriptions::StripeSubscriptionId, 255).primary_key())
                    .col(string_len_null(StripeSubscriptions::StripeCustomerId, 255))
                    .col(string_len(StripeSubscriptions::StripeStatus, 32))
                    .col(string_len(StripeSubscriptions::Status, 32))
                    .col(timestamp_with_time_zone_null(StripeSubscriptions::CurrentPeriodStart))
                    .col(timestamp_with_time_zone_null(StripeSubscriptions::CurrentPeriodEnd))
                    .col(boolean(StripeSubscriptions::CancelAtPeriodEnd))
                    .col(big_integer(StripeSubscriptions::StateAt))
                    .col(timestamp_with_time_zone(StripeSubscriptions::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invoices::Table)
                    .col(pk_uuid(Invoices::Id))
                    .col(string_len(Invoices::StripeInvoiceId, 255).unique_key())
                    .col(uuid_null(Invoices::CustomerId))
                    .col(uuid_null(Invoices::SubscriptionId))
                    .col(string_len_null(Invoices::StripeCustomerId, 255))
                    .col(string_len_null(Invoices::StripeSubscriptionId, 255))
                    .col(string_len(Invoices::Status, 32))
                    .col(big_integer(Invoices::AmountDue))
                    .col(big_integer(Invoices::AmountPaid))
                    .col(string_len(Invoices::Currency, 3))
                    .col(timestamp_with_time_zone_null(Invoices::PeriodStart))
                    .col(timestamp_with_time_zone_null(Invoices::PeriodEnd))
                    .col(string_len_null(Invoices::HostedInvoiceUrl, 1000))
                    .col(big_integer(Invoices::StateAt))
                    .col(timestamp_with_time_zone(Invoices::CreatedAt))
                    .col(timestamp_with_time_zone(Invoices::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Invoices::Table, Invoices::CustomerId),
                        (Customers::Table, Customers::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Invoices::Table, Invoices::SubscriptionId),
                        (Subscriptions::Table, Subscriptions::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_invoices_customer").table(Invoices::Table).col(Invoices::CustomerId).to_owned())
            .await?;
        manager
            .create_index(
                Index::create().name("idx_invoices_stripe_customer").table(Invoices::Table).col(Invoices::StripeCustomerId).to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Payments::Table)
                    .col(pk_uuid(Payments::Id))
                    .col(uuid(Payments::InvoiceId))
                    .col(string_len(Payments::StripeEventId, 255).unique_key())
                    .col(string_len_null(Payments::StripePaymentIntentId, 255))
                    .col(string_len(Payments::Status, 32))
                    .col(big_integer(Payments::Amount))
                    .col(string_len(Payments::Currency, 3))
                    .col(integer(Payments::AttemptCount))
                    .col(timestamp_with_time_zone(Payments::OccurredAt))
                    .col(timestamp_with_time_zone(Payments::CreatedAt))
                    .foreign_key(&mut fk(
                        (Payments::Table, Payments::InvoiceId),
                        (Invoices::Table, Invoices::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_payments_invoice").table(Payments::Table).col(Payments::InvoiceId).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Payments::Table.into_iden(),
            Invoices::Table.into_iden(),
            StripeSubscriptions::Table.into_iden(),
            StripeCustomers::Table.into_iden(),
            StripeEvents::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
