//! Stripe's state of each subscription (`stripe_subscriptions`), newest event
//! first: every write is an upsert that only takes effect when its event is
//! newer than the state it would replace (at the same second, anything but a
//! cancellation may be replaced). Hub's `subscriptions` row with the same Stripe
//! id is then brought in line ([`project`]); the checkout that creates that row
//! later starts from this state, so events arriving before it are not lost.

use chrono::Utc;
use entity::{stripe_subscription, subscription, SubscriptionStatus};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, OnConflict},
    ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};

use super::event;
use crate::error::AppError;

use stripe_subscription::Column as Col;

/// Hub's word for Stripe's subscription status.
pub fn status_of(stripe_status: &str) -> SubscriptionStatus {
    match stripe_status {
        "trialing" => SubscriptionStatus::Trialing,
        "active" => SubscriptionStatus::Active,
        "past_due" | "unpaid" | "paused" => SubscriptionStatus::PastDue,
        "canceled" | "incomplete_expired" => SubscriptionStatus::Cancelled,
        _ => SubscriptionStatus::Incomplete,
    }
}

/// Stripe's word for Hub's status (for states Hub infers from invoices).
fn stripe_word(status: SubscriptionStatus) -> &'static str {
    match status {
        SubscriptionStatus::Incomplete => "incomplete",
        SubscriptionStatus::Trialing => "trialing",
        SubscriptionStatus::Active => "active",
        SubscriptionStatus::PastDue => "past_due",
        SubscriptionStatus::Cancelled => "canceled",
    }
}

fn excluded(column: Col) -> Expr {
    Expr::col((Alias::new("excluded"), column))
}

fn current(column: Col) -> Expr {
    Expr::col((stripe_subscription::Entity, column))
}

/// The stored state may be replaced by the proposed one: it is older, or as old
/// and not a cancellation.
fn newer() -> Expr {
    let cancelled = SubscriptionStatus::Cancelled.to_value();
    excluded(Col::StateAt)
        .gt(current(Col::StateAt))
        .or(excluded(Col::StateAt).eq(current(Col::StateAt)).and(current(Col::Status).ne(cancelled)))
}

/// Records the whole state a subscription event carries (`deleted`: the
/// subscription ended, whatever its status says).
pub async fn record<C: ConnectionTrait>(conn: &C, sub: &event::Subscription, state_at: i64, deleted: bool) -> Result<(), AppError> {
    let stripe_status = if deleted { "canceled".to_owned() } else { sub.status.clone() };
    let (start, end) = sub.period();
    let row = stripe_subscription::ActiveModel {
        stripe_subscription_id: Set(sub.id.clone()),
        stripe_customer_id: Set(event::id_of(&sub.customer)),
        status: Set(status_of(&stripe_status)),
        stripe_status: Set(stripe_status),
        current_period_start: Set(start.and_then(event::at)),
        current_period_end: Set(end.and_then(event::at)),
        cancel_at_period_end: Set(sub.cancel_at_period_end),
        state_at: Set(state_at),
        updated_at: Set(Utc::now()),
    };
    let on_conflict = OnConflict::column(Col::StripeSubscriptionId)
        .update_columns([
            Col::StripeCustomerId,
            Col::StripeStatus,
            Col::Status,
            Col::CurrentPeriodStart,
            Col::CurrentPeriodEnd,
            Col::CancelAtPeriodEnd,
            Col::StateAt,
            Col::UpdatedAt,
        ])
        .action_and_where(newer())
        .to_owned();
    stripe_subscription::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(conn).await?;
    project(conn, &sub.id).await
}

/// Moves a subscription to `to` because of an invoice event, only from one of
/// `from` (a failed payment does not revive a cancelled subscription) and only
/// if the event is newer than the state it replaces.
pub async fn mark<C: ConnectionTrait>(
    conn: &C,
    stripe_subscription_id: &str,
    stripe_customer_id: Option<String>,
    to: SubscriptionStatus,
    from: &[SubscriptionStatus],
    state_at: i64,
) -> Result<(), AppError> {
    let row = stripe_subscription::ActiveModel {
        stripe_subscription_id: Set(stripe_subscription_id.to_owned()),
        stripe_customer_id: Set(stripe_customer_id),
        status: Set(to),
        stripe_status: Set(stripe_word(to).to_owned()),
        current_period_start: Set(None),
        current_period_end: Set(None),
        cancel_at_period_end: Set(false),
        state_at: Set(state_at),
        updated_at: Set(Utc::now()),
    };
    let from: Vec<String> = from.iter().map(|s| s.to_value()).collect();
    let on_conflict = OnConflict::column(Col::StripeSubscriptionId)
        .update_columns([Col::StripeStatus, Col::Status, Col::StateAt, Col::UpdatedAt])
        .action_and_where(newer().and(current(Col::Status).is_in(from)))
        .to_owned();
    stripe_subscription::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(conn).await?;
    project(conn, stripe_subscription_id).await
}

/// Notes a cancellation at period end that Hub asked Stripe for; the state's
/// time is left alone, so Stripe's own event about it still applies.
pub async fn note_cancel_at_period_end<C: ConnectionTrait>(conn: &C, stripe_subscription_id: &str) -> Result<(), AppError> {
    stripe_subscription::Entity::update_many()
        .col_expr(Col::CancelAtPeriodEnd, Expr::value(true))
        .filter(Col::StripeSubscriptionId.eq(stripe_subscription_id))
        .exec(conn)
        .await?;
    subscription::Entity::update_many()
        .col_expr(subscription::Column::CancelAtPeriodEnd, Expr::value(true))
        .col_expr(subscription::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(subscription::Column::StripeSubscriptionId.eq(stripe_subscription_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The stored state of one subscription, if any event told it.
pub async fn get<C: ConnectionTrait>(conn: &C, stripe_subscription_id: &str) -> Result<Option<stripe_subscription::Model>, AppError> {
    Ok(stripe_subscription::Entity::find_by_id(stripe_subscription_id.to_owned()).one(conn).await?)
}

/// Brings Hub's subscription with this Stripe id (if there is one yet) in line
/// with the stored state; periods Stripe has not told are left as they are.
pub async fn project<C: ConnectionTrait>(conn: &C, stripe_subscription_id: &str) -> Result<(), AppError> {
    let Some(state) = get(conn, stripe_subscription_id).await? else { return Ok(()) };
    let mut update = subscription::Entity::update_many()
        .col_expr(subscription::Column::Status, Expr::value(state.status))
        .col_expr(subscription::Column::CancelAtPeriodEnd, Expr::value(state.cancel_at_period_end))
        .col_expr(subscription::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(subscription::Column::StripeSubscriptionId.eq(stripe_subscription_id));
    if let Some(start) = state.current_period_start {
        update = update.col_expr(subscription::Column::CurrentPeriodStart, Expr::value(start));
    }
    if let Some(end) = state.current_period_end {
        update = update.col_expr(subscription::Column::CurrentPeriodEnd, Expr::value(end));
    }
    update.exec(conn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_statuses_in_hub_words() {
        for (stripe, hub) in [
            ("active", SubscriptionStatus::Active),
            ("trialing", SubscriptionStatus::Trialing),
            ("past_due", SubscriptionStatus::PastDue),
            ("unpaid", SubscriptionStatus::PastDue),
            ("canceled", SubscriptionStatus::Cancelled),
            ("incomplete_expired", SubscriptionStatus::Cancelled),
            ("incomplete", SubscriptionStatus::Incomplete),
            ("something_new", SubscriptionStatus::Incomplete),
        ] {
            assert_eq!(status_of(stripe), hub, "{stripe}");
        }
        for status in [SubscriptionStatus::Active, SubscriptionStatus::PastDue, SubscriptionStatus::Cancelled] {
            assert_eq!(status_of(stripe_word(status)), status);
        }
    }
}
