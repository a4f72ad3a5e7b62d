//! Telling live viewers about orders: status changes and provisioning log lines,
//! published on the event bus once committed, and who may see them.

use chrono::Utc;
use entity::{LogLevel, OrderStatus};
use uuid::Uuid;

use crate::{
    auth::{Cap, Permission},
    events::{bounded, Event, OrderChange, OrderEvent, MAX_EVENT_TEXT},
    Services,
};

/// An order moved from one status to another in a transaction not yet
/// committed; announce it once it has been.
#[must_use = "announce the change once the transaction has committed"]
#[derive(Debug)]
pub(crate) struct StatusChange {
    pub order_id: Uuid,
    pub from: OrderStatus,
    pub to: OrderStatus,
}

impl StatusChange {
    /// Publishes the change of an order owned by `customer_id`. Call after commit.
    pub(crate) fn announce(self, services: &Services, customer_id: Uuid) {
        let change = OrderChange::Status { from: self.from, to: self.to };
        services.events.publish(Event::Order(OrderEvent { order_id: self.order_id, customer_id, change, at: Utc::now() }));
    }
}

/// Publishes a provisioning log line that has been stored (its text cut to
/// [`MAX_EVENT_TEXT`] bytes).
pub(crate) fn announce_log_line(
    services: &Services,
    order_id: Uuid,
    customer_id: Uuid,
    job_id: Uuid,
    seq: i32,
    level: LogLevel,
    message: &str,
) {
    let change = OrderChange::LogLine { job_id, seq, level, message: bounded(message, MAX_EVENT_TEXT) };
    services.events.publish(Event::Order(OrderEvent { order_id, customer_id, change, at: Utc::now() }));
}

/// Whether the holder of `cap` may see events of orders owned by `customer_id`:
/// staff all, a customer their own (the rule of [`super::scoped`]).
pub fn may_see<P: Permission>(cap: &Cap<P>, customer_id: Uuid) -> bool {
    cap.customer_scope().is_none_or(|own| own == customer_id)
}
