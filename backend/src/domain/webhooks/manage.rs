//! What staff do about deliveries (MANAGER and above, like the rest of an order's
//! management): send one again, and switch a disabled endpoint back on.

use chrono::{DateTime, Utc};
use entity::{
    webhook_delivery::{self, Column as D},
    webhook_endpoint::{self, Column as E},
    WebhookDeliveryStatus,
};
use sea_orm::{
    sea_query::{Condition, Expr},
    ColumnTrait, EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    endpoints::disabled_alert_key,
    read::{attempts_of, DeliveryView},
    wake,
};
use crate::{
    auth::{capability::ManageOrders, Cap, RequestMeta},
    domain::{alerts, audit, orders::find_reachable},
    error::AppError,
    Services,
};

/// Not leased by a worker at `now`.
fn not_leased(now: DateTime<Utc>) -> Condition {
    Condition::any().add(D::LockedUntil.is_null()).add(D::LockedUntil.lte(now))
}

/// Sends a delivery again: whatever its status it becomes PENDING, due now, with
/// a fresh set of attempts and the same event id (`webhook-id`), so the tenant
/// can tell a repeat. One a worker is sending right now is `CONFLICT`. For a
/// disabled endpoint it is held like any other.
pub async fn redeliver(services: &Services, cap: &Cap<ManageOrders>, id: Uuid, meta: &RequestMeta) -> Result<DeliveryView, AppError> {
    let missing = || AppError::NotFound("no such webhook delivery".into());
    // Read before the transaction (SQLite: its first statement must be the write).
    let found = webhook_delivery::Entity::find_by_id(id).one(&services.db).await?.ok_or_else(missing)?;
    find_reachable(&services.db, cap, found.order_id).await?;
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    let reset = webhook_delivery::Entity::update_many()
        .col_expr(D::Status, Expr::value(WebhookDeliveryStatus::Pending))
        .col_expr(D::Attempts, Expr::value(0))
        .col_expr(D::NextAttemptAt, Expr::value(now))
        .col_expr(D::DeliveredAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(D::UpdatedAt, Expr::value(now))
        .filter(D::Id.eq(id))
        .filter(not_leased(now))
        .exec(&txn)
        .await?;
    if reset.rows_affected != 1 {
        return Err(AppError::Conflict("this delivery is being sent right now; try again in a minute".into()));
    }
    let details = json!({ "orderId": found.order_id, "event": found.event, "previousStatus": found.status });
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "webhook.redelivered", meta).target("webhook_delivery", id).details(details),
    )
    .await?;
    let delivery = webhook_delivery::Entity::find_by_id(id).one(&txn).await?.ok_or_else(missing)?;
    let attempts = attempts_of(&txn, vec![id]).await?.remove(&id).unwrap_or_default();
    txn.commit().await?;
    wake(services);
    Ok(DeliveryView { delivery, attempts })
}

/// Switches the order's endpoint back on: sending resumes, its held PENDING
/// deliveries are due at once with a fresh set of attempts, the failure count
/// starts again, and the open alert about it is acknowledged by the caller.
/// An endpoint that is on stays on. `NOT_FOUND` when the order's server never
/// registered one.
pub async fn enable_endpoint(
    services: &Services,
    cap: &Cap<ManageOrders>,
    order_id: Uuid,
    meta: &RequestMeta,
) -> Result<webhook_endpoint::Model, AppError> {
    let missing = || AppError::NotFound("this order's server has not registered a webhook endpoint".into());
    find_reachable(&services.db, cap, order_id).await?;
    let before = webhook_endpoint::Entity::find_by_id(order_id).one(&services.db).await?.ok_or_else(missing)?;
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    webhook_endpoint::Entity::update_many()
        .col_expr(E::Enabled, Expr::value(true))
        .col_expr(E::DisabledAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(E::DisabledReason, Expr::value(Option::<String>::None))
        .col_expr(E::ConsecutiveFailures, Expr::value(0))
        .col_expr(E::UpdatedAt, Expr::value(now))
        .filter(E::OrderId.eq(order_id))
        .exec(&txn)
        .await?;
    let resumed = webhook_delivery::Entity::update_many()
        .col_expr(D::Attempts, Expr::value(0))
        .col_expr(D::NextAttemptAt, Expr::value(now))
        .col_expr(D::UpdatedAt, Expr::value(now))
        .filter(D::OrderId.eq(order_id))
        .filter(D::Status.eq(WebhookDeliveryStatus::Pending))
        .filter(not_leased(now))
        .exec(&txn)
        .await?;
    alerts::acknowledge_by_key(&txn, &disabled_alert_key(order_id), cap.user_id()).await?;
    let details = json!({ "wasDisabled": !before.enabled, "resumedDeliveries": resumed.rows_affected });
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "webhook.endpoint_enabled", meta).target("order", order_id).details(details),
    )
    .await?;
    let endpoint = webhook_endpoint::Entity::find_by_id(order_id).one(&txn).await?.ok_or_else(missing)?;
    txn.commit().await?;
    wake(services);
    Ok(endpoint)
}
