//! `api_usage_counters`: calls admitted per end user and period (the usage
//! check's durable state). Written only by the usage check's group commit.

use sea_orm::entity::prelude::*;

use crate::api_types::ApiMode;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_usage_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub end_user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period_start: DateTimeUtc,
    pub period_end: DateTimeUtc,
    pub project_id: Uuid,
    pub mode: ApiMode,
    /// The tier the calls were counted under (the last one seen this period).
    pub tier_name: String,
    pub count: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
