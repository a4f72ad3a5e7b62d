//! The in-process event bus. Publishers call it only after their transaction has
//! committed; subscribers (GraphQL subscriptions) filter by what their viewer may see.
//! Crossing replicas (PostgreSQL LISTEN/NOTIFY) arrives with the live-alerts work.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::broadcast;
use uuid::Uuid;

/// Something happened to one account's security (sign-in, 2FA change, token created…).
#[derive(Debug, Clone)]
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

#[derive(Debug, Clone)]
pub enum Event {
    Security(SecurityEvent),
    Alert(AlertEvent),
}

#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(1024).0 }
    }
}

impl EventBus {
    /// Sends to every current subscriber; having none is fine.
    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}
