//! Token usage and billing periods (issue 6): `usage` (a time series),
//! `usageSummary` (the current period) and `billingPeriods` (the history).
//! Staff SUPPORT+ read usage, ADMIN+ billing periods; a customer their own.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::billing_period;
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
};
use crate::{
    auth::capability::{ReadBillingPeriods, ReadUsage},
    domain::metering::{
        periods::Span,
        read,
        series::{self, Counts},
        summary::{self, Forecast},
    },
};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "series::Granularity")]
pub enum UsageGranularity {
    Hour,
    Day,
    /// ISO weeks, from Monday (UTC).
    Week,
    Month,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "series::GroupBy")]
pub enum UsageGroupBy {
    None,
    Agent,
    Model,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::BillingPeriodStatus")]
pub enum BillingPeriodStatus {
    Open,
    Closed,
    Invoiced,
    Paid,
}

/// Token counts of one slot or series. `tokens` is what is metered: input +
/// output + cache read + cache write.
#[derive(SimpleObject)]
pub struct UsageCounts {
    pub tokens: i64,
    pub tokens_input: i64,
    pub tokens_output: i64,
    pub tokens_cache_read: i64,
    pub tokens_cache_write: i64,
    /// What the tenant reported it cost, in cents.
    pub cost_cents: i64,
}

impl From<Counts> for UsageCounts {
    fn from(c: Counts) -> Self {
        Self {
            tokens: c.tokens(),
            tokens_input: c.input,
            tokens_output: c.output,
            tokens_cache_read: c.cache_read,
            tokens_cache_write: c.cache_write,
            cost_cents: c.cost_cents,
        }
    }
}

/// One point of a series.
#[derive(SimpleObject)]
pub struct UsagePoint {
    /// The start of the slot.
    pub at: DateTime<Utc>,
    #[graphql(flatten)]
    pub counts: UsageCounts,
}

/// One agent's, one model's, or (ungrouped) all usage; `(other)` folds the smallest.
#[derive(SimpleObject)]
pub struct UsageSeries {
    pub key: String,
    pub total: UsageCounts,
    /// One per slot, zeros included.
    pub points: Vec<UsagePoint>,
}

/// Usage over time; at most 744 slots and 20 series.
#[derive(SimpleObject)]
pub struct UsageReport {
    pub granularity: UsageGranularity,
    pub series: Vec<UsageSeries>,
}

impl From<series::Report> for UsageReport {
    fn from(r: series::Report) -> Self {
        let series = r
            .series
            .into_iter()
            .map(|s| UsageSeries {
                key: s.key,
                total: s.total.into(),
                points: r.slots.iter().zip(s.points).map(|(at, c)| UsagePoint { at: *at, counts: c.into() }).collect(),
            })
            .collect();
        Self { granularity: r.granularity.into(), series }
    }
}

/// When the allotment runs out at the rate of a recent window.
#[derive(SimpleObject)]
pub struct UsageForecast {
    /// Tokens used in the window.
    pub window_tokens: i64,
    /// Null when nothing was used in the window; now when already exhausted.
    pub exhausted_at: Option<DateTime<Utc>>,
}

impl From<Forecast> for UsageForecast {
    fn from(f: Forecast) -> Self {
        Self { window_tokens: f.window_tokens, exhausted_at: f.exhausted_at }
    }
}

/// Where a customer stands in the current period.
#[derive(SimpleObject)]
pub struct UsageSummary {
    pub customer_id: Uuid,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub status: BillingPeriodStatus,
    pub allotment_tokens: i64,
    pub used_tokens: i64,
    /// Null without an allotment.
    pub percent_used: Option<f64>,
    pub overage_tokens: i64,
    /// The overage at today's prices, in minor units of `currency`.
    pub overage_amount_minor: i64,
    pub currency: String,
    /// At the last 24 hours' rate.
    #[graphql(name = "forecast24h")]
    pub forecast_24h: UsageForecast,
    /// At the last 7 days' rate.
    #[graphql(name = "forecast7d")]
    pub forecast_7d: UsageForecast,
    /// Whether the allotment runs out before the period ends at the last 24 hours' rate.
    pub runs_out_early: bool,
}

impl From<summary::Summary> for UsageSummary {
    fn from(s: summary::Summary) -> Self {
        Self {
            runs_out_early: s.runs_out_early(),
            customer_id: s.customer_id,
            period_start: s.period_start,
            period_end: s.period_end,
            status: s.status.into(),
            allotment_tokens: s.allotment_tokens,
            used_tokens: s.used_tokens,
            percent_used: s.percent_used,
            overage_tokens: s.overage_tokens,
            overage_amount_minor: s.overage_amount_minor,
            currency: s.currency,
            forecast_24h: s.last_24h.into(),
            forecast_7d: s.last_7d.into(),
        }
    }
}

/// A billing period: allotment, usage, overage and its invoice.
#[derive(SimpleObject)]
pub struct BillingPeriod {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub status: BillingPeriodStatus,
    pub allotment_tokens: i64,
    /// Refreshed on every ingest while OPEN; final once CLOSED.
    pub used_tokens: i64,
    pub overage_tokens: i64,
    pub overage_amount_minor: i64,
    pub currency: String,
    /// The overage invoice (see `invoices` in the Stripe mirror).
    pub invoice_id: Option<Uuid>,
    pub alert80_at: Option<DateTime<Utc>>,
    pub alert100_at: Option<DateTime<Utc>>,
    pub forecast_alert_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<billing_period::Model> for BillingPeriod {
    fn from(p: billing_period::Model) -> Self {
        Self {
            id: p.id,
            customer_id: p.customer_id,
            period_start: p.period_start,
            period_end: p.period_end,
            status: p.status.into(),
            allotment_tokens: p.allotment_tokens,
            used_tokens: p.used_tokens,
            overage_tokens: p.overage_tokens,
            overage_amount_minor: p.overage_amount_minor,
            currency: p.currency,
            invoice_id: p.invoice_id,
            alert80_at: p.alert80_at,
            alert100_at: p.alert100_at,
            forecast_alert_at: p.forecast_alert_at,
            closed_at: p.closed_at,
        }
    }
}

#[derive(Default)]
pub struct UsageQuery;

#[Object]
impl UsageQuery {
    /// Token usage of a customer from `from` (inclusive, truncated to the slot)
    /// to `to` (exclusive), per slot and per agent or model. Staff SUPPORT and
    /// above: any customer; a customer: their own (another's is `NOT_FOUND`).
    async fn usage(
        &self,
        ctx: &Context<'_>,
        customer_id: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        granularity: UsageGranularity,
        group_by: Option<UsageGroupBy>,
    ) -> async_graphql::Result<UsageReport> {
        let cap = ctx.actor().grant::<ReadUsage>().gql()?;
        let group_by = group_by.unwrap_or(UsageGroupBy::None).into();
        series::usage(ctx.services(), &cap, customer_id, Span { start: from, end: to }, granularity.into(), group_by)
            .await
            .map(Into::into)
            .gql()
    }

    /// The customer's current billing period: allotment, used, overage, forecast
    /// (who may read `usage`).
    async fn usage_summary(&self, ctx: &Context<'_>, customer_id: Uuid) -> async_graphql::Result<UsageSummary> {
        let cap = ctx.actor().grant::<ReadUsage>().gql()?;
        summary::summary(ctx.services(), &cap, customer_id).await.map(Into::into).gql()
    }

    /// A customer's billing periods, newest first. Staff ADMIN and above: any
    /// customer; a customer: their own.
    async fn billing_periods(
        &self,
        ctx: &Context<'_>,
        customer_id: Uuid,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Paged<BillingPeriod>> {
        let cap = ctx.actor().grant::<ReadBillingPeriods>().gql()?;
        paged(first, after, |page| read::periods(ctx.services(), &cap, customer_id, page)).await
    }
}
