//! Notification cooldowns (spec 001 NotificationCooldown): one mail per
//! recipient, alert type and subject within `mail.alert_cooldown_minutes`, so a
//! source that flaps (raised, acknowledged, raised again) does not flood anyone.
//! A mail held back is counted on the cooldown row as suppressed.

use chrono::{DateTime, Utc};
use entity::{alert, notification_cooldown};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
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
/// it as suppressed) on `conn`, the caller's transaction.
pub async fn admit<C: ConnectionTrait>(
    conn: &C,
    user: Uuid,
    alert: &alert::Model,
    cooldown: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let subject = subject_of(alert);
    let key = format!("{user}|{}|{subject}", alert.alert_type);
    use notification_cooldown::Column as K;
    let found = notification_cooldown::Entity::find().filter(K::CooldownKey.eq(&key)).one(conn).await?;
    let Some(found) = found else {
        notification_cooldown::ActiveModel {
            id: Set(Uuid::new_v4()),
            cooldown_key: Set(key),
            user_id: Set(user),
            alert_type: Set(alert.alert_type.clone()),
            subject: Set(subject.chars().take(200).collect()),
            last_sent_at: Set(now),
            suppressed: Set(0),
        }
        .insert(conn)
        .await?;
        return Ok(true);
    };
    let cooling = found.last_sent_at + cooldown > now;
    let update = notification_cooldown::Entity::update_many().filter(K::Id.eq(found.id));
    let update = if cooling {
        update.col_expr(K::Suppressed, Expr::col(K::Suppressed).add(1))
    } else {
        update.col_expr(K::LastSentAt, Expr::value(now)).col_expr(K::Suppressed, Expr::value(0))
    };
    update.exec(conn).await?;
    Ok(!cooling)
}
