//! `orders`: one tenant server a customer bought, and its lifecycle.

use sea_orm::entity::prelude::*;

use crate::control_types::{AutomationMode, OrderStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub customer_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub status: OrderStatus,
    pub tier: String,
    pub domain: String,
    /// Tool slugs to deploy, a JSON array of strings.
    pub tools: Json,
    pub server_ip: Option<String>,
    pub ssh_port: Option<i32>,
    pub automation_mode: AutomationMode,
    pub dashboard_url: Option<String>,
    pub portainer_url: Option<String>,
    /// Bumped on every agent or configuration change; tenants compare it.
    pub config_version: i64,
    pub failure_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub fulfilled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
