//! Outbound webhooks to tenant hosts (spec 001 §8.2, CONTRACT.md §3): a durable
//! outbox. Domain changes a Safety Wrapper must hear about (agent config changes,
//! approval decisions, queued remote commands) enqueue a delivery in their own
//! transaction ([`enqueue`]); the worker (`jobs/outbox.rs`) claims due deliveries
//! under a lease ([`delivery`]), sends them signed (`integrations/webhooks.rs`)
//! and records each attempt, retrying with backoff ([`schedule`]) and disabling an
//! endpoint that keeps failing. Staff read, redeliver and re-enable ([`manage`]).

pub mod delivery;
pub mod endpoints;
pub mod enqueue;
pub mod manage;
pub mod read;
pub mod schedule;

pub use enqueue::{enqueue, enqueue_config_update, Event};

use entity::WebhookEvent;

use crate::Services;

/// The event name sent as `X-LetsBe-Event` (Standard Webhooks style: dotted).
pub fn event_name(event: WebhookEvent) -> &'static str {
    match event {
        WebhookEvent::ConfigUpdated => "config.updated",
        WebhookEvent::ApprovalResponded => "approval.responded",
        WebhookEvent::CommandQueued => "command.queued",
    }
}

/// The path under the Safety Wrapper's base URL each event is posted to (spec 001 §8.3).
pub fn event_path(event: WebhookEvent) -> &'static str {
    match event {
        WebhookEvent::ConfigUpdated => "/webhooks/config-update",
        WebhookEvent::ApprovalResponded => "/webhooks/approval-response",
        WebhookEvent::CommandQueued => "/webhooks/command",
    }
}

/// Wakes this replica's worker; call after committing a transaction that may
/// have enqueued deliveries (other replicas find them on their next poll).
pub fn wake(services: &Services) {
    services.outbox_wake.notify_one();
}
