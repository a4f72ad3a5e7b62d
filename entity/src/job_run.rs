//! `job_runs`: one row per scheduled job and slot. The unique (job, slot) pair
//! is the claim: of several replicas firing for the same tick, one inserts it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The job's name, e.g. `approval-expiry`.
    pub job: String,
    /// The tick the run is for: the scheduled time, or the minute of a cron call.
    pub slot: DateTimeUtc,
    /// `SCHEDULE` (the built-in scheduler), `CRON` (the cron route) or `MANUAL`.
    pub trigger: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, or `SKIPPED` (another run of the job was still going).
    pub outcome: String,
    pub error: Option<String>,
    /// What the run did, e.g. `{"expired": 3}`.
    pub summary: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
