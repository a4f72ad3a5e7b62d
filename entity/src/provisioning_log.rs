//! `provisioning_logs`: the log lines of provisioning jobs, in order.

use sea_orm::entity::prelude::*;

use crate::control_types::LogLevel;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provisioning_logs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub job_id: Uuid,
    pub order_id: Uuid,
    /// Position within the job, from 0.
    pub seq: i32,
    pub level: LogLevel,
    pub message: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
