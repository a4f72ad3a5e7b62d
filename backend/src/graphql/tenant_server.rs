//! `Order.server`: the tenant server as its last heartbeat tells (rules in
//! `domain::tenants::status`, loaded per request by `loaders::ServerByOrder`).

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::tenants::status::ServerStatus;

/// Whether an order's server is sending heartbeats.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::domain::tenants::status::ServerState")]
pub enum ServerState {
    /// Its last heartbeat is recent (within the missed heartbeats that make it TENANT_OFFLINE).
    Online,
    /// It missed enough heartbeats to be TENANT_OFFLINE.
    Offline,
    /// It never sent one: not set up yet.
    Never,
}

/// An order's tenant server as its last heartbeat tells.
#[derive(SimpleObject)]
pub struct TenantServer {
    pub state: ServerState,
    /// Null before the first heartbeat.
    pub last_heartbeat_at: Option<DateTime<Utc>>,
    /// The status word of the last heartbeat, e.g. `healthy`.
    pub reported_status: Option<String>,
    /// The Safety Wrapper's version, if the heartbeat said.
    pub agent_version: Option<String>,
    /// The OpenClaw runtime's version, if the heartbeat said.
    pub runtime_version: Option<String>,
    /// From 0 (may pass 100 on several cores), when the heartbeat said.
    pub cpu_percent: Option<f64>,
    /// Memory used of total, in percent, when the heartbeat said both.
    pub memory_percent: Option<f64>,
    /// Disk used of total, in percent, when the heartbeat said both.
    pub disk_percent: Option<f64>,
}

impl From<ServerStatus> for TenantServer {
    fn from(s: ServerStatus) -> Self {
        Self {
            state: s.state.into(),
            last_heartbeat_at: s.last_heartbeat_at,
            reported_status: s.reported_status,
            agent_version: s.agent_version,
            runtime_version: s.runtime_version,
            cpu_percent: s.cpu_percent,
            memory_percent: s.memory_percent,
            disk_percent: s.disk_percent,
        }
    }
}
