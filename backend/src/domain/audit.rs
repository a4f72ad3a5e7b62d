//! The audit log: every staff mutation and security event, with actor, action,
//! target, time and IP. Written inside the caller's transaction where there is one.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::{
    auth::RequestMeta,
    error::AppError,
    events::{Event, SecurityEvent},
    Services,
};

/// One entry to record.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub target: Option<(&'a str, String)>,
    pub meta: &'a RequestMeta,
    pub details: Option<serde_json::Value>,
}

impl<'a> Entry<'a> {
    pub fn new(actor_id: Option<Uuid>, action: &'a str, meta: &'a RequestMeta) -> Self {
        Self { actor_id, action, target: None, meta, details: None }
    }

    pub fn target(mut self, kind: &'a str, id: impl ToString) -> Self {
        self.target = Some((kind, id.to_string()));
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// Writes the entry on `conn` (a transaction or the pool).
pub async fn record<C: ConnectionTrait>(conn: &C, entry: Entry<'_>) -> Result<(), AppError> {
    let (target_type, target_id) = match entry.target {
        Some((kind, id)) => (Some(kind.to_owned()), Some(id)),
        None => (None, None),
    };
    audit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        actor_id: Set(entry.actor_id),
        action: Set(entry.action.to_owned()),
        target_type: Set(target_type),
        target_id: Set(target_id),
        ip: Set(entry.meta.ip.clone()),
        details: Set(entry.details),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Tells the account's live viewers about a security event. Call after commit.
pub fn publish_security(services: &Services, user_id: Uuid, action: &str, meta: &RequestMeta) {
    services.events.publish(Event::Security(SecurityEvent { user_id, action: action.to_owned(), ip: meta.ip.clone(), at: Utc::now() }));
}

/// Records a security event outside any transaction and publishes it.
pub async fn security_event(services: &Services, user_id: Uuid, action: &str, meta: &RequestMeta) -> Result<(), AppError> {
    record(&services.db, Entry::new(Some(user_id), action, meta).target("user", user_id)).await?;
    publish_security(services, user_id, action, meta);
    Ok(())
}
