//! The object types live subscriptions deliver, built from bus events.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::order_types::{OrderStatus, ProvisioningLogLevel};
use crate::events::{self, OrderChange};

/// What an `OrderEvent` reports.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum OrderEventKind {
    /// The order moved from `fromStatus` to `toStatus`.
    StatusChanged,
    /// Its provisioning run wrote a log line (`jobId`, `seq`, `level`, `message`).
    LogLine,
}

/// A status change or a provisioning log line of one order. Which fields are
/// set depends on `kind`.
#[derive(SimpleObject)]
pub struct OrderEvent {
    pub kind: OrderEventKind,
    pub order_id: Uuid,
    pub at: DateTime<Utc>,
    /// STATUS_CHANGED: the status before.
    pub from_status: Option<OrderStatus>,
    /// STATUS_CHANGED: the status now.
    pub to_status: Option<OrderStatus>,
    /// LOG_LINE: the provisioning run that wrote it.
    pub job_id: Option<Uuid>,
    /// LOG_LINE: its position within the run, from 0.
    pub seq: Option<i32>,
    pub level: Option<ProvisioningLogLevel>,
    /// LOG_LINE: the text, cut to 2000 bytes (`provisioningLog` has it whole).
    pub message: Option<String>,
}

impl From<events::OrderEvent> for OrderEvent {
    fn from(e: events::OrderEvent) -> Self {
        let mut out = OrderEvent {
            kind: OrderEventKind::StatusChanged,
            order_id: e.order_id,
            at: e.at,
            from_status: None,
            to_status: None,
            job_id: None,
            seq: None,
            level: None,
            message: None,
        };
        match e.change {
            OrderChange::Status { from, to } => {
                out.from_status = Some(from.into());
                out.to_status = Some(to.into());
            }
            OrderChange::LogLine { job_id, seq, level, message } => {
                out.kind = OrderEventKind::LogLine;
                out.job_id = Some(job_id);
                out.seq = Some(seq);
                out.level = Some(level.into());
                out.message = Some(message);
            }
        }
        out
    }
}

/// A tenant's agent asks to run a gated command: what a list of pending
/// approvals shows. `approval(id)` has the whole request (tool arguments too).
#[derive(SimpleObject)]
pub struct ApprovalRequestedEvent {
    /// The approval's id (the `id` of `approval` and `decideApproval`).
    pub id: Uuid,
    pub order_id: Uuid,
    pub customer_id: Uuid,
    pub agent_id: String,
    /// How risky the tenant judged the command: green, yellow, red…
    pub command_class: String,
    pub tool_name: String,
    /// Cut to 2000 bytes.
    pub human_readable: String,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl From<events::ApprovalEvent> for ApprovalRequestedEvent {
    fn from(e: events::ApprovalEvent) -> Self {
        Self {
            id: e.approval_id,
            order_id: e.order_id,
            customer_id: e.customer_id,
            agent_id: e.agent_id,
            command_class: e.command_class,
            tool_name: e.tool_name,
            human_readable: e.human_readable,
            requested_at: e.requested_at,
            expires_at: e.expires_at,
        }
    }
}
