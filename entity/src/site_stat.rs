//! `site_stats`: one telemetry window per project, site and window start.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "site_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub site_uuid: Uuid,
    pub site_slug: String,
    pub vendor_id: i64,
    pub window_start: DateTimeUtc,
    pub window_end: DateTimeUtc,
    pub metrics: Json,
    /// The whole payload as sent (extra fields included).
    pub payload: Json,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
