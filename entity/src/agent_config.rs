//! `agent_configs`: an AI agent deployed on an order's tenant (spec 001 §4.8).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agent_configs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    /// Slug unique within the order, e.g. `it-admin`.
    pub agent_id: String,
    pub name: String,
    /// The template it came from: dispatcher, it-admin, marketing, secretary, sales.
    pub role: String,
    pub soul_md: String,
    /// JSON arrays of tool names.
    pub tools_allowed: Json,
    pub tools_denied: Json,
    pub tool_profile: String,
    /// 1 (asks for everything) to 4 (acts alone within its tools).
    pub autonomy_level: i32,
    /// Per-tool external-communication gates, a JSON object of tool → bool; null when none are unlocked.
    pub external_comms_unlocks: Option<Json>,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
