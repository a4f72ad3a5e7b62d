//! `api_tiers`: a SaaS project's subscription tiers per mode; `name` is what
//! `X-User-Plan` carries. `usage_limit` none means unlimited.

use sea_orm::entity::prelude::*;

use crate::api_types::ApiMode;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tiers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub name: String,
    pub display_name: String,
    pub price_minor: i64,
    /// ISO 4217, lower case.
    pub currency: String,
    /// Calls allowed per period; none: unlimited.
    pub usage_limit: Option<i64>,
    pub stripe_price_id: Option<String>,
    /// JSON array of feature strings.
    pub features: Json,
    pub popular: bool,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
