//! Whether tenant hosts are alive and well: the `heartbeat-check` job raises
//! TENANT_OFFLINE for servers that missed their heartbeats (WARNING, then
//! CRITICAL), and each heartbeat's disk figures raise STORAGE_QUOTA (spec 002
//! §2.2: over 90 %). Both are for the order's customer, one open alert per
//! order; a heartbeat (or a disk back under the line) resolves them.

use chrono::{DateTime, Duration, Utc};
use entity::{alert, order, tenant_heartbeat, AlertSeverity, OrderStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::{
    config::AlertsConfig,
    domain::alerts::{self, NewAlert},
    error::AppError,
    Services,
};

/// What one `heartbeat-check` pass found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OfflineReport {
    /// Servers silent past the WARNING line (CRITICAL ones included).
    pub offline: usize,
    /// Alerts raised (or escalated) by this pass.
    pub raised: usize,
}

/// Raises TENANT_OFFLINE for every live order whose server last heartbeated
/// more than `tenant_offline_after_missed` intervals before `now`: WARNING,
/// or CRITICAL past `tenant_critical_after_missed` (an open WARNING is then
/// resolved and replaced, so the escalation is announced). Only orders whose
/// server has heartbeated at least once count: one never set up is not offline.
pub async fn check_offline(services: &Services, now: DateTime<Utc>) -> Result<OfflineReport, AppError> {
    let config = &services.config.alerts;
    let critical_after = missed(config, config.tenant_critical_after_missed);
    // Read inside the write transaction, so a heartbeat committed before it is
    // seen, and one committed after it finds (and resolves) the alert.
    let txn = crate::db::begin_write(&services.db).await?;
    let silent =
        tenant_heartbeat::Entity::find().filter(tenant_heartbeat::Column::LastSeenAt.lt(offline_line(config, now))).all(&txn).await?;
    if silent.is_empty() {
        txn.commit().await?;
        return Ok(OfflineReport::default());
    }
    let ids: Vec<_> = silent.iter().map(|h| h.order_id).collect();
    let orders = order::Entity::find()
        .filter(order::Column::Id.is_in(ids))
        .filter(order::Column::Status.is_not_in([OrderStatus::Cancelled, OrderStatus::Failed]))
        .all(&txn)
        .await?;
    let mut raised = Vec::new();
    for order in &orders {
        let Some(last_seen) = silent.iter().find(|h| h.order_id == order.id).and_then(|h| h.last_seen_at) else { continue };
        let key = alerts::tenant_offline_key(order.id);
        let critical = now - last_seen >= critical_after;
        if critical {
            resolve_open_warning(&txn, &key).await?;
        }
        let minutes = (now - last_seen).num_minutes();
        let alert = NewAlert {
            alert_type: alerts::TENANT_OFFLINE,
            severity: if critical { AlertSeverity::Critical } else { AlertSeverity::Warning },
            customer_id: Some(order.customer_id),
            subject: Some(("order", order.id.to_string())),
            message: format!(
                "The server of {} has not sent a heartbeat for {minutes} minutes (last at {}).",
                order.domain,
                last_seen.to_rfc3339()
            ),
            dedupe_key: Some(key),
        };
        raised.extend(alerts::raise(&txn, alert).await?);
    }
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    Ok(OfflineReport { offline: orders.len(), raised: raised.len() })
}

/// How long `count` missed heartbeats last.
fn missed(config: &AlertsConfig, count: u32) -> Duration {
    let interval = i64::try_from(config.tenant_heartbeat_secs.max(1)).unwrap_or(300);
    Duration::seconds(interval * i64::from(count.max(1)))
}

/// Servers last heard from before this instant are offline at `now`: they
/// missed `tenant_offline_after_missed` heartbeats (TENANT_OFFLINE, and the
/// dashboards' OFFLINE).
pub fn offline_line(config: &AlertsConfig, now: DateTime<Utc>) -> DateTime<Utc> {
    now - missed(config, config.tenant_offline_after_missed)
}

/// Whether a server last heard from at `last_seen` is offline at `now`.
pub fn is_silent(config: &AlertsConfig, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    last_seen < offline_line(config, now)
}

/// Resolves the open WARNING with `key`, if there is one, so that a CRITICAL may take its place.
async fn resolve_open_warning<C: ConnectionTrait>(conn: &C, key: &str) -> Result<(), AppError> {
    let open = alert::Entity::find()
        .filter(alert::Column::DedupeKey.eq(key))
        .filter(alert::Column::AcknowledgedAt.is_null())
        .filter(alert::Column::ResolvedAt.is_null())
        .one(conn)
        .await?;
    if open.is_some_and(|a| a.severity == AlertSeverity::Warning) {
        alerts::resolve_by_key(conn, key).await?;
    }
    Ok(())
}

/// Disk usage in percent from a heartbeat's `resources` (`diskUsedGb` of `diskTotalGb`).
pub fn disk_percent(resources: Option<&Value>) -> Option<f64> {
    percent_of(resources, "diskUsedGb", "diskTotalGb")
}

/// `used` of `total` in percent, when a heartbeat's `resources` carry both as numbers.
pub fn percent_of(resources: Option<&Value>, used: &str, total: &str) -> Option<f64> {
    let resources = resources?;
    let used = resources.get(used)?.as_f64()?;
    let total = resources.get(total)?.as_f64()?;
    (total > 0.0 && used >= 0.0 && used.is_finite() && total.is_finite()).then(|| used / total * 100.0)
}

/// Raises STORAGE_QUOTA when the heartbeat's disk is at or over the line, and
/// resolves it when the disk is back under; on the caller's transaction.
/// Answers the alert raised, to announce after commit.
pub async fn check_disk<C: ConnectionTrait>(
    conn: &C,
    config: &AlertsConfig,
    order: &order::Model,
    resources: Option<&Value>,
) -> Result<Option<alert::Model>, AppError> {
    let Some(percent) = disk_percent(resources) else { return Ok(None) };
    let key = alerts::storage_quota_key(order.id);
    if percent < f64::from(config.storage_quota_percent) {
        alerts::resolve_by_key(conn, &key).await?;
        return Ok(None);
    }
    let alert = NewAlert {
        alert_type: alerts::STORAGE_QUOTA,
        severity: AlertSeverity::Warning,
        customer_id: Some(order.customer_id),
        subject: Some(("order", order.id.to_string())),
        message: format!("The server of {} is using {percent:.0} % of its disk.", order.domain),
        dedupe_key: Some(key),
    };
    alerts::raise(conn, alert).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn disk_percent_needs_both_figures() {
        assert_eq!(disk_percent(Some(&json!({ "diskUsedGb": 45, "diskTotalGb": 90 }))), Some(50.0));
        assert_eq!(disk_percent(Some(&json!({ "diskUsedGb": 45 }))), None);
        assert_eq!(disk_percent(Some(&json!({ "diskUsedGb": 45, "diskTotalGb": 0 }))), None);
        assert_eq!(disk_percent(Some(&json!({ "diskUsedGb": "a lot", "diskTotalGb": 10 }))), None);
        assert_eq!(disk_percent(None), None);
    }
}
