//! The event bus. Publishers call it only after their transaction has committed;
//! subscribers (GraphQL subscriptions) filter by what their viewer may see.
//!
//! Within one replica it is a tokio broadcast channel. On PostgreSQL every
//! publish is also sent as `NOTIFY hub_events` and every replica runs one
//! listener that re-publishes the events of the others locally ([`replicas`]), so
//! a subscriber sees what happened on any replica. Delivery is best effort: a
//! subscriber that falls behind the channel, or a listener reconnecting, misses
//! events; clients resume from the database (e.g. `alerts(after:)`).

pub mod replicas;

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use entity::{LogLevel, OrderStatus};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

/// Something happened to one account's security (sign-in, 2FA change, token created…).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub user_id: Uuid,
    pub action: String,
    pub ip: Option<String>,
    pub at: DateTime<Utc>,
}

/// An alert was raised and committed. Carries the whole row, so a thousand
/// subscribers need no thousand reads; each checks its viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertEvent {
    pub alert: Arc<entity::alert::Model>,
}

/// Something happened to one order: its status changed or its provisioning run
/// wrote a log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub order_id: Uuid,
    /// The owning customer, so visibility needs no read.
    pub customer_id: Uuid,
    pub change: OrderChange,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderChange {
    Status {
        from: OrderStatus,
        to: OrderStatus,
    },
    /// `message` is cut to [`MAX_EVENT_TEXT`] bytes; the stored line is whole.
    LogLine {
        job_id: Uuid,
        seq: i32,
        level: LogLevel,
        message: String,
    },
}

/// A tenant asked for approval of a gated command: what a list of pending
/// approvals shows. The tool arguments (up to 64 KiB) are not carried; the
/// `approval(id)` query has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalEvent {
    pub approval_id: Uuid,
    pub order_id: Uuid,
    pub customer_id: Uuid,
    pub agent_id: String,
    pub command_class: String,
    pub tool_name: String,
    /// Cut to [`MAX_EVENT_TEXT`] bytes; the stored request is whole.
    pub human_readable: String,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub enum Event {
    Security(SecurityEvent),
    Alert(AlertEvent),
    Order(OrderEvent),
    ApprovalRequested(ApprovalEvent),
    /// An API project's keys or tiers changed (created, rotated, revoked, edited):
    /// every replica drops what its usage check cached for the project.
    ApiProductChanged(ApiProductChange),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiProductChange {
    pub project_id: Uuid,
}

/// The most bytes of free text one event carries, so that any event fits in a
/// PostgreSQL NOTIFY payload (under 8000 bytes).
pub const MAX_EVENT_TEXT: usize = 2_000;

/// `text` cut to at most `max` bytes on a character boundary, ending in `…` when cut.
pub fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
    /// Identifies this replica's NOTIFYs, so its listener skips its own.
    origin: Uuid,
    /// Set on PostgreSQL: events to NOTIFY the other replicas of.
    remote: Arc<OnceLock<mpsc::Sender<Event>>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(1024).0, origin: Uuid::new_v4(), remote: Arc::default() }
    }
}

impl EventBus {
    /// Sends to every current subscriber of this replica (having none is fine),
    /// and queues it for the other replicas when there are any to reach.
    pub fn publish(&self, event: Event) {
        if let Some(remote) = self.remote.get() {
            if remote.try_send(event.clone()).is_err() {
                tracing::warn!("the replica notifier is behind; an event reaches this replica only");
            }
        }
        self.publish_local(event);
    }

    /// Sends to this replica's subscribers only (events from other replicas).
    pub(crate) fn publish_local(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::bounded;

    #[test]
    fn bounded_cuts_on_a_character_boundary() {
        assert_eq!(bounded("short", 10), "short");
        let cut = bounded(&"é".repeat(10), 9);
        assert!(cut.len() <= 9 && cut.ends_with('…'), "{cut}");
        assert_eq!(cut, "ééé…");
    }
}
