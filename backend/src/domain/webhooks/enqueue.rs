//! Enqueuing: an event becomes one PENDING delivery for its order's endpoint,
//! written on the caller's transaction, so the delivery exists exactly when the
//! change it reports does. Orders whose server has not told Hub where to send
//! webhooks get none (their tenant still learns everything from heartbeats); a
//! disabled endpoint still gets them, held until staff re-enable it.

use chrono::Utc;
use entity::{
    command_approval, order, remote_command,
    webhook_delivery::{self, Column as D},
    webhook_endpoint::{self, Column as E},
    AccountKind, ApprovalStatus, WebhookDeliveryStatus, WebhookEvent,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ConnectionTrait, EntityTrait,
};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{auth::Principal, error::AppError};

/// One event for a tenant, with the body its webhook carries (spec 001 §8.2).
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: WebhookEvent,
    /// The command or approval it is about.
    pub subject_id: Option<Uuid>,
    pub payload: Value,
}

impl Event {
    /// `{configVersion, changedFields}`; fields are named `agents.<agentId>[.<field>]`.
    pub fn config_updated(config_version: i64, changed_fields: Vec<String>) -> Self {
        let payload = json!({ "configVersion": config_version, "changedFields": changed_fields });
        Self { kind: WebhookEvent::ConfigUpdated, subject_id: None, payload }
    }

    /// `{approvalId, action: approve|deny, respondedBy: {id, name, kind}, reason, decidedAt}`.
    pub fn approval_responded(approval: &command_approval::Model, responder: &Principal) -> Self {
        let action = if approval.status == ApprovalStatus::Approved { "approve" } else { "deny" };
        let kind = if responder.kind == AccountKind::Staff { "staff" } else { "customer" };
        let payload = json!({
            "approvalId": approval.id,
            "action": action,
            "respondedBy": { "id": responder.user_id, "name": responder.name, "kind": kind },
            "reason": approval.decision_reason,
            "decidedAt": approval.decided_at,
        });
        Self { kind: WebhookEvent::ApprovalResponded, subject_id: Some(approval.id), payload }
    }

    /// `{commandId, type, payload, createdAt}`, like a heartbeat's `pendingCommands` item.
    pub fn command_queued(command: &remote_command::Model) -> Self {
        let payload = json!({ "commandId": command.id, "type": command.command, "payload": command.args, "createdAt": command.created_at });
        Self { kind: WebhookEvent::CommandQueued, subject_id: Some(command.id), payload }
    }
}

/// Stores `event` as a PENDING delivery, due now, if the order has an endpoint
/// with a URL; answers whether it did. One `INSERT … SELECT` from the endpoint
/// row: a write, so on SQLite it never upgrades a read snapshot. Call
/// [`super::wake`] after the caller commits.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, order_id: Uuid, event: Event) -> Result<bool, AppError> {
    let now = Utc::now();
    let endpoint = |col: E| Expr::col((webhook_endpoint::Entity, col));
    let select = Query::select()
        .expr(Expr::val(Uuid::new_v4()))
        .expr(endpoint(E::OrderId))
        .expr(Expr::val(event.kind))
        .expr(Expr::val(event.subject_id))
        .expr(Expr::val(event.payload))
        .expr(Expr::val(WebhookDeliveryStatus::Pending))
        .expr(Expr::val(0))
        .expr(Expr::val(now))
        .expr(Expr::val(now))
        .expr(Expr::val(now))
        .from(webhook_endpoint::Entity)
        .and_where(endpoint(E::OrderId).eq(order_id))
        .and_where(endpoint(E::Url).is_not_null())
        .to_owned();
    let columns =
        [D::Id, D::OrderId, D::Event, D::SubjectId, D::Payload, D::Status, D::Attempts, D::NextAttemptAt, D::CreatedAt, D::UpdatedAt];
    let insert =
        Query::insert().into_table(webhook_delivery::Entity).columns(columns).select_from(select).map_err(AppError::internal)?.to_owned();
    Ok(conn.execute(&insert).await?.rows_affected() == 1)
}

/// Enqueues a config update carrying the order's `config_version` as it stands
/// in the caller's transaction (call it after the version was bumped there).
pub async fn enqueue_config_update<C: ConnectionTrait>(conn: &C, order_id: Uuid, changed_fields: Vec<String>) -> Result<bool, AppError> {
    let order = order::Entity::find_by_id(order_id).one(conn).await?.ok_or_else(|| AppError::NotFound("no such order".into()))?;
    enqueue(conn, order_id, Event::config_updated(order.config_version, changed_fields)).await
}
