//! Acknowledging one alert: "somebody has seen this". Idempotent: an alert
//! already acknowledged is answered as it is, with its first acknowledger.

use chrono::Utc;
use entity::alert;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::list::get;
use crate::{
    auth::{capability::AcknowledgeAlerts, Cap, RequestMeta},
    domain::audit,
    error::AppError,
    Services,
};

/// Acknowledges alert `id` as the holder of `cap` and audits it; `NOT_FOUND`
/// when it does not exist or the holder may not see it.
pub async fn acknowledge(
    services: &Services,
    cap: &Cap<AcknowledgeAlerts>,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<alert::Model, AppError> {
    // Reach first, outside the transaction, so that its first statement is the
    // guarded write (see approvals::decide).
    let found = get(services, cap, id).await?;
    if found.acknowledged_at.is_some() {
        return Ok(found);
    }
    let txn = crate::db::begin_write(&services.db).await?;
    // Of two acknowledgers racing, one update lands; the other answers its result.
    let claimed = alert::Entity::update_many()
        .col_expr(alert::Column::AcknowledgedBy, Expr::value(cap.user_id()))
        .col_expr(alert::Column::AcknowledgedAt, Expr::value(Utc::now()))
        .filter(alert::Column::Id.eq(id))
        .filter(alert::Column::AcknowledgedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 1 {
        let details = json!({ "type": found.alert_type, "severity": found.severity, "customerId": found.customer_id });
        let entry = audit::Entry::new(Some(cap.user_id()), "alert.acknowledged", meta).target("alert", id).details(details);
        audit::record(&txn, entry).await?;
    }
    let current = alert::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound("no such alert".into()))?;
    txn.commit().await?;
    Ok(current)
}
