//! Scheduled jobs (issue 5): `job_runs`, one row per job and slot (the tick it
//! was scheduled for, or the minute a cron call came in), so replicas firing for
//! the same tick run it once; and `alerts.resolved_at`, for conditions that
//! clear by themselves (a tenant heartbeats again) without anybody
//! acknowledging them. An open alert is now neither acknowledged nor resolved.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Id,
    Job,
    Slot,
    Trigger,
    StartedAt,
    FinishedAt,
    Outcome,
    Error,
    Summary,
}

#[derive(DeriveIden)]
enum Alerts {
    Table,
    ResolvedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(pk_uuid(JobRuns::Id))
                    .col(string_len(JobRuns::Job, 64))
                    .col(timestamp_with_time_zone(JobRuns::Slot))
                    .col(string_len(JobRuns::Trigger, 16))
                    .col(timestamp_with_time_zone(JobRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(JobRuns::FinishedAt))
                    .col(string_len(JobRuns::Outcome, 16))
                    .col(text_null(JobRuns::Error))
                    .col(json_null(JobRuns::Summary))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_job_runs_job_slot")
                    .table(JobRuns::Table)
                    .col(JobRuns::Job)
                    .col(JobRuns::Slot)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_job_runs_started").table(JobRuns::Table).col(JobRuns::StartedAt).to_owned()).await?;

        manager
            .alter_table(Table::alter().table(Alerts::Table).add_column(timestamp_with_time_zone_null(Alerts::ResolvedAt)).to_owned())
            .await?;
        // A new name for the new predicate (open = neither acknowledged nor resolved).
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_alerts_open_key ON alerts (dedupe_key) WHERE acknowledged_at IS NULL AND resolved_at IS NULL",
        )
        .await?;
        db.execute_unprepared("DROP INDEX idx_alerts_open_dedupe").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_alerts_open_key").await?;
        db.execute_unprepared("CREATE UNIQUE INDEX idx_alerts_open_dedupe ON alerts (dedupe_key) WHERE acknowledged_at IS NULL").await?;
        manager.alter_table(Table::alter().table(Alerts::Table).drop_column(Alerts::ResolvedAt).to_owned()).await?;
        manager.drop_table(Table::drop().table(JobRuns::Table).to_owned()).await
    }
}
