//! Carrying events between replicas on PostgreSQL: every published event is sent
//! as `NOTIFY hub_events, <json>` by one notifier task (in publish order), and one
//! listener task per replica re-publishes the events of the other replicas on the
//! local bus. Each NOTIFY carries the publishing bus's origin id; a replica skips
//! its own, which its subscribers already had. On SQLite (one process) nothing
//! here runs.

use std::time::Duration;

use entity::alert;
use sea_orm::{
    sqlx::{postgres::PgListener, PgPool},
    DatabaseBackend, DatabaseConnection,
};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{AlertEvent, ApiProductChange, ApprovalEvent, Event, EventBus, OrderEvent, SecurityEvent};

/// The NOTIFY channel all replicas share.
pub const CHANNEL: &str = "hub_events";
/// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD: usize = 7_999;
/// Events waiting to be sent; past this, publishing skips the other replicas.
const QUEUE: usize = 4_096;
const MAX_BACKOFF: Duration = Duration::from_secs(30);

#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: Uuid,
    event: WireEvent,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind")]
enum WireEvent {
    Security(SecurityEvent),
    Alert(alert::Model),
    Order(OrderEvent),
    ApprovalRequested(ApprovalEvent),
    ApiProductChanged(ApiProductChange),
}

impl From<&Event> for WireEvent {
    fn from(event: &Event) -> Self {
        match event {
            Event::Security(e) => WireEvent::Security(e.clone()),
            Event::Order(e) => WireEvent::Order(e.clone()),
            Event::ApprovalRequested(e) => WireEvent::ApprovalRequested(e.clone()),
            Event::Alert(AlertEvent { alert }) => WireEvent::Alert(alert.as_ref().clone()),
            Event::ApiProductChanged(e) => WireEvent::ApiProductChanged(*e),
        }
    }
}

impl From<WireEvent> for Event {
    fn from(wire: WireEvent) -> Self {
        match wire {
            WireEvent::Security(e) => Event::Security(e),
            WireEvent::Order(e) => Event::Order(e),
            WireEvent::ApprovalRequested(e) => Event::ApprovalRequested(e),
            WireEvent::Alert(alert) => Event::Alert(AlertEvent { alert: alert.into() }),
            WireEvent::ApiProductChanged(e) => Event::ApiProductChanged(e),
        }
    }
}

/// The NOTIFY payload of `event` from `origin`, or `None` when it would not fit.
fn encode(origin: Uuid, event: &Event) -> Option<String> {
    let json = serde_json::to_string(&Envelope { origin, event: event.into() }).ok()?;
    (json.len() <= MAX_PAYLOAD).then_some(json)
}

/// The event in a payload, unless it is `own` (published here already) or unreadable.
fn decode(own: Uuid, payload: &str) -> Option<Event> {
    match serde_json::from_str::<Envelope>(payload) {
        Ok(envelope) if envelope.origin == own => None,
        Ok(envelope) => Some(envelope.event.into()),
        Err(err) => {
            tracing::warn!(error = %err, "ignoring an unreadable hub_events notification");
            None
        }
    }
}

/// Connects `bus` to the other replicas when `db` is PostgreSQL: starts the
/// notifier, and the listener once it listens (so that an event published by
/// another replica after this returns is not missed). Does nothing on SQLite.
pub async fn start(db: &DatabaseConnection, bus: &EventBus) {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    let (tx, rx) = mpsc::channel(QUEUE);
    if bus.remote.set(tx).is_err() {
        return; // already connected
    }
    tokio::spawn(notify(pool.clone(), bus.origin, rx));
    let first = listen(&pool).await;
    if let Err(err) = &first {
        tracing::warn!(error = %err, "could not listen for other replicas' events yet; retrying");
    }
    tokio::spawn(receive(pool, bus.clone(), first.ok()));
}

/// Sends queued events, one NOTIFY each, in order. Ends when the pool closes.
async fn notify(pool: PgPool, origin: Uuid, mut rx: mpsc::Receiver<Event>) {
    while let Some(event) = rx.recv().await {
        if pool.is_closed() {
            return;
        }
        let Some(payload) = encode(origin, &event) else {
            tracing::warn!("an event is too large to NOTIFY; it reaches this replica only");
            continue;
        };
        let sent = sea_orm::sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(&pool).await;
        if let Err(err) = sent {
            tracing::warn!(error = %err, "could not NOTIFY the other replicas of an event");
        }
    }
}

async fn listen(pool: &PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Re-publishes other replicas' events locally; reconnects with backoff (100 ms
/// doubling to 30 s) when the connection fails, and ends when the pool closes.
async fn receive(pool: PgPool, bus: EventBus, mut listener: Option<PgListener>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        if pool.is_closed() {
            return;
        }
        let Some(current) = listener.as_mut() else {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
            listener = listen(&pool).await.map_err(|err| tracing::warn!(error = %err, "could not listen for replica events")).ok();
            continue;
        };
        match current.recv().await {
            Ok(notification) => {
                backoff = Duration::from_millis(100);
                if let Some(event) = decode(bus.origin, notification.payload()) {
                    bus.publish_local(event);
                }
            }
            Err(err) => {
                if !pool.is_closed() {
                    tracing::warn!(error = %err, "lost the replica event listener; reconnecting");
                }
                listener = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{bounded, OrderChange, MAX_EVENT_TEXT};
    use chrono::Utc;
    use entity::AlertSeverity;

    fn alert(message: String) -> Event {
        Event::Alert(AlertEvent {
            alert: alert::Model {
                id: Uuid::new_v4(),
                alert_type: "T".into(),
                severity: AlertSeverity::Critical,
                customer_id: Some(Uuid::new_v4()),
                subject_type: Some("order".into()),
                subject_id: Some("x".into()),
                message,
                dedupe_key: None,
                created_at: Utc::now(),
                acknowledged_by: None,
                acknowledged_at: None,
                notified_at: None,
                resolved_at: None,
            }
            .into(),
        })
    }

    #[test]
    fn events_cross_as_json_and_own_ones_are_skipped() {
        let (origin, other) = (Uuid::new_v4(), Uuid::new_v4());
        let event = alert("disk full".into());
        let payload = encode(origin, &event).unwrap();
        assert!(decode(origin, &payload).is_none());
        let (Some(Event::Alert(back)), Event::Alert(sent)) = (decode(other, &payload), &event) else { panic!("not an alert") };
        assert_eq!(back, *sent);

        let order = Event::Order(OrderEvent {
            order_id: Uuid::new_v4(),
            customer_id: Uuid::new_v4(),
            change: OrderChange::LogLine { job_id: Uuid::new_v4(), seq: 3, level: entity::LogLevel::Warn, message: "x".into() },
            at: Utc::now(),
        });
        let Some(Event::Order(back)) = decode(other, &encode(origin, &order).unwrap()) else { panic!("not an order event") };
        let Event::Order(sent) = order else { unreachable!() };
        assert_eq!(back, sent);
    }

    #[test]
    fn bounded_text_always_fits_a_notify() {
        // The worst case: every character four bytes, and JSON escapes none of them.
        let event = alert(bounded(&"𝄞".repeat(5_000), MAX_EVENT_TEXT));
        assert!(encode(Uuid::new_v4(), &event).is_some());
        assert!(encode(Uuid::new_v4(), &alert("x".repeat(9_000))).is_none());
    }
}
