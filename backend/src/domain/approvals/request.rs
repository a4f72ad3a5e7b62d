//! A tenant asks for approval of a gated command. The tenant API authenticates the
//! order before calling this, so it takes no capability. The request raises an
//! APPROVAL_REQUESTED alert for the order's customer in the same transaction.

use chrono::{Duration, Utc};
use entity::{command_approval, AlertSeverity, ApprovalStatus};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    domain::{
        agents::{find_order, is_slug, is_tool_name},
        alerts::{self, NewAlert},
    },
    error::{AppError, FieldError},
    events::{bounded, ApprovalEvent, Event, MAX_EVENT_TEXT},
    Services,
};

/// How long an approval waits for a decision before it expires.
pub const APPROVAL_TTL_HOURS: i64 = 24;
const MAX_HUMAN_READABLE: usize = 2_000;
const MAX_TOOL_ARGS_BYTES: usize = 64 * 1024;

/// What the tenant sends (spec 001 §6 `approval-request`).
#[derive(Debug, Clone)]
pub struct ApprovalRequest {
    pub agent_id: String,
    /// `green`, `yellow`, `red`…
    pub command_class: String,
    pub tool_name: String,
    pub tool_args: Value,
    pub human_readable: String,
}

impl ApprovalRequest {
    fn check(&self) -> Result<(), AppError> {
        let mut errors = Vec::new();
        if !is_slug(&self.agent_id) {
            errors.push(FieldError::new("agentId", "must be a slug: a lower-case letter, then [a-z0-9-], at most 64"));
        }
        let class_ok = !self.command_class.is_empty()
            && self.command_class.len() <= 32
            && self.command_class.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if !class_ok {
            errors.push(FieldError::new("commandClass", "must be a lower-case word such as green, yellow or red"));
        }
        if !is_tool_name(&self.tool_name) {
            errors.push(FieldError::new("toolName", "must be a tool name ([a-z0-9_]+, at most 64)"));
        }
        if !self.tool_args.is_object() {
            errors.push(FieldError::new("toolArgs", "must be a JSON object"));
        } else if self.tool_args.to_string().len() > MAX_TOOL_ARGS_BYTES {
            errors.push(FieldError::new("toolArgs", "must be at most 64 KiB"));
        }
        match self.human_readable.trim().chars().count() {
            0 => errors.push(FieldError::new("humanReadable", "must not be empty")),
            n if n > MAX_HUMAN_READABLE => {
                errors.push(FieldError::new("humanReadable", format!("must be at most {MAX_HUMAN_READABLE} characters")))
            }
            _ => {}
        }
        AppError::check_fields(errors)
    }
}

/// Records a PENDING approval for `order_id`, expiring 24 h after now, and
/// tells live viewers (`approvalRequested`) once it is stored: every approval
/// request comes through here.
pub async fn request(services: &Services, order_id: Uuid, input: ApprovalRequest) -> Result<command_approval::Model, AppError> {
    input.check()?;
    let order = find_order(&services.db, order_id).await?;
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    let created = command_approval::ActiveModel {
        id: Set(Uuid::new_v4()),
        order_id: Set(order_id),
        agent_id: Set(input.agent_id),
        command_class: Set(input.command_class),
        tool_name: Set(input.tool_name),
        tool_args: Set(input.tool_args),
        human_readable: Set(input.human_readable.trim().to_owned()),
        status: Set(ApprovalStatus::Pending),
        requested_at: Set(now),
        expires_at: Set(now + Duration::hours(APPROVAL_TTL_HOURS)),
        decided_at: Set(None),
        decided_by: Set(None),
        decision_reason: Set(None),
        delivered_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let alert = NewAlert {
        alert_type: alerts::APPROVAL_REQUESTED,
        severity: AlertSeverity::Info,
        customer_id: Some(order.customer_id),
        subject: Some(("approval", created.id.to_string())),
        message: format!("Agent {} on {} asks for approval: {}", created.agent_id, order.domain, created.human_readable),
        dedupe_key: Some(alerts::approval_requested_key(created.id)),
    };
    let raised = alerts::raise(&txn, alert).await?;
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    services.events.publish(Event::ApprovalRequested(ApprovalEvent {
        approval_id: created.id,
        order_id,
        customer_id: order.customer_id,
        agent_id: created.agent_id.clone(),
        command_class: created.command_class.clone(),
        tool_name: created.tool_name.clone(),
        human_readable: bounded(&created.human_readable, MAX_EVENT_TEXT),
        requested_at: created.requested_at,
        expires_at: created.expires_at,
    }));
    Ok(created)
}
