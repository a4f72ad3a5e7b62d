//! `site_daily_rollups`: site telemetry per project, site and UTC day (by
//! window start), kept in step with `site_stats` by
//! `projects::telemetry::record_site_stats` (issue 6, insights).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "site_daily_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub site_uuid: Uuid,
    /// Days since 1970-01-01 (UTC).
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: i64,
    /// The vendor and slug of the latest window written for the day.
    pub vendor_id: i64,
    pub site_slug: String,
    /// How many telemetry windows the day holds.
    pub windows: i64,
    pub orders_count: i64,
    pub new_users_count: i64,
    pub revenue_paise: i64,
    pub requests_count: i64,
    pub errors_count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
