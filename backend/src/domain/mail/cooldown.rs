//! Notification cooldowns (spec 001 NotificationCooldown): one mail per
//! recipient, alert type and subject within `mail.alert_cooldown_minutes`, so a
//! source that flaps (raised, acknowledged, raised again) does not flood anyone.
//! A mail held back is counted on the cooldown row as suppressed.

use chrono::{DateTime, Utc};
use entity::{alert, notification_cooldown};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use crate::error::AppError;

/// What the cooldown is keyed on besides recipient and type: the alert's
/// subject, else its customer, else nothing in particular.
pub fn subject_of(alert: &alert::Model) -> String {
    match (&alert.subject_type, &alert.subject_id, alert.customer_id) {
        (Some(kind), Some(id), _) => format!("{kind}:{id}"),
        (_, _, Some(customer)) => format!("customer:{customer}"),
        _ => "-".into(),
    }
}

/// Whether `user` may be mailed about `alert` now; records the mail (or counts
/// it as suppressed) on `conn`, the caller's transaction. Written as
/// conditional statements, not read-then-write, so two replicas mailing about
/// alerts of one kind at once still admit one mail (on PostgreSQL the second
/// waits for the first's row and then sees it).
pub async fn admit<C: ConnectionTrait>(
    conn: &C,
    user: Uuid,
    alert: &alert::Model,
    cooldown: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    use notification_cooldown::Column as K;
    let subject = subject_of(alert);
    let key = format!("{user}|{}|{subject}", alert.alert_type);
    let first = notification_cooldown::ActiveModel {
        id: Set(Uuid::new_v4()),
        cooldown_key: Set(key.clone()),
        user_id: Set(user),
        alert_type: Set(alert.alert_type.clone()),
        subject: Set(subject.chars().take(200).collect()),
        last_sent_at: Set(now),
        suppressed: Set(0),
    };
    let inserted = notification_cooldown::Entity::insert(first)
        .on_conflict(OnConflict::column(K::CooldownKey).do_nothing().to_owned())
        .exec_without_returning(conn)
        .await?;
    if inserted == 1 {
        return Ok(true);
    }
    let cooled = notification_cooldown::Entity::update_many()
        .col_expr(K::LastSentAt, Expr::value(now))
        .col_expr(K::Suppressed, Expr::value(0))
        .filter(K::CooldownKey.eq(&key))
        .filter(K::LastSentAt.lte(now - cooldown))
        .exec(conn)
        .await?;
    if cooled.rows_affected == 1 {
        return Ok(true);
    }
    notification_cooldown::Entity::update_many()
        .col_expr(K::Suppressed, Expr::col(K::Suppressed).add(1))
        .filter(K::CooldownKey.eq(&key))
        .exec(conn)
        .await?;
    Ok(false)
}
