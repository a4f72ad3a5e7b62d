//! The worker's side of the outbox: claiming due deliveries under a lease, and
//! recording what each attempt got. A claim is one conditional `UPDATE …
//! RETURNING` (on SQLite and PostgreSQL alike): a row is claimed only while it is
//! PENDING, due and not leased, so two workers (or replicas) never hold the same
//! attempt; the outcome is written only by the claim that still holds the lease.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{
    command_approval, remote_command, webhook_attempt,
    webhook_delivery::{self, Column as D},
    webhook_endpoint::{self, Column as E},
    RemoteCommandStatus, WebhookDeliveryStatus, WebhookEvent,
};
use sea_orm::{
    sea_query::{Condition, Expr, ExprTrait, Order, Query},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait, Set,
};
use uuid::Uuid;

use super::{endpoints::disable, event_path, schedule};
use crate::{domain::alerts, error::AppError, Services};

/// A delivery this worker holds, ready to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// As claimed: `attempts` already counts this attempt.
    pub delivery: webhook_delivery::Model,
    /// The endpoint's base URL with the event's path.
    pub url: String,
    /// The `whsec_…` secret, or why it cannot be used.
    pub secret: Result<String, String>,
}

/// What one attempt got.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub started_at: DateTime<Utc>,
    pub duration: Duration,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// Why it failed, when it did: a status line or a network error.
    pub error: Option<String>,
    /// The endpoint's `Retry-After`, if it sent one.
    pub retry_after: Option<Duration>,
}

impl AttemptResult {
    /// 2xx is delivered; anything else, including redirects, is a failure.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Where a delivery stands after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    RetryAt(DateTime<Utc>),
    /// Every attempt failed.
    Failed,
    /// The lease ran out before the outcome was written; another claim owns it.
    LeaseLost,
}

/// Claims up to `webhooks.batch_size` deliveries that are due, for endpoints
/// that are enabled, oldest due first, leasing them for `webhooks.lease_secs`.
pub async fn claim_due(services: &Services) -> Result<Vec<Claimed>, AppError> {
    let config = &services.config.webhooks;
    let now = Utc::now();
    let lease = chrono::Duration::seconds(i64::try_from(config.lease_secs).unwrap_or(60));
    let delivery = |col: D| Expr::col((webhook_delivery::Entity, col));
    let endpoint = |col: E| Expr::col((webhook_endpoint::Entity, col));
    let due = Query::select()
        .expr(delivery(D::Id))
        .from(webhook_delivery::Entity)
        .inner_join(webhook_endpoint::Entity, endpoint(E::OrderId).equals((webhook_delivery::Entity, D::OrderId)))
        .and_where(delivery(D::Status).eq(WebhookDeliveryStatus::Pending))
        .and_where(delivery(D::NextAttemptAt).lte(now))
        .cond_where(Condition::any().add(delivery(D::LockedUntil).is_null()).add(delivery(D::LockedUntil).lte(now)))
        .and_where(endpoint(E::Enabled).eq(true))
        .and_where(endpoint(E::Url).is_not_null())
        .order_by((webhook_delivery::Entity, D::NextAttemptAt), Order::Asc)
        .limit(u64::from(std::cmp::max(config.batch_size, 1)))
        .to_owned();
    let token = Uuid::new_v4();
    // The conditions are repeated outside the subquery: a row another worker
    // claimed meanwhile no longer matches them when this update reaches it.
    let mut claim = webhook_delivery::Entity::update_many()
        .col_expr(D::Attempts, Expr::col(D::Attempts).add(1))
        .col_expr(D::LockedUntil, Expr::value(now + lease))
        .col_expr(D::ClaimToken, Expr::value(token))
        .col_expr(D::UpdatedAt, Expr::value(now))
        .filter(D::Id.in_subquery(due))
        .filter(D::Status.eq(WebhookDeliveryStatus::Pending))
        .filter(D::NextAttemptAt.lte(now))
        .filter(Condition::any().add(D::LockedUntil.is_null()).add(D::LockedUntil.lte(now)))
        .into_query();
    claim.returning_all();
    let rows = services.db.query_all(&claim).await?;
    let claimed = rows.iter().map(|row| webhook_delivery::Model::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let orders: Vec<Uuid> = claimed.iter().map(|d| d.order_id).collect();
    let endpoints = webhook_endpoint::Entity::find().filter(E::OrderId.is_in(orders)).all(&services.db).await?;
    Ok(claimed
        .into_iter()
        .map(|delivery| {
            let found = endpoints.iter().find(|e| e.order_id == delivery.order_id);
            let base = found.and_then(|e| e.url.clone()).unwrap_or_default();
            let secret = match found {
                Some(e) => services.master_key.decrypt(&e.secret_encrypted).ok().and_then(|bytes| String::from_utf8(bytes).ok()),
                None => None,
            };
            let secret = secret.ok_or_else(|| "the signing secret cannot be decrypted (was the master key changed?)".to_owned());
            Claimed { url: format!("{base}{}", event_path(delivery.event)), delivery, secret }
        })
        .collect())
}

/// Writes an attempt's outcome: the attempt log row always; the delivery's new
/// state, and the endpoint's failure count, only while this claim holds the
/// lease. A delivery that used its last attempt is FAILED; after
/// `webhooks.auto_disable_after` of those in a row (or a `410 Gone`, which asks
/// the sender to stop) the endpoint is disabled and an alert raised.
pub async fn record(services: &Services, claimed: &Claimed, result: &AttemptResult) -> Result<Outcome, AppError> {
    let config = &services.config.webhooks;
    let delivery = &claimed.delivery;
    let now = Utc::now();
    let outcome = if result.succeeded() {
        Outcome::Delivered
    } else if delivery.attempts >= i32::try_from(config.max_attempts).unwrap_or(i32::MAX) {
        Outcome::Failed
    } else {
        let failed = u32::try_from(delivery.attempts).unwrap_or(1);
        let delay = schedule::next_delay(Duration::from_millis(config.base_backoff_ms), failed, result.retry_after);
        Outcome::RetryAt(now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(24)))
    };
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(D::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(D::ClaimToken, Expr::value(Option::<Uuid>::None))
        .col_expr(D::LastStatus, Expr::value(result.status.map(i32::from)))
        .col_expr(D::LastError, Expr::value(clip(&result.error)))
        .col_expr(D::UpdatedAt, Expr::value(now))
        .filter(D::Id.eq(delivery.id))
        .filter(D::ClaimToken.eq(delivery.claim_token));
    update = match outcome {
        Outcome::Delivered => {
            update.col_expr(D::Status, Expr::value(WebhookDeliveryStatus::Delivered)).col_expr(D::DeliveredAt, Expr::value(now))
        }
        Outcome::Failed => update.col_expr(D::Status, Expr::value(WebhookDeliveryStatus::Failed)),
        Outcome::RetryAt(at) => update.col_expr(D::NextAttemptAt, Expr::value(at)),
        Outcome::LeaseLost => unreachable!("not chosen above"),
    };
    let txn = crate::db::begin_write(&services.db).await?;
    let held = update.exec(&txn).await?.rows_affected == 1;
    webhook_attempt::ActiveModel {
        id: Set(Uuid::new_v4()),
        delivery_id: Set(delivery.id),
        attempt: Set(delivery.attempts),
        started_at: Set(result.started_at),
        duration_ms: Set(i64::try_from(result.duration.as_millis()).unwrap_or(i64::MAX)),
        status_code: Set(result.status.map(i32::from)),
        error: Set(clip(&result.error)),
        succeeded: Set(result.succeeded()),
    }
    .insert(&txn)
    .await?;
    if !held {
        txn.commit().await?;
        return Ok(Outcome::LeaseLost);
    }
    let raised = match outcome {
        Outcome::Delivered => {
            reset_failures(&txn, delivery.order_id).await?;
            mark_subject_delivered(&txn, delivery, now).await?;
            None
        }
        Outcome::Failed => {
            let threshold = i32::try_from(std::cmp::max(config.auto_disable_after, 1)).unwrap_or(i32::MAX);
            count_failure(&txn, delivery.order_id).await?;
            let reason = format!("{threshold} deliveries in a row failed every attempt");
            disable(&txn, delivery.order_id, &reason, Some(threshold)).await?
        }
        Outcome::RetryAt(_) if result.status == Some(410) => {
            disable(&txn, delivery.order_id, "the endpoint answered 410 Gone", None).await?
        }
        Outcome::RetryAt(_) | Outcome::LeaseLost => None,
    };
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    Ok(outcome)
}

/// An error as stored: at most 500 characters (the columns' size).
fn clip(error: &Option<String>) -> Option<String> {
    error.as_ref().map(|e| e.chars().take(500).collect())
}

async fn reset_failures<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<(), AppError> {
    webhook_endpoint::Entity::update_many()
        .col_expr(E::ConsecutiveFailures, Expr::value(0))
        .filter(E::OrderId.eq(order_id))
        .filter(E::ConsecutiveFailures.ne(0))
        .exec(conn)
        .await?;
    Ok(())
}

async fn count_failure<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<(), AppError> {
    webhook_endpoint::Entity::update_many()
        .col_expr(E::ConsecutiveFailures, Expr::col(E::ConsecutiveFailures).add(1))
        .filter(E::OrderId.eq(order_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The tenant has now learnt what the event carried: a queued command counts as
/// DELIVERED and a decision as delivered, so heartbeats do not hand them over again.
async fn mark_subject_delivered<C: ConnectionTrait>(
    conn: &C,
    delivery: &webhook_delivery::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(subject) = delivery.subject_id else { return Ok(()) };
    match delivery.event {
        WebhookEvent::CommandQueued => {
            remote_command::Entity::update_many()
                .col_expr(remote_command::Column::Status, Expr::value(RemoteCommandStatus::Delivered))
                .col_expr(remote_command::Column::DeliveredAt, Expr::value(now))
                .filter(remote_command::Column::Id.eq(subject))
                .filter(remote_command::Column::Status.eq(RemoteCommandStatus::Queued))
                .exec(conn)
                .await?;
        }
        WebhookEvent::ApprovalResponded => {
            command_approval::Entity::update_many()
                .col_expr(command_approval::Column::DeliveredAt, Expr::value(now))
                .filter(command_approval::Column::Id.eq(subject))
                .filter(command_approval::Column::DeliveredAt.is_null())
                .exec(conn)
                .await?;
        }
        WebhookEvent::ConfigUpdated => {}
    }
    Ok(())
}
