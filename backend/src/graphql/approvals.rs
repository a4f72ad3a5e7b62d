//! Command approvals: the queue of gated commands waiting for a human.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::command_approval;
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
};
use crate::{
    auth::capability::{DecideApprovals, ReadApprovals},
    domain::approvals,
};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::ApprovalStatus")]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Denied,
    Expired,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ApprovalAction {
    Approve,
    Deny,
}

/// A gated command an agent wants to run (spec 001 §4.9).
#[derive(SimpleObject)]
pub struct CommandApproval {
    pub id: Uuid,
    pub order_id: Uuid,
    pub agent_id: String,
    /// How risky the tenant judged the command: green, yellow, red…
    pub command_class: String,
    pub tool_name: String,
    pub tool_args: serde_json::Value,
    pub human_readable: String,
    pub status: ApprovalStatus,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The account that approved or denied it.
    pub decided_by: Option<Uuid>,
    pub decision_reason: Option<String>,
}

impl From<command_approval::Model> for CommandApproval {
    fn from(a: command_approval::Model) -> Self {
        Self {
            id: a.id,
            order_id: a.order_id,
            agent_id: a.agent_id,
            command_class: a.command_class,
            tool_name: a.tool_name,
            tool_args: a.tool_args,
            human_readable: a.human_readable,
            status: a.status.into(),
            requested_at: a.requested_at,
            expires_at: a.expires_at,
            decided_at: a.decided_at,
            decided_by: a.decided_by,
            decision_reason: a.decision_reason,
        }
    }
}

#[derive(Default)]
pub struct ApprovalQuery;

#[Object]
impl ApprovalQuery {
    /// Command approvals, newest first (staff: all; a customer: their own orders').
    async fn approvals(
        &self,
        ctx: &Context<'_>,
        status: Option<ApprovalStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Paged<CommandApproval>> {
        let cap = ctx.actor().grant::<ReadApprovals>().gql()?;
        paged(first, after, |page| approvals::list(ctx.services(), &cap, status.map(Into::into), page)).await
    }

    /// One command approval with its full command context.
    async fn approval(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<CommandApproval> {
        let cap = ctx.actor().grant::<ReadApprovals>().gql()?;
        approvals::get(ctx.services(), &cap, id).await.map(Into::into).gql()
    }
}

#[derive(Default)]
pub struct ApprovalMutation;

#[Object]
impl ApprovalMutation {
    /// Approves or denies a pending approval, once (ADMIN and above, or the owning customer).
    async fn decide_approval(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        action: ApprovalAction,
        reason: Option<String>,
    ) -> async_graphql::Result<CommandApproval> {
        let cap = ctx.actor().grant::<DecideApprovals>().gql()?;
        let decision = match action {
            ApprovalAction::Approve => approvals::Decision::Approve,
            ApprovalAction::Deny => approvals::Decision::Deny,
        };
        approvals::decide(ctx.services(), &cap, id, decision, reason, ctx.meta()).await.map(Into::into).gql()
    }
}
