//! Where a customer stands in the current period: allotment, used, overage
//! (priced at today's table) and when the allotment runs out at the rate of
//! the last 24 hours and of the last 7 days ("exhausted in ~3 days").

use chrono::{DateTime, Duration, Utc};
use entity::{billing_period, BillingPeriodStatus};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{
    periods::{self, Span},
    prices,
    read::ensure_customer,
};
use crate::{
    auth::{capability::ReadUsage, Cap},
    error::AppError,
    Services,
};

/// When the allotment runs out at one rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forecast {
    /// Tokens used in the window.
    pub window_tokens: i64,
    /// `None`: not at this rate (nothing used in the window); `now` when already out.
    pub exhausted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub customer_id: Uuid,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub status: BillingPeriodStatus,
    pub allotment_tokens: i64,
    pub used_tokens: i64,
    /// `used / allotment × 100`, `None` without an allotment.
    pub percent_used: Option<f64>,
    pub overage_tokens: i64,
    /// The overage priced with today's `billing.model_prices`.
    pub overage_amount_minor: i64,
    pub currency: String,
    pub last_24h: Forecast,
    pub last_7d: Forecast,
}

impl Summary {
    /// Whether the allotment runs out before the period ends at the last 24 hours' rate.
    pub fn runs_out_early(&self) -> bool {
        self.used_tokens < self.allotment_tokens && self.last_24h.exhausted_at.is_some_and(|at| at < self.period_end)
    }
}

/// When `remaining` tokens are gone if `window_tokens` keep being used every `window`.
pub fn exhaustion(remaining: i64, window_tokens: i64, window: Duration, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if remaining <= 0 {
        return Some(now);
    }
    if window_tokens <= 0 {
        return None;
    }
    let seconds = i128::from(remaining) * i128::from(window.num_seconds()) / i128::from(window_tokens);
    Duration::try_seconds(i64::try_from(seconds).ok()?).and_then(|d| now.checked_add_signed(d))
}

/// The current period's summary (staff: any customer; a customer: own).
pub async fn summary(services: &Services, cap: &Cap<ReadUsage>, customer_id: Uuid) -> Result<Summary, AppError> {
    cap.ensure_reaches(customer_id)?;
    ensure_customer(&services.db, customer_id).await?;
    let now = Utc::now();
    let period = match periods::stored_at(&services.db, customer_id, now).await? {
        Some(p) => p,
        None => periods::planned(&services.db, customer_id, now).await?,
    };
    compute(&services.db, &period, now).await
}

/// The summary of `period` at `now`: three aggregate queries and two small reads.
pub async fn compute<C: ConnectionTrait>(conn: &C, period: &billing_period::Model, now: DateTime<Utc>) -> Result<Summary, AppError> {
    let customer_id = period.customer_id;
    let span = Span { start: period.period_start, end: period.period_end };
    let by_model = periods::used_by_model(conn, customer_id, span).await?;
    let used: i64 = by_model.iter().map(|(_, t)| t).sum();
    let overage = (used - period.allotment_tokens).max(0);
    let table = prices::load(conn).await?;
    let amount = prices::charges(&by_model, overage, &table).iter().map(|c| c.amount_minor).sum();
    let remaining = period.allotment_tokens - used;
    let forecast =
        |tokens: i64, window: Duration| Forecast { window_tokens: tokens, exhausted_at: exhaustion(remaining, tokens, window, now) };
    let day = periods::used_in(conn, customer_id, Span { start: now - Duration::hours(24), end: now + Duration::hours(1) }).await?;
    let week = periods::used_in(conn, customer_id, Span { start: now - Duration::days(7), end: now + Duration::hours(1) }).await?;
    let last_24h = forecast(day, Duration::hours(24));
    let last_7d = forecast(week, Duration::days(7));
    Ok(Summary {
        customer_id,
        period_start: period.period_start,
        period_end: period.period_end,
        status: period.status,
        allotment_tokens: period.allotment_tokens,
        used_tokens: used,
        percent_used: (period.allotment_tokens > 0).then(|| used as f64 * 100.0 / period.allotment_tokens as f64),
        overage_tokens: overage,
        overage_amount_minor: amount,
        currency: period.currency.clone(),
        last_24h,
        last_7d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exhaustion_follows_the_rate() {
        let now = Utc::now();
        assert_eq!(exhaustion(300, 100, Duration::hours(24), now), Some(now + Duration::days(3)));
        assert_eq!(exhaustion(0, 100, Duration::hours(24), now), Some(now));
        assert_eq!(exhaustion(300, 0, Duration::hours(24), now), None);
    }
}
