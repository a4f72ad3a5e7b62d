//! `tenant_heartbeats`: the latest heartbeat snapshot and backup report of an order's server.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant_heartbeats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: Uuid,
    pub status: Option<String>,
    pub reported_config_version: Option<i64>,
    /// The known sections of the last heartbeat (versions, agents, resources, tokenUsage, backupStatus).
    pub snapshot: Option<Json>,
    pub last_seen_at: Option<DateTimeUtc>,
    /// The last `backup-status` report.
    pub backup: Option<Json>,
    pub backup_reported_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
