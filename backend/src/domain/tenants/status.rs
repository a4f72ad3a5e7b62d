//! What the dashboards show of each order's tenant server: when it last sent a
//! heartbeat, whether it is ONLINE (by the same missed-interval line the
//! `heartbeat-check` job raises TENANT_OFFLINE at), its versions and the
//! cpu, memory and disk figures its last heartbeat carried.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{order, tenant_heartbeat};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::Value;
use uuid::Uuid;

use super::liveness;
use crate::{
    auth::{capability::ReadOrders, Cap},
    config::AlertsConfig,
    domain::orders::scoped,
    error::AppError,
    Services,
};

/// Whether an order's server is sending heartbeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerState {
    /// The last heartbeat is within the offline line.
    Online,
    /// Silent past the line: TENANT_OFFLINE is (or is about to be) raised.
    Offline,
    /// No heartbeat yet: the server has not been set up.
    Never,
}

/// An order's server as its last heartbeat tells.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerStatus {
    pub state: ServerState,
    pub last_heartbeat_at: Option<DateTime<Utc>>,
    /// The heartbeat's status word, e.g. `healthy`.
    pub reported_status: Option<String>,
    /// The Safety Wrapper (the hub's agent on the host).
    pub agent_version: Option<String>,
    /// The OpenClaw runtime.
    pub runtime_version: Option<String>,
    pub cpu_percent: Option<f64>,
    pub memory_percent: Option<f64>,
    pub disk_percent: Option<f64>,
}

/// The state of a server last heard from at `last_seen`, as of `now`.
pub fn state(config: &AlertsConfig, last_seen: Option<DateTime<Utc>>, now: DateTime<Utc>) -> ServerState {
    match last_seen {
        None => ServerState::Never,
        Some(at) if liveness::is_silent(config, at, now) => ServerState::Offline,
        Some(_) => ServerState::Online,
    }
}

fn text(snapshot: Option<&Value>, key: &str) -> Option<String> {
    snapshot?.get(key)?.as_str().map(str::to_owned)
}

/// `cpuPercent` of a heartbeat's `resources`, when it is a number from 0.
fn cpu_percent(resources: Option<&Value>) -> Option<f64> {
    let cpu = resources?.get("cpuPercent")?.as_f64()?;
    (cpu.is_finite() && cpu >= 0.0).then_some(cpu)
}

/// The status of a server from its stored heartbeat row (`None`: never heard from).
pub fn from_row(config: &AlertsConfig, row: Option<&tenant_heartbeat::Model>, now: DateTime<Utc>) -> ServerStatus {
    let last_heartbeat_at = row.and_then(|r| r.last_seen_at);
    let snapshot = row.and_then(|r| r.snapshot.as_ref());
    let resources = snapshot.and_then(|s| s.get("resources"));
    ServerStatus {
        state: state(config, last_heartbeat_at, now),
        last_heartbeat_at,
        reported_status: row.and_then(|r| r.status.clone()),
        agent_version: text(snapshot, "safetyWrapperVersion"),
        runtime_version: text(snapshot, "openclawVersion"),
        cpu_percent: cpu_percent(resources),
        memory_percent: liveness::percent_of(resources, "memoryUsedMb", "memoryTotalMb"),
        disk_percent: liveness::disk_percent(resources),
    }
}

/// The servers of several orders at once, for batch loading: two queries
/// whatever the number. Orders the capability does not reach are absent (a
/// customer only ever gets their own); a reached order without a heartbeat is
/// NEVER.
pub async fn by_orders(services: &Services, cap: &Cap<ReadOrders>, order_ids: &[Uuid]) -> Result<HashMap<Uuid, ServerStatus>, AppError> {
    if order_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let reached: Vec<Uuid> = scoped(cap)
        .filter(order::Column::Id.is_in(order_ids.iter().copied()))
        .select_only()
        .column(order::Column::Id)
        .into_tuple()
        .all(&services.db)
        .await?;
    if reached.is_empty() {
        return Ok(HashMap::new());
    }
    let rows =
        tenant_heartbeat::Entity::find().filter(tenant_heartbeat::Column::OrderId.is_in(reached.iter().copied())).all(&services.db).await?;
    let rows: HashMap<Uuid, tenant_heartbeat::Model> = rows.into_iter().map(|r| (r.order_id, r)).collect();
    let now = Utc::now();
    let config = &services.config.alerts;
    Ok(reached.into_iter().map(|id| (id, from_row(config, rows.get(&id), now))).collect())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use serde_json::json;

    use super::*;

    fn config() -> AlertsConfig {
        AlertsConfig { tenant_heartbeat_secs: 300, tenant_offline_after_missed: 3, ..AlertsConfig::default() }
    }

    #[test]
    fn the_state_follows_the_offline_line() {
        let now = Utc::now();
        let config = config();
        assert_eq!(state(&config, None, now), ServerState::Never);
        assert_eq!(state(&config, Some(now - Duration::minutes(1)), now), ServerState::Online);
        assert_eq!(state(&config, Some(now - Duration::minutes(15)), now), ServerState::Online, "exactly on the line");
        assert_eq!(state(&config, Some(now - Duration::minutes(16)), now), ServerState::Offline);
    }

    #[test]
    fn figures_come_from_the_last_heartbeat() {
        let now = Utc::now();
        let row = tenant_heartbeat::Model {
            order_id: Uuid::new_v4(),
            status: Some("healthy".into()),
            reported_config_version: Some(1),
            snapshot: Some(json!({
                "openclawVersion": "v2026.2.1", "safetyWrapperVersion": "v1.0.3",
                "resources": { "cpuPercent": 23, "memoryUsedMb": 4096, "memoryTotalMb": 16384, "diskUsedGb": 45, "diskTotalGb": 90 },
            })),
            last_seen_at: Some(now),
            backup: None,
            backup_reported_at: None,
        };
        let status = from_row(&config(), Some(&row), now);
        assert_eq!(status.state, ServerState::Online);
        assert_eq!(status.runtime_version.as_deref(), Some("v2026.2.1"));
        assert_eq!(status.agent_version.as_deref(), Some("v1.0.3"));
        assert_eq!((status.cpu_percent, status.memory_percent, status.disk_percent), (Some(23.0), Some(25.0), Some(50.0)));

        let backup_only = tenant_heartbeat::Model { last_seen_at: None, snapshot: None, status: None, ..row };
        let status = from_row(&config(), Some(&backup_only), now);
        assert_eq!((status.state, status.cpu_percent, status.runtime_version), (ServerState::Never, None, None));
    }
}
