//! `api_end_users`: the end users of a project's mode, keyed by the developer's
//! own user id (`X-User-Id`). A stored `tier_name` (set by a paid checkout or by
//! the developer) wins over the `X-User-Plan` header.

use sea_orm::entity::prelude::*;

use crate::api_types::ApiMode;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_end_users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub external_id: String,
    pub email: Option<String>,
    pub tier_name: Option<String>,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    /// The paid subscription's period; none: calendar months (UTC).
    pub current_period_start: Option<DateTimeUtc>,
    pub current_period_end: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
