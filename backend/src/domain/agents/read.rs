//! Reading agents: one order's, or many orders' at once for nested GraphQL fields.

use std::collections::HashMap;

use entity::{agent_config, order};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::find_order;
use crate::{
    auth::{capability::ReadAgents, Cap},
    error::AppError,
    Services,
};

/// The agents of one order, oldest first; a customer reaches only their own orders.
pub async fn list(services: &Services, cap: &Cap<ReadAgents>, order_id: Uuid) -> Result<Vec<agent_config::Model>, AppError> {
    let order = find_order(&services.db, order_id).await?;
    cap.ensure_reaches(order.customer_id)?;
    let agents = agent_config::Entity::find()
        .filter(agent_config::Column::OrderId.eq(order_id))
        .order_by_asc(agent_config::Column::CreatedAt)
        .order_by_asc(agent_config::Column::AgentId)
        .all(&services.db)
        .await?;
    Ok(agents)
}

/// The agents of many orders in one query (for DataLoaders). Orders the holder
/// may not reach (and unknown ids) map to no entry, as if they had no agents.
pub async fn by_orders(
    services: &Services,
    cap: &Cap<ReadAgents>,
    order_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<agent_config::Model>>, AppError> {
    if order_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut query = agent_config::Entity::find().filter(agent_config::Column::OrderId.is_in(order_ids.iter().copied()));
    if let Some(customer) = cap.customer_scope() {
        // The owner filter in SQL: a customer never loads another customer's rows.
        let own_orders = sea_orm::sea_query::Query::select()
            .column(order::Column::Id)
            .from(order::Entity)
            .and_where(order::Column::CustomerId.eq(customer))
            .to_owned();
        query = query.filter(agent_config::Column::OrderId.in_subquery(own_orders));
    }
    let agents = query.order_by_asc(agent_config::Column::CreatedAt).order_by_asc(agent_config::Column::AgentId).all(&services.db).await?;
    let mut map: HashMap<Uuid, Vec<agent_config::Model>> = HashMap::new();
    for agent in agents {
        map.entry(agent.order_id).or_default().push(agent);
    }
    Ok(map)
}
