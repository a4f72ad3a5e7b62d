//! Alerts: conditions somebody should look at, raised by the rules that notice
//! them. An open (neither acknowledged nor resolved) alert is unique per dedupe
//! key, so a condition that persists raises one alert, not one per occurrence;
//! a condition that clears by itself resolves its alert ([`resolve_by_key`]).
//! Raising and announcing live here; reading in [`list`], acknowledging in
//! [`acknowledge`].

pub mod acknowledge;
pub mod list;

pub use acknowledge::acknowledge;
pub use list::{get, list, may_see, rank, replay_after, AlertFilter};

use std::sync::Arc;

use chrono::{SubsecRound, Utc};
use entity::{alert, AlertSeverity};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use uuid::Uuid;

pub mod kinds;
pub use kinds::*;

use crate::{
    error::AppError,
    events::{bounded, AlertEvent, Event, MAX_EVENT_TEXT},
    Services,
};

/// The alert raised when a tenant's webhook endpoint is switched off.
pub const WEBHOOK_ENDPOINT_DISABLED: &str = "WEBHOOK_ENDPOINT_DISABLED";

/// The longest message a child project may post. What is stored is also cut
/// to `MAX_EVENT_TEXT` bytes at raise time: alerts cross replicas as
/// PostgreSQL notifications, whose payload is bounded.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// An alert to raise.
#[derive(Debug, Clone)]
pub struct NewAlert<'a> {
    /// One of [`kinds`], or a child project's own type.
    pub alert_type: &'a str,
    pub severity: AlertSeverity,
    pub customer_id: Option<Uuid>,
    /// What it is about, e.g. `("order", id)`.
    pub subject: Option<(&'static str, String)>,
    /// Cut to 2000 bytes when longer (so that it travels in one event).
    pub message: String,
    /// While an alert with this key is open, raising another is a no-op.
    pub dedupe_key: Option<String>,
}

/// Raises the alert on `conn` (in the caller's transaction where there is one);
/// answers the new row, or `None` when an open alert with the same dedupe key
/// already exists. One `INSERT … ON CONFLICT DO NOTHING`, so racing raisers
/// still leave one open alert.
pub async fn raise<C: ConnectionTrait>(conn: &C, new: NewAlert<'_>) -> Result<Option<alert::Model>, AppError> {
    let (subject_type, subject_id) = match new.subject {
        Some((kind, id)) => (Some(kind.to_owned()), Some(id)),
        None => (None, None),
    };
    let row = alert::Model {
        id: Uuid::new_v4(),
        alert_type: new.alert_type.to_owned(),
        severity: new.severity,
        customer_id: new.customer_id,
        subject_type,
        subject_id,
        message: bounded(&new.message, MAX_EVENT_TEXT),
        dedupe_key: new.dedupe_key,
        // Microseconds, as PostgreSQL keeps them: the announced row is the stored row.
        created_at: Utc::now().trunc_subsecs(6),
        acknowledged_by: None,
        acknowledged_at: None,
        notified_at: None,
        resolved_at: None,
    };
    let active: alert::ActiveModel = row.clone().into();
    let inserted =
        alert::Entity::insert(active).on_conflict(OnConflict::new().do_nothing().to_owned()).exec_without_returning(conn).await?;
    Ok((inserted == 1).then_some(row))
}

/// Acknowledges the open alert with `dedupe_key`, if any, as `by` (for example
/// when the person who re-enables a disabled endpoint has dealt with it).
pub async fn acknowledge_by_key<C: ConnectionTrait>(conn: &C, dedupe_key: &str, by: Uuid) -> Result<u64, AppError> {
    let updated = alert::Entity::update_many()
        .col_expr(alert::Column::AcknowledgedBy, Expr::value(by))
        .col_expr(alert::Column::AcknowledgedAt, Expr::value(Utc::now()))
        .filter(alert::Column::DedupeKey.eq(dedupe_key))
        .filter(alert::Column::AcknowledgedAt.is_null())
        .filter(alert::Column::ResolvedAt.is_null())
        .exec(conn)
        .await?;
    Ok(updated.rows_affected)
}

/// Marks the open alert with `dedupe_key`, if any, resolved: its condition has
/// cleared by itself (a tenant heartbeats again, a payment went through). No
/// person acknowledged it, so it is not recorded as acknowledged. Answers how
/// many alerts it resolved (0 or 1).
pub async fn resolve_by_key<C: ConnectionTrait>(conn: &C, dedupe_key: &str) -> Result<u64, AppError> {
    let updated = alert::Entity::update_many()
        .col_expr(alert::Column::ResolvedAt, Expr::value(Utc::now()))
        .filter(alert::Column::DedupeKey.eq(dedupe_key))
        .filter(alert::Column::AcknowledgedAt.is_null())
        .filter(alert::Column::ResolvedAt.is_null())
        .exec(conn)
        .await?;
    Ok(updated.rows_affected)
}

/// Tells live viewers about alerts `raise` returned, once their transaction has
/// committed (never before: a rolled-back alert must not be seen).
pub fn announce<'a>(services: &Services, raised: impl IntoIterator<Item = &'a alert::Model>) {
    for alert in raised {
        services.events.publish(Event::Alert(AlertEvent { alert: Arc::new(alert.clone()) }));
    }
}
