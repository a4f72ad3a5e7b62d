//! Enumerations of the webhook outbox and alert tables, stored as short strings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What happened that a tenant's Safety Wrapper is told about (spec 001 §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WebhookEvent {
    /// The order's agent configuration changed (`configVersion` went up).
    #[sea_orm(string_value = "CONFIG_UPDATED")]
    ConfigUpdated,
    /// A command approval was approved or denied.
    #[sea_orm(string_value = "APPROVAL_RESPONDED")]
    ApprovalResponded,
    /// Staff queued a remote command.
    #[sea_orm(string_value = "COMMAND_QUEUED")]
    CommandQueued,
}

/// Where a delivery stands. A PENDING delivery whose endpoint is disabled is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WebhookDeliveryStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlertSeverity {
    #[sea_orm(string_value = "INFO")]
    Info,
    #[sea_orm(string_value = "WARNING")]
    Warning,
    #[sea_orm(string_value = "CRITICAL")]
    Critical,
}
