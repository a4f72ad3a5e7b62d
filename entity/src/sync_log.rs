//! `sync_logs`: every bridge call, accepted or refused; never bodies or secrets.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_logs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `INBOUND` (child → Hub) or `OUTBOUND`.
    pub direction: String,
    /// The project slug as sent, even when unknown.
    pub project_slug: String,
    pub endpoint: String,
    pub status: i32,
    pub latency_ms: i64,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
