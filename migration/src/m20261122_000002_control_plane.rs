//! The control-plane domain: customers, password links, the plan catalogue (seeded),
//! subscriptions, founding members, orders with provisioning jobs and log lines,
//! agent configs, command approvals and remote commands.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Company,
    Phone,
    Status,
    Notes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PasswordTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    Code,
    Tier,
    Name,
    TokenAllotment,
    PriceMinor,
    Currency,
    StripePriceId,
    Active,
    SortOrder,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
    CustomerId,
    PlanId,
    Status,
    StripeCustomerId,
    StripeSubscriptionId,
    CurrentPeriodStart,
    CurrentPeriodEnd,
    CancelAtPeriodEnd,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FoundingMembers {
    Table,
    Id,
    CustomerId,
    Number,
    TokenMultiplier,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    CustomerId,
    PlanId,
    Status,
    Tier,
    Domain,
    Tools,
    ServerIp,
    SshPort,
    AutomationMode,
    DashboardUrl,
    PortainerUrl,
    ConfigVersion,
    FailureReason,
    CreatedAt,
    UpdatedAt,
    FulfilledAt,
}

#[derive(DeriveIden)]
enum ProvisioningJobs {
    Table,
    Id,
    OrderId,
    Driver,
    Status,
    Error,
    CreatedAt,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum ProvisioningLogs {
    Table,
    Id,
    JobId,
    OrderId,
    Seq,
    Level,
    Message,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AgentConfigs {
    Table,
    Id,
    OrderId,
    AgentId,
    Name,
    Role,
    SoulMd,
    ToolsAllowed,
    ToolsDenied,
    ToolProfile,
    AutonomyLevel,
    ExternalCommsUnlocks,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CommandApprovals {
    Table,
    Id,
    OrderId,
    AgentId,
    CommandClass,
    ToolName,
    ToolArgs,
    HumanReadable,
    Status,
    RequestedAt,
    ExpiresAt,
    DecidedAt,
    DecidedBy,
    DecisionReason,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum RemoteCommands {
    Table,
    Id,
    OrderId,
    Command,
    Args,
    Status,
    CreatedBy,
    CreatedAt,
    DeliveredAt,
}

fn fk<T: IntoIden, U: IntoIden, V: IntoIden, W: IntoIden>(from: T, col: U, to: V, to_col: W) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, to_col).on_delete(ForeignKeyAction::Cascade).to_owned()
}

async fn index(manager: &SchemaManager<'_>, name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).to_owned();
    for col in cols {
        stmt.col(col);
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(pk_uuid(Customers::Id))
                    .col(string_len_null(Customers::Company, 200))
                    .col(string_len_null(Customers::Phone, 64))
                    .col(string_len(Customers::Status, 32))
                    .col(text_null(Customers::Notes))
                    .col(timestamp_with_time_zone(Customers::CreatedAt))
                    .col(timestamp_with_time_zone(Customers::UpdatedAt))
                    .foreign_key(&mut fk(Customers::Table, Customers::Id, Users::Table, Users::Id))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_customers_status", Customers::Table, vec![Customers::Status.into_iden()]).await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordTokens::Table)
                    .col(pk_uuid(PasswordTokens::Id))
                    .col(uuid(PasswordTokens::UserId))
                    .col(string_len_uniq(PasswordTokens::TokenHash, 64))
                    .col(uuid_null(PasswordTokens::CreatedBy))
                    .col(timestamp_with_time_zone(PasswordTokens::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordTokens::UsedAt))
                    .foreign_key(&mut fk(PasswordTokens::Table, PasswordTokens::UserId, Users::Table, Users::Id))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Plans::Table)
                    .col(pk_uuid(Plans::Id))
                    .col(string_len(Plans::Code, 32))
                    .col(string_len(Plans::Tier, 64))
                    .col(string_len(Plans::Name, 128))
                    .col(big_integer(Plans::TokenAllotment))
                    .col(big_integer(Plans::PriceMinor))
                    .col(string_len(Plans::Currency, 3))
                    .col(string_len_null(Plans::StripePriceId, 128))
                    .col(boolean(Plans::Active))
                    .col(integer(Plans::SortOrder))
                    .col(timestamp_with_time_zone(Plans::CreatedAt))
                    .col(timestamp_with_time_zone(Plans::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("uq_plans_code_tier").table(Plans::Table).col(Plans::Code).col(Plans::Tier).unique().to_owned(),
            )
            .await?;
        seed_plans(manager).await?;

        manager
            .create_table(
                Table::create()
                    .table(Subscriptions::Table)
                    .col(pk_uuid(Subscriptions::Id))
                    .col(uuid(Subscriptions::CustomerId))
                    .col(uuid(Subscriptions::PlanId))
                    .col(string_len(Subscriptions::Status, 32))
                    .col(string_len_null(Subscriptions::StripeCustomerId, 128))
                    .col(string_len_null(Subscriptions::StripeSubscriptionId, 128).unique_key())
                    .col(timestamp_with_time_zone_null(Subscriptions::CurrentPeriodStart))
                    .col(timestamp_with_time_zone_null(Subscriptions::CurrentPeriodEnd))
                    .col(boolean(Subscriptions::CancelAtPeriodEnd))
                    .col(timestamp_with_time_zone(Subscriptions::CreatedAt))
                    .col(timestamp_with_time_zone(Subscriptions::UpdatedAt))
                    .foreign_key(&mut fk(Subscriptions::Table, Subscriptions::CustomerId, Customers::Table, Customers::Id))
                    .foreign_key(
                        &mut ForeignKey::create().from(Subscriptions::Table, Subscriptions::PlanId).to(Plans::Table, Plans::Id).to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_subscriptions_customer", Subscriptions::Table, vec![Subscriptions::CustomerId.into_iden()]).await?;

        manager
            .create_table(
                Table::create()
                    .table(FoundingMembers::Table)
                    .col(pk_uuid(FoundingMembers::Id))
                    .col(uuid_uniq(FoundingMembers::CustomerId))
                    .col(integer_uniq(FoundingMembers::Number))
                    .col(integer(FoundingMembers::TokenMultiplier))
                    .col(timestamp_with_time_zone(FoundingMembers::ExpiresAt))
                    .col(timestamp_with_time_zone(FoundingMembers::CreatedAt))
                    .foreign_key(&mut fk(FoundingMembers::Table, FoundingMembers::CustomerId, Customers::Table, Customers::Id))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(pk_uuid(Orders::Id))
                    .col(uuid(Orders::CustomerId))
                    .col(uuid_null(Orders::PlanId))
                    .col(string_len(Orders::Status, 32))
                    .col(string_len(Orders::Tier, 64))
                    .col(string_len(Orders::Domain, 253))
                    .col(json(Orders::Tools))
                    .col(string_len_null(Orders::ServerIp, 64))
                    .col(integer_null(Orders::SshPort))
                    .col(string_len(Orders::AutomationMode, 16))
                    .col(string_len_null(Orders::DashboardUrl, 512))
                    .col(string_len_null(Orders::PortainerUrl, 512))
                    .col(big_integer(Orders::ConfigVersion))
                    .col(text_null(Orders::FailureReason))
                    .col(timestamp_with_time_zone(Orders::CreatedAt))
                    .col(timestamp_with_time_zone(Orders::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Orders::FulfilledAt))
                    .foreign_key(&mut fk(Orders::Table, Orders::CustomerId, Customers::Table, Customers::Id))
                    .foreign_key(&mut ForeignKey::create().from(Orders::Table, Orders::PlanId).to(Plans::Table, Plans::Id).to_owned())
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_orders_customer", Orders::Table, vec![Orders::CustomerId.into_iden()]).await?;
        index(manager, "idx_orders_status", Orders::Table, vec![Orders::Status.into_iden()]).await?;

        manager
            .create_table(
                Table::create()
                    .table(ProvisioningJobs::Table)
                    .col(pk_uuid(ProvisioningJobs::Id))
                    .col(uuid(ProvisioningJobs::OrderId))
                    .col(string_len(ProvisioningJobs::Driver, 32))
                    .col(string_len(ProvisioningJobs::Status, 32))
                    .col(text_null(ProvisioningJobs::Error))
                    .col(timestamp_with_time_zone(ProvisioningJobs::CreatedAt))
                    .col(timestamp_with_time_zone_null(ProvisioningJobs::StartedAt))
                    .col(timestamp_with_time_zone_null(ProvisioningJobs::FinishedAt))
                    .foreign_key(&mut fk(ProvisioningJobs::Table, ProvisioningJobs::OrderId, Orders::Table, Orders::Id))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_provisioning_jobs_order", ProvisioningJobs::Table, vec![ProvisioningJobs::OrderId.into_iden()]).await?;

        manager
            .create_table(
                Table::create()
                    .table(ProvisioningLogs::Table)
                    .col(pk_uuid(ProvisioningLogs::Id))
                    .col(uuid(ProvisioningLogs::JobId))
                    .col(uuid(ProvisioningLogs::OrderId))
                    .col(integer(ProvisioningLogs::Seq))
                    .col(string_len(ProvisioningLogs::Level, 16))
                    .col(text(ProvisioningLogs::Message))
                    .col(timestamp_with_time_zone(ProvisioningLogs::CreatedAt))
                    .foreign_key(&mut fk(ProvisioningLogs::Table, ProvisioningLogs::JobId, ProvisioningJobs::Table, ProvisioningJobs::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_provisioning_logs_job_seq")
                    .table(ProvisioningLogs::Table)
                    .col(ProvisioningLogs::JobId)
                    .col(ProvisioningLogs::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_provisioning_logs_order",
            ProvisioningLogs::Table,
            vec![ProvisioningLogs::OrderId.into_iden(), ProvisioningLogs::CreatedAt.into_iden()],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AgentConfigs::Table)
                    .col(pk_uuid(AgentConfigs::Id))
                    .col(uuid(AgentConfigs::OrderId))
                    .col(string_len(AgentConfigs::AgentId, 64))
                    .col(string_len(AgentConfigs::Name, 128))
                    .col(string_len(AgentConfigs::Role, 64))
                    .col(text(AgentConfigs::SoulMd))
                    .col(json(AgentConfigs::ToolsAllowed))
                    .col(json(AgentConfigs::ToolsDenied))
                    .col(string_len(AgentConfigs::ToolProfile, 64))
                    .col(integer(AgentConfigs::AutonomyLevel))
                    .col(json_null(AgentConfigs::ExternalCommsUnlocks))
                    .col(boolean(AgentConfigs::IsActive))
                    .col(timestamp_with_time_zone(AgentConfigs::CreatedAt))
                    .col(timestamp_with_time_zone(AgentConfigs::UpdatedAt))
                    .foreign_key(&mut fk(AgentConfigs::Table, AgentConfigs::OrderId, Orders::Table, Orders::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_agent_configs_order_agent")
                    .table(AgentConfigs::Table)
                    .col(AgentConfigs::OrderId)
                    .col(AgentConfigs::AgentId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommandApprovals::Table)
                    .col(pk_uuid(CommandApprovals::Id))
                    .col(uuid(CommandApprovals::OrderId))
                    .col(string_len(CommandApprovals::AgentId, 64))
                    .col(string_len(CommandApprovals::CommandClass, 32))
                    .col(string_len(CommandApprovals::ToolName, 128))
                    .col(json(CommandApprovals::ToolArgs))
                    .col(text(CommandApprovals::HumanReadable))
                    .col(string_len(CommandApprovals::Status, 32))
                    .col(timestamp_with_time_zone(CommandApprovals::RequestedAt))
                    .col(timestamp_with_time_zone(CommandApprovals::ExpiresAt))
                    .col(timestamp_with_time_zone_null(CommandApprovals::DecidedAt))
                    .col(uuid_null(CommandApprovals::DecidedBy))
                    .col(text_null(CommandApprovals::DecisionReason))
                    .col(timestamp_with_time_zone_null(CommandApprovals::DeliveredAt))
                    .foreign_key(&mut fk(CommandApprovals::Table, CommandApprovals::OrderId, Orders::Table, Orders::Id))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_command_approvals_status",
            CommandApprovals::Table,
            vec![CommandApprovals::Status.into_iden(), CommandApprovals::ExpiresAt.into_iden()],
        )
        .await?;
        index(manager, "idx_command_approvals_order", CommandApprovals::Table, vec![CommandApprovals::OrderId.into_iden()]).await?;

        manager
            .create_table(
                Table::create()
                    .table(RemoteCommands::Table)
                    .col(pk_uuid(RemoteCommands::Id))
                    .col(uuid(RemoteCommands::OrderId))
                    .col(string_len(RemoteCommands::Command, 32))
                    .col(json(RemoteCommands::Args))
                    .col(string_len(RemoteCommands::Status, 32))
                    .col(uuid(RemoteCommands::CreatedBy))
                    .col(timestamp_with_time_zone(RemoteCommands::CreatedAt))
                    .col(timestamp_with_time_zone_null(RemoteCommands::DeliveredAt))
                    .foreign_key(&mut fk(RemoteCommands::Table, RemoteCommands::OrderId, Orders::Table, Orders::Id))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_remote_commands_order_status",
            RemoteCommands::Table,
            vec![RemoteCommands::OrderId.into_iden(), RemoteCommands::Status.into_iden()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RemoteCommands::Table.into_iden(),
            CommandApprovals::Table.into_iden(),
            AgentConfigs::Table.into_iden(),
            ProvisioningLogs::Table.into_iden(),
            ProvisioningJobs::Table.into_iden(),
            Orders::Table.into_iden(),
            FoundingMembers::Table.into_iden(),
            Subscriptions::Table.into_iden(),
            Plans::Table.into_iden(),
            PasswordTokens::Table.into_iden(),
            Customers::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// The starting catalogue: one tier per plan family, prices in euro cents a month.
async fn seed_plans(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let now = chrono_now();
    let rows: [(&str, &str, &str, i64, i64, i32); 3] = [
        ("STARTER", "Lite", "Starter · Lite", 5_000_000, 2_900, 1),
        ("PRO", "Build", "Pro · Build", 15_000_000, 7_900, 2),
        ("ENTERPRISE", "Scale", "Enterprise · Scale", 50_000_000, 24_900, 3),
    ];
    let mut insert = Query::insert()
        .into_table(Plans::Table)
        .columns([
            Plans::Id,
            Plans::Code,
            Plans::Tier,
            Plans::Name,
            Plans::TokenAllotment,
            Plans::PriceMinor,
            Plans::Currency,
            Plans::Active,
            Plans::SortOrder,
            Plans::CreatedAt,
            Plans::UpdatedAt,
        ])
        .to_owned();
    for (code, tier, name, tokens, price, order) in rows {
        insert.values_panic([
            sea_orm::prelude::Uuid::new_v4().into(),
            code.into(),
            tier.into(),
            name.into(),
            tokens.into(),
            price.into(),
            "eur".into(),
            true.into(),
            order.into(),
            now.into(),
            now.into(),
        ]);
    }
    manager.exec_stmt(insert).await
}

fn chrono_now() -> sea_orm::prelude::DateTimeUtc {
    sea_orm::prelude::ChronoUtc::now()
}
