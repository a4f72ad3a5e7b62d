//! Billing periods: where a customer's current period starts and ends, its
//! allotment, and the tokens used in it. A period row is created the first
//! time something needs it (an ingest, the billing cycle opening the next).

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use entity::{billing_period, founding_member, order, plan, subscription, token_usage_bucket, BillingPeriodStatus, SubscriptionStatus};
use sea_orm::{
    sea_query::{Expr, OnConflict, Query},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::TOKENS_SQL;
use crate::error::AppError;

/// Currency of periods without a plan.
pub const DEFAULT_CURRENCY: &str = "eur";

/// A half-open time range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

/// The calendar month (UTC) holding `at`.
pub fn calendar_month(at: DateTime<Utc>) -> Span {
    let start = Utc.with_ymd_and_hms(at.year(), at.month(), 1, 0, 0, 0).single().unwrap_or(at);
    let (y, m) = if at.month() == 12 { (at.year() + 1, 1) } else { (at.year(), at.month() + 1) };
    let end = Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().unwrap_or(start + Duration::days(31));
    Span { start, end }
}

/// The period holding `at`: the subscription's current period, rolled forward
/// by whole period lengths when `at` is past its end (Stripe has not renewed it
/// yet); the calendar month without a usable subscription period.
pub fn span_at(sub: Option<&subscription::Model>, at: DateTime<Utc>) -> Span {
    let window = sub.and_then(|s| Some((s.current_period_start?, s.current_period_end?)));
    match window {
        Some((start, end)) if end > start && at >= start => {
            let len = end - start;
            let skipped = (at - start).num_seconds() / len.num_seconds().max(1);
            let start = start + len * i32::try_from(skipped).unwrap_or(0);
            Span { start, end: start + len }
        }
        _ => calendar_month(at),
    }
}

/// The customer's current subscription with its plan, unless cancelled.
pub async fn plan_of<C: ConnectionTrait>(conn: &C, customer_id: Uuid) -> Result<Option<(subscription::Model, plan::Model)>, AppError> {
    let sub = subscription::Entity::find()
        .filter(subscription::Column::CustomerId.eq(customer_id))
        .filter(subscription::Column::Status.ne(SubscriptionStatus::Cancelled))
        .order_by_desc(subscription::Column::CreatedAt)
        .one(conn)
        .await?;
    let Some(sub) = sub else { return Ok(None) };
    let plan = plan::Entity::find_by_id(sub.plan_id).one(conn).await?;
    Ok(plan.map(|p| (sub, p)))
}

/// Plan allotment × founding multiplier, the multiplier counting when the seat
/// had not expired when the period started.
pub fn allotment(plan_tokens: i64, founding: Option<&founding_member::Model>, period_start: DateTime<Utc>) -> i64 {
    let multiplier = founding.filter(|f| f.expires_at > period_start).map_or(1, |f| i64::from(f.token_multiplier.max(1)));
    plan_tokens.max(0).saturating_mul(multiplier)
}

/// What a new period row of `customer_id` holding `at` would be.
pub async fn planned<C: ConnectionTrait>(conn: &C, customer_id: Uuid, at: DateTime<Utc>) -> Result<billing_period::Model, AppError> {
    let current = plan_of(conn, customer_id).await?;
    let mut span = span_at(current.as_ref().map(|(s, _)| s), at);
    // Never overlap the previous period (e.g. a subscription that started mid-month).
    let previous = billing_period::Entity::find()
        .filter(billing_period::Column::CustomerId.eq(customer_id))
        .filter(billing_period::Column::PeriodStart.lt(span.start))
        .order_by_desc(billing_period::Column::PeriodStart)
        .one(conn)
        .await?;
    if let Some(prev) = previous.filter(|p| p.period_end > span.start && p.period_end < span.end) {
        span.start = prev.period_end;
    }
    let founding = founding_member::Entity::find().filter(founding_member::Column::CustomerId.eq(customer_id)).one(conn).await?;
    let (allotment_tokens, currency, subscription_id) = match &current {
        Some((sub, plan)) => (allotment(plan.token_allotment, founding.as_ref(), span.start), plan.currency.clone(), Some(sub.id)),
        None => (0, DEFAULT_CURRENCY.to_owned(), None),
    };
    let now = Utc::now();
    Ok(billing_period::Model {
        id: Uuid::new_v4(),
        customer_id,
        subscription_id,
        period_start: span.start,
        period_end: span.end,
        allotment_tokens,
        used_tokens: 0,
        overage_tokens: 0,
        overage_amount_minor: 0,
        currency,
        status: BillingPeriodStatus::Open,
        invoice_id: None,
        alert80_at: None,
        alert100_at: None,
        forecast_alert_at: None,
        closed_at: None,
        created_at: now,
        updated_at: now,
    })
}

/// The stored period of `customer_id` holding `at`, if any.
pub async fn stored_at<C: ConnectionTrait>(
    conn: &C,
    customer_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<billing_period::Model>, AppError> {
    Ok(billing_period::Entity::find()
        .filter(billing_period::Column::CustomerId.eq(customer_id))
        .filter(billing_period::Column::PeriodStart.lte(at))
        .filter(billing_period::Column::PeriodEnd.gt(at))
        .order_by_desc(billing_period::Column::PeriodStart)
        .one(conn)
        .await?)
}

/// The period of `customer_id` holding `at`, created when missing (racing
/// creators leave one row: the insert is `ON CONFLICT DO NOTHING`).
pub async fn ensure<C: ConnectionTrait>(conn: &C, customer_id: Uuid, at: DateTime<Utc>) -> Result<billing_period::Model, AppError> {
    if let Some(found) = stored_at(conn, customer_id, at).await? {
        return Ok(found);
    }
    let row = planned(conn, customer_id, at).await?;
    let key = [billing_period::Column::CustomerId, billing_period::Column::PeriodStart];
    let active: billing_period::ActiveModel = row.clone().into();
    billing_period::Entity::insert(active)
        .on_conflict(OnConflict::columns(key).do_nothing().to_owned())
        .exec_without_returning(conn)
        .await?;
    let stored = billing_period::Entity::find()
        .filter(billing_period::Column::CustomerId.eq(customer_id))
        .filter(billing_period::Column::PeriodStart.eq(row.period_start))
        .one(conn)
        .await?;
    stored.ok_or_else(|| AppError::internal(anyhow::anyhow!("the billing period vanished after its insert")))
}

/// The customer's buckets (through their orders) from `span.start` to `span.end`.
pub fn buckets_of(customer_id: Uuid, span: Span) -> sea_orm::Select<token_usage_bucket::Entity> {
    let orders =
        Query::select().column(order::Column::Id).from(order::Entity).and_where(order::Column::CustomerId.eq(customer_id)).to_owned();
    token_usage_bucket::Entity::find()
        .filter(token_usage_bucket::Column::OrderId.in_subquery(orders))
        .filter(token_usage_bucket::Column::BucketHour.gte(span.start))
        .filter(token_usage_bucket::Column::BucketHour.lt(span.end))
}

/// `SUM(tokens)` as a BIGINT on both databases (PostgreSQL sums BIGINTs into NUMERIC).
pub fn sum_tokens() -> Expr {
    Expr::cust(format!("CAST(COALESCE(SUM({TOKENS_SQL}), 0) AS BIGINT)"))
}

/// Tokens the customer used in `span`. One aggregate query.
pub async fn used_in<C: ConnectionTrait>(conn: &C, customer_id: Uuid, span: Span) -> Result<i64, AppError> {
    let used: Option<i64> = buckets_of(customer_id, span).select_only().column_as(sum_tokens(), "tokens").into_tuple().one(conn).await?;
    Ok(used.unwrap_or(0))
}

/// Tokens the customer used in `span` per model, biggest first. One aggregate query.
pub async fn used_by_model<C: ConnectionTrait>(conn: &C, customer_id: Uuid, span: Span) -> Result<Vec<(String, i64)>, AppError> {
    let mut rows: Vec<(String, i64)> = buckets_of(customer_id, span)
        .select_only()
        .column(token_usage_bucket::Column::Model)
        .column_as(sum_tokens(), "tokens")
        .group_by(token_usage_bucket::Column::Model)
        .into_tuple()
        .all(conn)
        .await?;
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn calendar_months_wrap_the_year() {
        let span = calendar_month(at("2026-12-31T23:59:59Z"));
        assert_eq!((span.start, span.end), (at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z")));
    }

    #[test]
    fn subscription_periods_roll_forward_when_not_renewed() {
        let now = Utc::now();
        let sub = subscription::Model {
            id: Uuid::nil(),
            customer_id: Uuid::nil(),
            plan_id: Uuid::nil(),
            status: SubscriptionStatus::Active,
            stripe_customer_id: None,
            stripe_subscription_id: None,
            current_period_start: Some(at("2026-01-10T00:00:00Z")),
            current_period_end: Some(at("2026-01-20T00:00:00Z")),
            cancel_at_period_end: false,
            created_at: now,
            updated_at: now,
        };
        assert_eq!(span_at(Some(&sub), at("2026-01-15T00:00:00Z")).start, at("2026-01-10T00:00:00Z"));
        let rolled = span_at(Some(&sub), at("2026-02-01T00:00:00Z"));
        assert_eq!((rolled.start, rolled.end), (at("2026-01-30T00:00:00Z"), at("2026-02-09T00:00:00Z")));
        assert_eq!(span_at(None, at("2026-02-01T00:00:00Z")).start, at("2026-02-01T00:00:00Z"));
    }

    #[test]
    fn founding_multiplier_counts_until_the_seat_expires() {
        let start = at("2026-11-01T00:00:00Z");
        let seat = |expires: &str| founding_member::Model {
            id: Uuid::nil(),
            customer_id: Uuid::nil(),
            number: 1,
            token_multiplier: 2,
            expires_at: at(expires),
            created_at: start,
        };
        assert_eq!(allotment(1000, Some(&seat("2027-01-01T00:00:00Z")), start), 2000);
        assert_eq!(allotment(1000, Some(&seat("2026-10-01T00:00:00Z")), start), 1000);
        assert_eq!(allotment(1000, None, start), 1000);
    }
}
