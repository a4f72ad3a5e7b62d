//! `webhook_attempts`: every HTTP attempt of a delivery, kept for staff to read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub delivery_id: Uuid,
    /// The attempt's number within its delivery cycle, from 1.
    pub attempt: i32,
    pub started_at: DateTimeUtc,
    pub duration_ms: i64,
    /// The HTTP status, when an answer came.
    pub status_code: Option<i32>,
    /// Why it failed (no body is kept): a status line or a network error.
    pub error: Option<String>,
    pub succeeded: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
