//! The tenant-host shim (spec 001 §6, CONTRACT.md §3): the Safety Wrapper on an
//! order's server. Handlers only translate; every one after `register` acts on
//! the order its hub key resolves to, never on an id from the body or path.

use axum::{
    extract::{FromRequestParts, Path, State},
    http::{header::AUTHORIZATION, request::Parts, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};
use uuid::Uuid;

use super::body::Body;
use crate::{
    domain::{
        approvals::{self, ApprovalRequest},
        tenants::{self, heartbeat, read, usage},
    },
    error::AppError,
    Services,
};
use entity::{agent_config, command_approval, remote_command, ApprovalStatus};

/// The order a `Bearer hk_…` key resolves to.
pub struct TenantOrder(pub Uuid);

impl FromRequestParts<Services> for TenantOrder {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, services: &Services) -> Result<Self, AppError> {
        let header = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let key = header.and_then(|h| h.strip_prefix("Bearer ")).map(str::trim);
        let key = key.ok_or_else(|| AppError::Unauthorized("a hub API key is required".into()))?;
        tenants::authenticate(services, key).await.map(TenantOrder)
    }
}

fn ok(data: Value) -> Json<Value> {
    Json(json!({ "success": true, "data": data }))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterBody {
    registration_token: String,
    /// Where the Safety Wrapper takes Hub's webhooks (spec 001 §8.2).
    safety_wrapper_url: Option<String>,
}

/// `POST /api/v1/tenant/register`: a registration token for a hub key and a
/// webhook signing secret, once.
pub async fn register(State(services): State<Services>, Body(body): Body<RegisterBody>) -> Result<Json<Value>, AppError> {
    let registered = tenants::register(&services, &body.registration_token, body.safety_wrapper_url.as_deref()).await?;
    Ok(ok(json!({
        "hubApiKey": registered.hub_api_key,
        "orderId": registered.order_id,
        "webhookSecret": registered.webhook_secret,
    })))
}

fn command_json(command: &remote_command::Model) -> Value {
    json!({ "id": command.id, "type": command.command, "payload": command.args, "createdAt": command.created_at })
}

fn approval_action(status: ApprovalStatus) -> &'static str {
    match status {
        ApprovalStatus::Approved => "approve",
        ApprovalStatus::Denied => "deny",
        ApprovalStatus::Expired => "expire",
        ApprovalStatus::Pending => "pending",
    }
}

fn approval_json(approval: &command_approval::Model) -> Value {
    json!({
        "id": approval.id,
        "agentId": approval.agent_id,
        "toolName": approval.tool_name,
        "status": approval.status,
        "action": approval_action(approval.status),
        "reason": approval.decision_reason,
        "requestedAt": approval.requested_at,
        "expiresAt": approval.expires_at,
        "decidedAt": approval.decided_at,
    })
}

/// `POST /api/v1/tenant/heartbeat`: stores the snapshot; answers the config
/// version and the commands and decisions waiting for the tenant.
pub async fn heartbeat(
    State(services): State<Services>,
    TenantOrder(order_id): TenantOrder,
    Body(body): Body<heartbeat::Heartbeat>,
) -> Result<Json<Value>, AppError> {
    let reply = heartbeat::record(&services, order_id, body).await?;
    Ok(ok(json!({
        "configVersion": reply.config_version,
        "configChanged": reply.config_changed,
        "pendingCommands": reply.pending_commands.iter().map(command_json).collect::<Vec<_>>(),
        "pendingApprovals": reply.pending_approvals.iter().map(approval_json).collect::<Vec<_>>(),
    })))
}

fn agent_json(agent: &agent_config::Model) -> Value {
    json!({
        "agentId": agent.agent_id,
        "name": agent.name,
        "role": agent.role,
        "soulMd": agent.soul_md,
        "toolsAllowed": agent.tools_allowed,
        "toolsDenied": agent.tools_denied,
        "toolProfile": agent.tool_profile,
        "autonomyLevel": agent.autonomy_level,
        "externalCommsUnlocks": agent.external_comms_unlocks,
        "isActive": agent.is_active,
    })
}

/// `GET /api/v1/tenant/config`: config version, agents and model routing.
pub async fn config(State(services): State<Services>, TenantOrder(order_id): TenantOrder) -> Result<Json<Value>, AppError> {
    let config = read::config(&services, order_id).await?;
    Ok(ok(json!({
        "configVersion": config.config_version,
        "agents": config.agents.iter().map(agent_json).collect::<Vec<_>>(),
        "modelRouting": config.model_routing,
    })))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalBody {
    agent_id: String,
    command_class: String,
    tool_name: String,
    #[serde(default)]
    tool_args: Option<Value>,
    human_readable: String,
}

/// `POST /api/v1/tenant/approval-request`: records a PENDING approval (201).
pub async fn approval_request(
    State(services): State<Services>,
    TenantOrder(order_id): TenantOrder,
    Body(body): Body<ApprovalBody>,
) -> Result<Response, AppError> {
    let input = ApprovalRequest {
        agent_id: body.agent_id,
        command_class: body.command_class,
        tool_name: body.tool_name,
        tool_args: body.tool_args.unwrap_or_else(|| json!({})),
        human_readable: body.human_readable,
    };
    let created = approvals::request(&services, order_id, input).await?;
    Ok((StatusCode::CREATED, ok(approval_json(&created))).into_response())
}

/// `GET /api/v1/tenant/approval-response/{id}`: one of this order's approvals.
pub async fn approval_response(
    State(services): State<Services>,
    TenantOrder(order_id): TenantOrder,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound("no such approval".into()))?;
    let approval = read::approval(&services, order_id, id).await?;
    Ok(ok(approval_json(&approval)))
}

#[derive(serde::Deserialize)]
pub struct UsageBody {
    buckets: Vec<usage::Bucket>,
}

/// `POST /api/v1/tenant/usage`: upserts a batch of hourly buckets.
pub async fn usage(
    State(services): State<Services>,
    TenantOrder(order_id): TenantOrder,
    Body(body): Body<UsageBody>,
) -> Result<Json<Value>, AppError> {
    let accepted = usage::ingest(&services, order_id, body.buckets).await?;
    Ok(ok(json!({ "accepted": accepted })))
}

/// `POST /api/v1/tenant/backup-status`: stores the latest backup report.
pub async fn backup_status(
    State(services): State<Services>,
    TenantOrder(order_id): TenantOrder,
    Body(body): Body<heartbeat::BackupReport>,
) -> Result<Json<Value>, AppError> {
    heartbeat::record_backup(&services, order_id, body).await?;
    Ok(ok(json!({ "recorded": true })))
}
