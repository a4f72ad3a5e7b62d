//! The staff overview: what needs attention (open alerts, pending approvals,
//! orders provisioning, failed or awaiting DNS) and the last 30 days' tokens
//! and site errors per day, from the insights overview.

use super::section::Section;
use crate::auth::use_auth;
use crate::components::chart::{daily, BarChart};
use crate::error::ApiError;
use crate::gql::{insights_overview, DashboardCounts, InsightsOverview};
use crate::pages::insights::last_days;
use leptos::prelude::*;
use leptos_router::components::A;
use web_sys::js_sys::Date;

/// Days the overview covers, today included.
const DAYS: i64 = 30;

#[component]
fn Count(testid: &'static str, label: &'static str, count: i64, href: &'static str) -> impl IntoView {
    view! {
        <A href=href attr:class="insight-card" attr:data-testid=testid>
            <span class="hint">{label}</span>
            <span class="value" data-testid="count">{count}</span>
        </A>
    }
}

#[component]
fn NeedsAttention() -> impl IntoView {
    let auth = use_auth();
    let counts = LocalResource::new(move || async move { auth.call::<DashboardCounts>(crate::gql::dashboard_counts::Variables).await });
    view! {
        <Section id="overview-counts" title="Needs attention" more=None>
            {move || Suspend::new(async move {
                let c = counts.await?;
                Ok::<_, ApiError>(view! {
                    <div class="insight-cards">
                        <Count testid="overview-open-alerts" label="Open alerts" count=c.open_alerts.total_count href="/alerts"/>
                        <Count testid="overview-pending-approvals" label="Pending approvals" count=c.pending_approvals.total_count href="/approvals"/>
                        <Count testid="overview-provisioning" label="Orders provisioning" count=c.provisioning.total_count href="/orders?status=PROVISIONING"/>
                        <Count testid="overview-failed" label="Orders failed" count=c.failed.total_count href="/orders?status=FAILED"/>
                        <Count testid="overview-awaiting-dns" label="Orders awaiting DNS" count=c.awaiting_dns.total_count href="/orders?status=AWAITING_DNS"/>
                    </div>
                })
            })}
        </Section>
    }
}

#[component]
fn Insights() -> impl IntoView {
    let auth = use_auth();
    let overview = LocalResource::new(move || async move {
        let today = (Date::now() / 86_400_000.0).floor() as i64;
        let (from, to) = last_days(today, DAYS);
        auth.call::<InsightsOverview>(insights_overview::Variables { from, to }).await.map(|d| d.insights_overview)
    });
    view! {
        <Section id="overview-insights" title="Last 30 days" more=Some(("/insights", "All insights"))>
            {move || Suspend::new(async move {
                let o = overview.await?;
                let days: Vec<String> = o.usage_per_day.iter().map(|d| d.day.clone()).collect();
                let tokens: Vec<f64> = o.usage_per_day.iter().map(|d| d.usage.tokens as f64).collect();
                let errors: Vec<f64> = o.sites_per_day.iter().map(|d| d.sites.errors_count as f64).collect();
                Ok::<_, ApiError>(view! {
                    <p class="hint">{format!("{} customers ({} new) · {} active orders", o.customers_total, o.customers_new, o.active_orders)}</p>
                    <BarChart title="Tokens per day" bars=daily(days.clone(), tokens) testid="insights-chart"/>
                    <BarChart title="Site errors per day" bars=daily(days, errors) testid="insights-chart"/>
                })
            })}
        </Section>
    }
}

#[component]
pub fn StaffOverview() -> impl IntoView {
    view! {
        <div class="dashboard-grid">
            <NeedsAttention/>
            <Insights/>
        </div>
    }
}
