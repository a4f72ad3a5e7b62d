//! Deploying, changing and removing agents. Each change bumps the order's
//! `config_version` in the same transaction and is audited there.

use chrono::Utc;
use entity::agent_config;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::{
    bump_config_version,
    changes::{check_autonomy, parse_agent_name},
    find_order, is_slug, templates, AgentChanges,
};
use crate::{
    auth::{
        capability::{ManageAgents, TuneAgents},
        Cap, Permission, RequestMeta,
    },
    domain::{audit, webhooks},
    error::{is_unique_violation, AppError, FieldError},
    Services,
};

/// What `deploy` needs: the template role and optional overrides.
#[derive(Debug, Clone, Default)]
pub struct NewAgent {
    pub role: String,
    /// Defaults to the role; unique within the order.
    pub agent_id: Option<String>,
    pub name: Option<String>,
    pub autonomy_level: Option<i32>,
}

/// Deploys an agent to an order from its role template; a taken `agentId` is `CONFLICT`.
pub async fn deploy(
    services: &Services,
    cap: &Cap<ManageAgents>,
    order_id: Uuid,
    input: NewAgent,
    meta: &RequestMeta,
) -> Result<agent_config::Model, AppError> {
    let mut errors = Vec::new();
    let template = templates::find(&input.role);
    if template.is_none() {
        let roles = templates::TEMPLATES.iter().map(|t| t.role).collect::<Vec<_>>().join(", ");
        errors.push(FieldError::new("role", format!("must be one of {roles}")));
    }
    let agent_id = input.agent_id.map(|a| a.trim().to_owned()).unwrap_or_else(|| input.role.clone());
    if !is_slug(&agent_id) {
        errors.push(FieldError::new("agentId", "must be a slug: a lower-case letter, then [a-z0-9-], at most 64"));
    }
    let name = input.name.as_deref().map(|n| parse_agent_name("name", n)).transpose().unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let Some(Err(e)) = input.autonomy_level.map(|l| check_autonomy("autonomyLevel", l)) {
        errors.push(e);
    }
    AppError::check_fields(errors)?;
    let template = template.expect("checked above");

    let txn = crate::db::begin_write(&services.db).await?;
    bump_config_version(&txn, order_id).await?;
    let taken = agent_config::Entity::find()
        .filter(agent_config::Column::OrderId.eq(order_id))
        .filter(agent_config::Column::AgentId.eq(&agent_id))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(duplicate(&agent_id));
    }
    let now = Utc::now();
    let inserted = agent_config::ActiveModel {
        id: Set(Uuid::new_v4()),
        order_id: Set(order_id),
        agent_id: Set(agent_id.clone()),
        name: Set(name.unwrap_or_else(|| template.name.to_owned())),
        role: Set(template.role.to_owned()),
        soul_md: Set(template.soul_md.to_owned()),
        tools_allowed: Set(json!(template.tools_allowed)),
        tools_denied: Set(json!(template.tools_denied)),
        tool_profile: Set(template.tool_profile.to_owned()),
        autonomy_level: Set(input.autonomy_level.unwrap_or(template.autonomy_level)),
        external_comms_unlocks: Set(None),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    // Two deploys racing past the check above: the unique index decides.
    let agent = match inserted {
        Ok(agent) => agent,
        Err(e) if is_unique_violation(&e) => return Err(duplicate(&agent_id)),
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "agent.deployed", meta)
            .target("agent", agent.id)
            .details(json!({ "orderId": order_id, "agentId": agent.agent_id, "role": agent.role })),
    )
    .await?;
    webhooks::enqueue_config_update(&txn, order_id, vec![format!("agents.{}", agent.agent_id)]).await?;
    txn.commit().await?;
    webhooks::wake(services);
    Ok(agent)
}

fn duplicate(agent_id: &str) -> AppError {
    AppError::Conflict(format!("this order already has an agent `{agent_id}`"))
}

/// Changes any field of an agent (staff ADMIN+).
pub async fn update(
    services: &Services,
    cap: &Cap<ManageAgents>,
    id: Uuid,
    changes: AgentChanges,
    meta: &RequestMeta,
) -> Result<agent_config::Model, AppError> {
    apply(services, cap, id, changes, meta).await
}

/// Changes personality, allowed tools, autonomy and external-comms gates — the
/// only fields a customer may change, and only on agents of their own orders.
pub async fn tune(
    services: &Services,
    cap: &Cap<TuneAgents>,
    id: Uuid,
    changes: AgentChanges,
    meta: &RequestMeta,
) -> Result<agent_config::Model, AppError> {
    let refused = changes.staff_only_fields();
    if !refused.is_empty() {
        return Err(AppError::Forbidden(format!("you may not change {}", refused.join(", "))));
    }
    apply(services, cap, id, changes, meta).await
}

fn no_agent() -> AppError {
    AppError::NotFound("no such agent".into())
}

/// Opens the transaction for a change to agent `id`: checks the holder reaches it
/// (`NOT_FOUND` otherwise), bumps its order's version first (which serialises
/// writers, see [`bump_config_version`]), then reads the agent as it now stands.
async fn begin_change<P: Permission>(
    services: &Services,
    cap: &Cap<P>,
    id: Uuid,
) -> Result<(DatabaseTransaction, agent_config::Model), AppError> {
    // An agent never moves to another order, so this read outside the transaction is safe.
    let order_id = agent_config::Entity::find_by_id(id).one(&services.db).await?.ok_or_else(no_agent)?.order_id;
    if cap.customer_scope().is_some() {
        cap.ensure_reaches(find_order(&services.db, order_id).await?.customer_id)?;
    }
    let txn = crate::db::begin_write(&services.db).await?;
    bump_config_version(&txn, order_id).await?;
    let agent = agent_config::Entity::find_by_id(id).one(&txn).await?.ok_or_else(no_agent)?;
    Ok((txn, agent))
}

async fn apply<P: Permission>(
    services: &Services,
    cap: &Cap<P>,
    id: Uuid,
    changes: AgentChanges,
    meta: &RequestMeta,
) -> Result<agent_config::Model, AppError> {
    let (txn, agent) = begin_change(services, cap, id).await?;
    let changed = changed_fields(&changes);
    let next = changes.apply(&agent)?;
    let order_id = agent.order_id;
    let mut active: agent_config::ActiveModel = agent.into();
    active.name = Set(next.name);
    active.soul_md = Set(next.soul_md);
    active.tools_allowed = Set(json!(next.tools_allowed));
    active.tools_denied = Set(json!(next.tools_denied));
    active.tool_profile = Set(next.tool_profile);
    active.autonomy_level = Set(next.autonomy_level);
    active.external_comms_unlocks = Set(next.external_comms_unlocks);
    active.is_active = Set(next.is_active);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    // Field names only: a SOUL.md can be long and is the customer's text.
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "agent.updated", meta)
            .target("agent", id)
            .details(json!({ "orderId": order_id, "agentId": updated.agent_id, "fields": changed })),
    )
    .await?;
    let fields = changed.iter().map(|field| format!("agents.{}.{field}", updated.agent_id)).collect();
    webhooks::enqueue_config_update(&txn, order_id, fields).await?;
    txn.commit().await?;
    webhooks::wake(services);
    Ok(updated)
}

fn changed_fields(c: &AgentChanges) -> Vec<&'static str> {
    let mut fields = c.staff_only_fields();
    for (sent, name) in [
        (c.soul_md.is_some(), "soulMd"),
        (c.tools_allowed.is_some(), "toolsAllowed"),
        (c.autonomy_level.is_some(), "autonomyLevel"),
        (c.external_comms_unlocks.is_some(), "externalCommsUnlocks"),
    ] {
        if sent {
            fields.push(name);
        }
    }
    fields
}

/// Removes an agent from its order; returns it as it was.
pub async fn remove(services: &Services, cap: &Cap<ManageAgents>, id: Uuid, meta: &RequestMeta) -> Result<agent_config::Model, AppError> {
    let (txn, agent) = begin_change(services, cap, id).await?;
    let deleted = agent_config::Entity::delete_many().filter(agent_config::Column::Id.eq(id)).exec(&txn).await?;
    if deleted.rows_affected != 1 {
        return Err(no_agent());
    }
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "agent.removed", meta)
            .target("agent", id)
            .details(json!({ "orderId": agent.order_id, "agentId": agent.agent_id })),
    )
    .await?;
    webhooks::enqueue_config_update(&txn, agent.order_id, vec![format!("agents.{}", agent.agent_id)]).await?;
    txn.commit().await?;
    webhooks::wake(services);
    Ok(agent)
}
