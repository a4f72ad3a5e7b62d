//! GraphQL object types of orders, provisioning and remote commands, built from entities.

use async_graphql::{Enum, Json, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{order, provisioning_job, provisioning_log, remote_command};
use uuid::Uuid;

use crate::domain::orders::tools_of;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::OrderStatus")]
pub enum OrderStatus {
    PaymentConfirmed,
    AwaitingDns,
    Provisioning,
    Fulfilled,
    Failed,
    Cancelled,
}

/// Whether an order advances by itself: AUTO starts provisioning once paid.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::AutomationMode")]
pub enum AutomationMode {
    Auto,
    Manual,
    Paused,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::JobStatus")]
pub enum ProvisioningJobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::LogLevel")]
pub enum ProvisioningLogLevel {
    Info,
    Warn,
    Error,
}

/// Commands staff may queue for a tenant server.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::RemoteCommandKind")]
pub enum RemoteCommandKind {
    RestartService,
    RestartAgent,
    ReloadConfig,
    RunBackup,
    UpdateStack,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::RemoteCommandStatus")]
pub enum RemoteCommandStatus {
    Queued,
    Delivered,
    Cancelled,
}

/// One tenant server a customer bought (spec 001 §4.3; nested fields: `graphql/nested.rs`).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Order {
    pub id: Uuid,
    /// The customer account (`customers.id`, also their user id).
    pub customer_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub status: OrderStatus,
    pub tier: String,
    pub domain: String,
    /// Slugs of the tools deployed on the server.
    pub tools: Vec<String>,
    pub server_ip: Option<String>,
    pub ssh_port: Option<i32>,
    pub automation_mode: AutomationMode,
    pub dashboard_url: Option<String>,
    pub portainer_url: Option<String>,
    /// Bumped on every configuration change; tenants compare it.
    pub config_version: i64,
    /// Why the last provisioning run failed (status FAILED).
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub fulfilled_at: Option<DateTime<Utc>>,
}

impl From<order::Model> for Order {
    fn from(o: order::Model) -> Self {
        Self {
            tools: tools_of(&o),
            id: o.id,
            customer_id: o.customer_id,
            plan_id: o.plan_id,
            status: o.status.into(),
            tier: o.tier,
            domain: o.domain,
            server_ip: o.server_ip,
            ssh_port: o.ssh_port,
            automation_mode: o.automation_mode.into(),
            dashboard_url: o.dashboard_url,
            portainer_url: o.portainer_url,
            config_version: o.config_version,
            failure_reason: o.failure_reason,
            created_at: o.created_at,
            updated_at: o.updated_at,
            fulfilled_at: o.fulfilled_at,
        }
    }
}

/// One run of a provisioning driver for an order.
#[derive(SimpleObject)]
pub struct ProvisioningJob {
    pub id: Uuid,
    pub order_id: Uuid,
    /// Which driver ran it, e.g. `simulated`.
    pub driver: String,
    pub status: ProvisioningJobStatus,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<provisioning_job::Model> for ProvisioningJob {
    fn from(j: provisioning_job::Model) -> Self {
        Self {
            id: j.id,
            order_id: j.order_id,
            driver: j.driver,
            status: j.status.into(),
            error: j.error,
            created_at: j.created_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
        }
    }
}

/// One line of a provisioning run's log.
#[derive(SimpleObject)]
pub struct ProvisioningLogLine {
    pub id: Uuid,
    pub job_id: Uuid,
    /// Position within its run, from 0.
    pub seq: i32,
    pub level: ProvisioningLogLevel,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

impl From<provisioning_log::Model> for ProvisioningLogLine {
    fn from(l: provisioning_log::Model) -> Self {
        Self { id: l.id, job_id: l.job_id, seq: l.seq, level: l.level.into(), message: l.message, created_at: l.created_at }
    }
}

/// A command queued for an order's server, collected by its heartbeat.
#[derive(SimpleObject)]
pub struct RemoteCommand {
    pub id: Uuid,
    pub order_id: Uuid,
    pub command: RemoteCommandKind,
    /// A JSON object, e.g. `{"service": "ghost"}`.
    pub args: Json<serde_json::Value>,
    pub status: RemoteCommandStatus,
    /// The staff member who queued it.
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<remote_command::Model> for RemoteCommand {
    fn from(c: remote_command::Model) -> Self {
        Self {
            id: c.id,
            order_id: c.order_id,
            command: c.command.into(),
            args: Json(c.args),
            status: c.status.into(),
            created_by: c.created_by,
            created_at: c.created_at,
            delivered_at: c.delivered_at,
        }
    }
}
