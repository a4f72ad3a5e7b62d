//! Insights (issue 6): `insightsOverview`, `projectInsights` and
//! `vendorInsights`, for staff (SUPPORT and above). Money fields (MRR,
//! revenue) are null below ADMIN; customers are refused. Ranges are whole UTC
//! days `[from, to)`: `to` is the first day after the range.

use async_graphql::{Context, Object, SimpleObject};
use chrono::NaiveDate;
use uuid::Uuid;

use super::{context::ContextExt, error::GqlResultExt, projects::Project};
use crate::{
    auth::capability::ReadInsights,
    domain::insights::{self, Range, SiteSums, UsageSums},
};

/// An amount in minor units (cents) of one currency.
#[derive(SimpleObject)]
pub struct InsightsMoney {
    pub currency: String,
    pub amount_minor: i64,
}

/// Token usage totals (from the daily rollups).
#[derive(SimpleObject)]
pub struct InsightsUsage {
    /// Every token kind together.
    pub tokens: i64,
    pub tokens_input: i64,
    pub tokens_output: i64,
    pub tokens_cache_read: i64,
    pub tokens_cache_write: i64,
    pub web_search_count: i64,
    pub web_fetch_count: i64,
    pub cost_cents: i64,
}

impl From<UsageSums> for InsightsUsage {
    fn from(u: UsageSums) -> Self {
        Self {
            tokens: u.tokens(),
            tokens_input: u.tokens_input,
            tokens_output: u.tokens_output,
            tokens_cache_read: u.tokens_cache_read,
            tokens_cache_write: u.tokens_cache_write,
            web_search_count: u.web_search_count,
            web_fetch_count: u.web_fetch_count,
            cost_cents: u.cost_cents,
        }
    }
}

/// Site telemetry totals (from the daily rollups).
#[derive(SimpleObject)]
pub struct InsightsSiteTotals {
    /// Telemetry windows received.
    pub windows: i64,
    pub orders_count: i64,
    pub new_users_count: i64,
    /// The sites' own shop revenue as they report it (not Hub's money).
    pub revenue_paise: i64,
    pub requests_count: i64,
    pub errors_count: i64,
}

impl From<SiteSums> for InsightsSiteTotals {
    fn from(s: SiteSums) -> Self {
        Self {
            windows: s.windows,
            orders_count: s.orders_count,
            new_users_count: s.new_users_count,
            revenue_paise: s.revenue_paise,
            requests_count: s.requests_count,
            errors_count: s.errors_count,
        }
    }
}

#[derive(SimpleObject)]
pub struct InsightsUsageDay {
    pub day: NaiveDate,
    pub usage: InsightsUsage,
}

#[derive(SimpleObject)]
pub struct InsightsSiteDay {
    pub day: NaiveDate,
    pub sites: InsightsSiteTotals,
}

#[derive(SimpleObject)]
pub struct InsightsMoneyDay {
    pub day: NaiveDate,
    pub currency: String,
    pub amount_minor: i64,
}

#[derive(SimpleObject)]
pub struct InsightsCountDay {
    pub day: NaiveDate,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct InsightsStatusCount {
    pub status: String,
    pub count: i64,
}

/// One site's telemetry over the range.
#[derive(SimpleObject)]
pub struct InsightsSiteBreakdown {
    pub project_id: Uuid,
    pub site_uuid: Uuid,
    pub site_slug: String,
    pub vendor_id: i64,
    pub totals: InsightsSiteTotals,
}

/// The platform over a range of days.
#[derive(SimpleObject)]
pub struct InsightsOverview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Customers created before `to`.
    pub customers_total: i64,
    pub customers_new: i64,
    /// New customers in the range of equal length just before `from`.
    pub customers_new_previous: i64,
    /// (new − previous) / previous; null when the previous range had none.
    pub growth: Option<f64>,
    /// Orders neither FAILED nor CANCELLED, now.
    pub active_orders: i64,
    pub subscriptions_active_at_start: i64,
    pub subscriptions_cancelled: i64,
    /// cancelled / active at start; null when none were active.
    pub churn: Option<f64>,
    /// Monthly recurring revenue per currency (ACTIVE and PAST_DUE subscriptions at plan price); null below ADMIN.
    pub mrr: Option<Vec<InsightsMoney>>,
    /// Succeeded payments in the range per currency; null below ADMIN.
    pub revenue: Option<Vec<InsightsMoney>>,
    /// Succeeded payments per day and currency (days without any are left out); null below ADMIN.
    pub revenue_per_day: Option<Vec<InsightsMoneyDay>>,
    pub usage: InsightsUsage,
    pub sites: InsightsSiteTotals,
    /// One entry per day of the range.
    pub usage_per_day: Vec<InsightsUsageDay>,
    pub sites_per_day: Vec<InsightsSiteDay>,
    pub new_customers_per_day: Vec<InsightsCountDay>,
}

fn money(list: Vec<insights::Money>) -> Vec<InsightsMoney> {
    list.into_iter().map(|m| InsightsMoney { currency: m.currency, amount_minor: m.amount_minor }).collect()
}

fn site_days(days: Vec<insights::DaySites>) -> Vec<InsightsSiteDay> {
    days.into_iter().map(|d| InsightsSiteDay { day: d.day, sites: d.sites.into() }).collect()
}

impl From<insights::Overview> for InsightsOverview {
    fn from(o: insights::Overview) -> Self {
        Self {
            from: o.range.from,
            to: o.range.to,
            customers_total: o.customers_total,
            customers_new: o.customers_new,
            customers_new_previous: o.customers_new_previous,
            growth: o.growth,
            active_orders: o.active_orders,
            subscriptions_active_at_start: o.subscriptions_active_at_start,
            subscriptions_cancelled: o.subscriptions_cancelled,
            churn: o.churn,
            mrr: o.mrr.map(money),
            revenue: o.revenue.map(money),
            revenue_per_day: o.revenue_per_day.map(|days| {
                days.into_iter().map(|d| InsightsMoneyDay { day: d.day, currency: d.currency, amount_minor: d.amount_minor }).collect()
            }),
            usage: o.usage.into(),
            sites: o.sites.into(),
            usage_per_day: o.usage_per_day.into_iter().map(|d| InsightsUsageDay { day: d.day, usage: d.usage.into() }).collect(),
            sites_per_day: site_days(o.sites_per_day),
            new_customers_per_day: o.new_customers_per_day.into_iter().map(|d| InsightsCountDay { day: d.day, count: d.count }).collect(),
        }
    }
}

/// Sites, licences and telemetry of a project or a vendor over a range.
#[derive(SimpleObject)]
pub struct InsightsSites {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Licensed sites by status.
    pub sites_by_status: Vec<InsightsStatusCount>,
    /// Licences by status.
    pub licenses_by_status: Vec<InsightsStatusCount>,
    pub totals: InsightsSiteTotals,
    /// One entry per day of the range.
    pub per_day: Vec<InsightsSiteDay>,
    /// Per site, most requests first (at most 1000).
    pub per_site: Vec<InsightsSiteBreakdown>,
}

fn statuses(list: Vec<(String, i64)>) -> Vec<InsightsStatusCount> {
    list.into_iter().map(|(status, count)| InsightsStatusCount { status, count }).collect()
}

impl From<insights::SiteInsights> for InsightsSites {
    fn from(s: insights::SiteInsights) -> Self {
        Self {
            from: s.range.from,
            to: s.range.to,
            sites_by_status: statuses(s.sites_by_status),
            licenses_by_status: statuses(s.licenses_by_status),
            totals: s.totals.into(),
            per_day: site_days(s.per_day),
            per_site: s
                .per_site
                .into_iter()
                .map(|b| InsightsSiteBreakdown {
                    project_id: b.project_id,
                    site_uuid: b.site_uuid,
                    site_slug: b.site_slug,
                    vendor_id: b.vendor_id,
                    totals: b.sites.into(),
                })
                .collect(),
        }
    }
}

/// A bridge project's insights.
#[derive(SimpleObject)]
pub struct ProjectInsights {
    pub project: Project,
    pub insights: InsightsSites,
}

/// A child vendor's insights.
#[derive(SimpleObject)]
pub struct VendorInsights {
    pub vendor_id: i64,
    pub insights: InsightsSites,
}

#[derive(Default)]
pub struct InsightsQuery;

#[Object]
impl InsightsQuery {
    /// The platform overview over the days `[from, to)` (staff; money fields ADMIN+).
    async fn insights_overview(&self, ctx: &Context<'_>, from: NaiveDate, to: NaiveDate) -> async_graphql::Result<InsightsOverview> {
        let cap = ctx.actor().grant::<ReadInsights>().gql()?;
        let range = Range::new(from, to).gql()?;
        insights::overview(ctx.services(), &cap, range).await.map(Into::into).gql()
    }

    /// One bridge project's sites, licences and telemetry over `[from, to)` (staff); null when unknown.
    async fn project_insights(
        &self,
        ctx: &Context<'_>,
        slug: String,
        from: NaiveDate,
        to: NaiveDate,
    ) -> async_graphql::Result<Option<ProjectInsights>> {
        let cap = ctx.actor().grant::<ReadInsights>().gql()?;
        let range = Range::new(from, to).gql()?;
        let found = insights::project(ctx.services(), &cap, &slug, range).await.gql()?;
        Ok(found.map(|(project, insights)| ProjectInsights { project: project.into(), insights: insights.into() }))
    }

    /// One child vendor's sites, licences and telemetry over `[from, to)`,
    /// optionally within one project (vendor ids are the child's own) (staff).
    async fn vendor_insights(
        &self,
        ctx: &Context<'_>,
        vendor_id: i64,
        project: Option<String>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> async_graphql::Result<VendorInsights> {
        let cap = ctx.actor().grant::<ReadInsights>().gql()?;
        let range = Range::new(from, to).gql()?;
        let found = insights::vendor(ctx.services(), &cap, vendor_id, project.as_deref(), range).await.gql()?;
        Ok(VendorInsights { vendor_id, insights: found.into() })
    }
}
