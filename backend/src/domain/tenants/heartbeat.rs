//! Heartbeats and backup reports: the latest of each is kept per order; a
//! heartbeat answers with the config version and whatever awaits delivery. In
//! the heartbeat's transaction it clears the order's TENANT_OFFLINE alert and
//! raises (or clears) STORAGE_QUOTA from the disk figures it carries.

use chrono::{DateTime, Utc};
use entity::{command_approval, order, remote_command, tenant_heartbeat, ApprovalStatus};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait, Set,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::liveness;
use crate::{
    domain::{alerts, orders::remote_commands, webhooks::endpoints},
    error::{AppError, FieldError},
    Services,
};

/// A heartbeat as the tenant sends it (spec 001 §6).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Heartbeat {
    pub status: String,
    pub config_version: i64,
    pub openclaw_version: Option<String>,
    pub safety_wrapper_version: Option<String>,
    pub agents: Option<Value>,
    pub resources: Option<Value>,
    pub token_usage: Option<Value>,
    pub backup_status: Option<Value>,
    /// Where the Safety Wrapper takes webhooks now (spec 001 §8.2); recorded when it changes.
    pub safety_wrapper_url: Option<String>,
}

/// What the tenant learns from a heartbeat.
#[derive(Debug, Clone)]
pub struct HeartbeatReply {
    pub config_version: i64,
    pub config_changed: bool,
    pub pending_commands: Vec<remote_command::Model>,
    pub pending_approvals: Vec<command_approval::Model>,
}

/// A backup report (`backup-status`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupReport {
    pub status: String,
    pub last_backup: Option<String>,
    pub size_gb: Option<f64>,
    pub message: Option<String>,
}

fn check_word(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    let ok = !value.is_empty() && value.len() <= 32 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !ok {
        errors.push(FieldError::new(field, "must be a short word such as healthy or success"));
    }
}

fn check_object(field: &str, value: &Option<Value>, errors: &mut Vec<FieldError>) {
    if value.as_ref().is_some_and(|v| !v.is_object()) {
        errors.push(FieldError::new(field, "must be a JSON object"));
    }
}

fn check_version(field: &str, value: &Option<String>, errors: &mut Vec<FieldError>) {
    if value.as_ref().is_some_and(|v| v.is_empty() || v.len() > 64) {
        errors.push(FieldError::new(field, "must be 1 to 64 characters"));
    }
}

impl Heartbeat {
    /// Checks every field; answers the normalised Safety Wrapper URL, if sent.
    fn check(&self) -> Result<Option<String>, AppError> {
        let mut errors = Vec::new();
        check_word("status", &self.status, &mut errors);
        if self.config_version < 0 {
            errors.push(FieldError::new("configVersion", "must be at least 0"));
        }
        check_version("openclawVersion", &self.openclaw_version, &mut errors);
        check_version("safetyWrapperVersion", &self.safety_wrapper_version, &mut errors);
        check_object("agents", &self.agents, &mut errors);
        check_object("resources", &self.resources, &mut errors);
        check_object("tokenUsage", &self.token_usage, &mut errors);
        check_object("backupStatus", &self.backup_status, &mut errors);
        let url =
            self.safety_wrapper_url.as_deref().and_then(|u| endpoints::parse_url("safetyWrapperUrl", u).map_err(|e| errors.push(e)).ok());
        AppError::check_fields(errors)?;
        Ok(url)
    }

    fn snapshot(&self) -> Value {
        let mut map = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                map.insert(key.to_owned(), value);
            }
        };
        put("openclawVersion", self.openclaw_version.clone().map(Value::String));
        put("safetyWrapperVersion", self.safety_wrapper_version.clone().map(Value::String));
        put("agents", self.agents.clone());
        put("resources", self.resources.clone());
        put("tokenUsage", self.token_usage.clone());
        put("backupStatus", self.backup_status.clone());
        Value::Object(map)
    }
}

/// Stores the heartbeat as the order's latest, then hands over the queued
/// commands and the decided, undelivered approvals (each exactly once).
pub async fn record(services: &Services, order_id: Uuid, heartbeat: Heartbeat) -> Result<HeartbeatReply, AppError> {
    let url = heartbeat.check()?;
    let order = order::Entity::find_by_id(order_id).one(&services.db).await?;
    let order = order.ok_or_else(|| AppError::NotFound("no such order".into()))?;
    let row = tenant_heartbeat::ActiveModel {
        order_id: Set(order_id),
        status: Set(Some(heartbeat.status.clone())),
        reported_config_version: Set(Some(heartbeat.config_version)),
        snapshot: Set(Some(heartbeat.snapshot())),
        last_seen_at: Set(Some(Utc::now())),
        backup: Set(None),
        backup_reported_at: Set(None),
    };
    use tenant_heartbeat::Column as C;
    let txn = crate::db::begin_write(&services.db).await?;
    tenant_heartbeat::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::OrderId).update_columns([C::Status, C::ReportedConfigVersion, C::Snapshot, C::LastSeenAt]).to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    alerts::resolve_by_key(&txn, &alerts::tenant_offline_key(order_id)).await?;
    let raised = liveness::check_disk(&txn, &services.config.alerts, &order, heartbeat.resources.as_ref()).await?;
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    if let Some(url) = url {
        endpoints::report_url(&services.db, order_id, &url).await?;
    }
    let pending_commands = remote_commands::take_pending(services, order_id).await?;
    let pending_approvals = take_decided_approvals(services, order_id).await?;
    Ok(HeartbeatReply {
        config_version: order.config_version,
        config_changed: heartbeat.config_version != order.config_version,
        pending_commands,
        pending_approvals,
    })
}

/// Marks the order's decided (or expired) approvals not yet delivered as
/// delivered and returns them, oldest first; one `UPDATE … RETURNING`, so each
/// goes to exactly one heartbeat.
pub async fn take_decided_approvals(services: &Services, order_id: Uuid) -> Result<Vec<command_approval::Model>, AppError> {
    use command_approval::Column as C;
    let mut update = command_approval::Entity::update_many()
        .col_expr(C::DeliveredAt, Expr::value(Utc::now()))
        .filter(C::OrderId.eq(order_id))
        .filter(C::Status.ne(ApprovalStatus::Pending))
        .filter(C::DeliveredAt.is_null())
        .into_query();
    update.returning_all();
    let rows = services.db.query_all(&update).await?;
    let mut taken = rows.iter().map(|row| command_approval::Model::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
    taken.sort_by_key(|a| (a.requested_at, a.id));
    Ok(taken)
}

/// Stores the order's latest backup report.
pub async fn record_backup(services: &Services, order_id: Uuid, report: BackupReport) -> Result<(), AppError> {
    let mut errors = Vec::new();
    check_word("status", &report.status, &mut errors);
    let last_backup = match report.last_backup.as_deref().map(DateTime::parse_from_rfc3339) {
        Some(Err(_)) => {
            errors.push(FieldError::new("lastBackup", "must be an RFC 3339 timestamp"));
            None
        }
        Some(Ok(at)) => Some(at.with_timezone(&Utc)),
        None => None,
    };
    if report.size_gb.is_some_and(|s| !s.is_finite() || s < 0.0) {
        errors.push(FieldError::new("sizeGb", "must be a number at least 0"));
    }
    if report.message.as_ref().is_some_and(|m| m.chars().count() > 2_000) {
        errors.push(FieldError::new("message", "must be at most 2000 characters"));
    }
    AppError::check_fields(errors)?;
    let backup = serde_json::json!({
        "status": report.status, "lastBackup": last_backup, "sizeGb": report.size_gb, "message": report.message,
    });
    let now = Utc::now();
    let row = tenant_heartbeat::ActiveModel {
        order_id: Set(order_id),
        status: Set(None),
        reported_config_version: Set(None),
        snapshot: Set(None),
        last_seen_at: Set(None),
        backup: Set(Some(backup)),
        backup_reported_at: Set(Some(now)),
    };
    use tenant_heartbeat::Column as C;
    tenant_heartbeat::Entity::insert(row)
        .on_conflict(OnConflict::column(C::OrderId).update_columns([C::Backup, C::BackupReportedAt]).to_owned())
        .exec_without_returning(&services.db)
        .await?;
    Ok(())
}

/// The order's stored heartbeat row, if any heartbeat or backup report came.
pub async fn latest<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<Option<tenant_heartbeat::Model>, AppError> {
    Ok(tenant_heartbeat::Entity::find_by_id(order_id).one(conn).await?)
}
