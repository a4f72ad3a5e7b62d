//! API products, Store side (issue 6, spec 003): a Store project's products per
//! mode (inventory never below zero, enforced by a CHECK as well as by the
//! conditional decrement), and the Checkout sessions Hub opened for API
//! projects, so that completing one takes effect once per session.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiProjects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ApiProducts {
    Table,
    Id,
    ProjectId,
    Mode,
    Name,
    Description,
    ImageUrl,
    PriceMinor,
    Currency,
    Inventory,
    StripePriceId,
    SortOrder,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiCheckouts {
    Table,
    Id,
    ProjectId,
    Mode,
    Kind,
    StripeSessionId,
    EndUserExternalId,
    TierName,
    Email,
    Items,
    Status,
    Detail,
    CreatedAt,
    CompletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiProducts::Table)
                    .col(pk_uuid(ApiProducts::Id))
                    .col(uuid(ApiProducts::ProjectId))
                    .col(string_len(ApiProducts::Mode, 8))
                    .col(string_len(ApiProducts::Name, 120))
                    .col(text_null(ApiProducts::Description))
                    .col(string_len_null(ApiProducts::ImageUrl, 2048))
                    .col(big_integer(ApiProducts::PriceMinor))
                    .col(string_len(ApiProducts::Currency, 3))
                    .col(big_integer(ApiProducts::Inventory).check(Expr::col(ApiProducts::Inventory).gte(0)))
                    .col(string_len_null(ApiProducts::StripePriceId, 255))
                    .col(integer(ApiProducts::SortOrder))
                    .col(timestamp_with_time_zone(ApiProducts::CreatedAt))
                    .col(timestamp_with_time_zone(ApiProducts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiProducts::Table, ApiProducts::ProjectId)
                            .to(ApiProjects::Table, ApiProjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_products_name")
                    .table(ApiProducts::Table)
                    .col(ApiProducts::ProjectId)
                    .col(ApiProducts::Mode)
                    .col(ApiProducts::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_products_price")
                    .table(ApiProducts::Table)
                    .col(ApiProducts::ProjectId)
                    .col(ApiProducts::Mode)
                    .col(ApiProducts::StripePriceId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiCheckouts::Table)
                    .col(pk_uuid(ApiCheckouts::Id))
                    .col(uuid(ApiCheckouts::ProjectId))
                    .col(string_len(ApiCheckouts::Mode, 8))
                    .col(string_len(ApiCheckouts::Kind, 16))
                    .col(string_len_uniq(ApiCheckouts::StripeSessionId, 255))
                    .col(string_len_null(ApiCheckouts::EndUserExternalId, 128))
                    .col(string_len_null(ApiCheckouts::TierName, 64))
                    .col(string_len_null(ApiCheckouts::Email, 320))
                    .col(json(ApiCheckouts::Items))
                    .col(string_len(ApiCheckouts::Status, 16))
                    .col(text_null(ApiCheckouts::Detail))
                    .col(timestamp_with_time_zone(ApiCheckouts::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiCheckouts::CompletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiCheckouts::Table, ApiCheckouts::ProjectId)
                            .to(ApiProjects::Table, ApiProjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_api_checkouts_project").table(ApiCheckouts::Table).col(ApiCheckouts::ProjectId).to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ApiCheckouts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ApiProducts::Table).to_owned()).await?;
        Ok(())
    }
}
