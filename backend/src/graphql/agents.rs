//! Agents and their role templates.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::agent_config;
use uuid::Uuid;

use super::{context::ContextExt, error::GqlResultExt};
use crate::{
    auth::capability::{ManageAgents, ReadAgents, TuneAgents},
    domain::agents::{self, changes::json_strings, templates},
};

/// An AI agent deployed on an order's tenant server (spec 001 §4.8).
#[derive(SimpleObject)]
pub struct AgentConfig {
    pub id: Uuid,
    pub order_id: Uuid,
    /// Slug unique within the order, e.g. `it-admin`.
    pub agent_id: String,
    pub name: String,
    /// The template it came from.
    pub role: String,
    /// The agent's persona, in Markdown.
    pub soul_md: String,
    pub tools_allowed: Vec<String>,
    pub tools_denied: Vec<String>,
    pub tool_profile: String,
    /// 1 (asks for everything) to 4 (acts alone within its tools).
    pub autonomy_level: i32,
    /// Tool name → external communication unlocked; null when none are.
    pub external_comms_unlocks: Option<serde_json::Value>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<agent_config::Model> for AgentConfig {
    fn from(a: agent_config::Model) -> Self {
        Self {
            id: a.id,
            order_id: a.order_id,
            agent_id: a.agent_id,
            name: a.name,
            role: a.role,
            soul_md: a.soul_md,
            tools_allowed: json_strings(&a.tools_allowed),
            tools_denied: json_strings(&a.tools_denied),
            tool_profile: a.tool_profile,
            autonomy_level: a.autonomy_level,
            external_comms_unlocks: a.external_comms_unlocks,
            is_active: a.is_active,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A role template agents are deployed from.
#[derive(SimpleObject)]
pub struct AgentTemplate {
    /// dispatcher, it-admin, marketing, secretary or sales.
    pub role: String,
    pub name: String,
    pub description: String,
    pub soul_md: String,
    pub tools_allowed: Vec<String>,
    pub tools_denied: Vec<String>,
    pub tool_profile: String,
    pub autonomy_level: i32,
}

impl From<&templates::AgentTemplate> for AgentTemplate {
    fn from(t: &templates::AgentTemplate) -> Self {
        let strings = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect();
        Self {
            role: t.role.into(),
            name: t.name.into(),
            description: t.description.into(),
            soul_md: t.soul_md.into(),
            tools_allowed: strings(t.tools_allowed),
            tools_denied: strings(t.tools_denied),
            tool_profile: t.tool_profile.into(),
            autonomy_level: t.autonomy_level,
        }
    }
}

#[derive(InputObject)]
pub struct DeployAgentInput {
    /// The template role: dispatcher, it-admin, marketing, secretary or sales.
    pub role: String,
    /// Defaults to the role; must be unique within the order.
    pub agent_id: Option<String>,
    pub name: Option<String>,
    pub autonomy_level: Option<i32>,
}

/// Fields to change; omitted ones stay. Customers may send only `soulMd`,
/// `toolsAllowed`, `autonomyLevel` and `externalCommsUnlocks`.
#[derive(InputObject)]
pub struct UpdateAgentInput {
    pub name: Option<String>,
    pub soul_md: Option<String>,
    pub tools_allowed: Option<Vec<String>>,
    pub tools_denied: Option<Vec<String>>,
    pub tool_profile: Option<String>,
    pub autonomy_level: Option<i32>,
    /// An object of tool name → true/false; `{}` clears every unlock.
    pub external_comms_unlocks: Option<serde_json::Value>,
    pub is_active: Option<bool>,
}

impl From<UpdateAgentInput> for agents::AgentChanges {
    fn from(i: UpdateAgentInput) -> Self {
        Self {
            name: i.name,
            soul_md: i.soul_md,
            tools_allowed: i.tools_allowed,
            tools_denied: i.tools_denied,
            tool_profile: i.tool_profile,
            autonomy_level: i.autonomy_level,
            external_comms_unlocks: i.external_comms_unlocks,
            is_active: i.is_active,
        }
    }
}

#[derive(Default)]
pub struct AgentQuery;

#[Object]
impl AgentQuery {
    /// The role templates agents are deployed from (staff; customers).
    async fn agent_templates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AgentTemplate>> {
        let cap = ctx.actor().grant::<ReadAgents>().gql()?;
        Ok(templates::list(&cap).gql()?.iter().map(Into::into).collect())
    }

    /// The agents of an order (staff: any order; a customer: their own orders).
    async fn agents(&self, ctx: &Context<'_>, order_id: Uuid) -> async_graphql::Result<Vec<AgentConfig>> {
        let cap = ctx.actor().grant::<ReadAgents>().gql()?;
        let list = agents::list(ctx.services(), &cap, order_id).await.gql()?;
        Ok(list.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct AgentMutation;

#[Object]
impl AgentMutation {
    /// Deploys an agent to an order from its role template (ADMIN and above).
    async fn deploy_agent(&self, ctx: &Context<'_>, order_id: Uuid, input: DeployAgentInput) -> async_graphql::Result<AgentConfig> {
        let cap = ctx.actor().grant::<ManageAgents>().gql()?;
        let new = agents::NewAgent { role: input.role, agent_id: input.agent_id, name: input.name, autonomy_level: input.autonomy_level };
        agents::deploy(ctx.services(), &cap, order_id, new, ctx.meta()).await.map(Into::into).gql()
    }

    /// Changes an agent: ADMIN and above any field; a customer their own agents'
    /// personality, allowed tools, autonomy and external-comms gates.
    async fn update_agent(&self, ctx: &Context<'_>, id: Uuid, input: UpdateAgentInput) -> async_graphql::Result<AgentConfig> {
        let (services, meta) = (ctx.services(), ctx.meta());
        let updated = match ctx.actor().grant::<ManageAgents>() {
            Ok(cap) => agents::update(services, &cap, id, input.into(), meta).await,
            Err(refused) => match ctx.actor().grant::<TuneAgents>() {
                Ok(cap) if cap.customer_scope().is_some() => agents::tune(services, &cap, id, input.into(), meta).await,
                _ => Err(refused),
            },
        };
        updated.map(Into::into).gql()
    }

    /// Removes an agent from its order; returns it as it was (ADMIN and above).
    async fn remove_agent(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<AgentConfig> {
        let cap = ctx.actor().grant::<ManageAgents>().gql()?;
        agents::remove(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }
}
