//! What a tenant reads: its configuration and its own approvals.

use entity::{agent_config, command_approval, order, system_setting};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{error::AppError, Services};

/// The setting holding the model-routing object tenants receive.
pub const MODEL_ROUTING_KEY: &str = "tenant.model_routing";

/// An order's configuration as its tenant pulls it.
#[derive(Debug, Clone)]
pub struct TenantConfig {
    pub config_version: i64,
    pub agents: Vec<agent_config::Model>,
    pub model_routing: Value,
}

/// The routing used when the setting is absent.
pub fn default_model_routing() -> Value {
    json!({
        "defaultModel": "deepseek/deepseek-v3.2",
        "fallbackModels": [],
        "premiumModels": [],
        "allowPremium": false,
    })
}

/// The order's config version, agents (by agent id) and model routing.
pub async fn config(services: &Services, order_id: Uuid) -> Result<TenantConfig, AppError> {
    let order = order::Entity::find_by_id(order_id).one(&services.db).await?;
    let order = order.ok_or_else(|| AppError::NotFound("no such order".into()))?;
    let agents = agent_config::Entity::find()
        .filter(agent_config::Column::OrderId.eq(order_id))
        .order_by_asc(agent_config::Column::AgentId)
        .all(&services.db)
        .await?;
    let routing = system_setting::Entity::find_by_id(MODEL_ROUTING_KEY.to_owned()).one(&services.db).await?;
    let model_routing = routing.map(|s| s.value).unwrap_or_else(default_model_routing);
    Ok(TenantConfig { config_version: order.config_version, agents, model_routing })
}

/// One of the order's approvals; another order's approval is `NOT_FOUND`.
pub async fn approval(services: &Services, order_id: Uuid, id: Uuid) -> Result<command_approval::Model, AppError> {
    command_approval::Entity::find_by_id(id)
        .filter(command_approval::Column::OrderId.eq(order_id))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such approval".into()))
}
