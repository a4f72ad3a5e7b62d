//! The metering part of /billing: the current period with its allotment bar,
//! overage and forecast, and the history of periods (paged).

use crate::auth::use_auth;
use crate::components::chart::compact;
use crate::components::list::{LoadError, Pager, Paging};
use crate::gql::{billing_usage, BillingUsage};
use leptos::either::Either;
use leptos::prelude::*;
use web_sys::js_sys::Date;

/// 1250 eur → "12.50 EUR".
pub fn money(minor: i64, currency: &str) -> String {
    format!("{}.{:02} {}", minor / 100, minor % 100, currency.to_uppercase())
}

/// The allotment bar's fill, 0 to 100.
pub fn fill(percent: Option<f64>) -> f64 {
    percent.unwrap_or(0.0).clamp(0.0, 100.0)
}

/// "exhausted in ~3 days" for `ms` milliseconds ahead.
pub fn in_days(ms: f64) -> String {
    let days = (ms / 86_400_000.0).round().max(0.0) as i64;
    match days {
        0 => "exhausted within a day".to_owned(),
        1 => "exhausted in ~1 day".to_owned(),
        n => format!("exhausted in ~{n} days"),
    }
}

fn status_label(status: &billing_usage::BillingPeriodStatus) -> &'static str {
    match status {
        billing_usage::BillingPeriodStatus::OPEN => "Open",
        billing_usage::BillingPeriodStatus::CLOSED => "Closed",
        billing_usage::BillingPeriodStatus::INVOICED => "Invoiced",
        billing_usage::BillingPeriodStatus::PAID => "Paid",
        _ => "Unknown",
    }
}

fn forecast(at: Option<String>) -> Option<String> {
    let at = at?;
    Some(format!("At the last 24 hours' rate: {} ({}).", in_days(Date::parse(&at) - Date::now()), &at.get(..10).unwrap_or(&at)))
}

#[component]
pub fn PeriodSection() -> impl IntoView {
    let auth = use_auth();
    let paging = Paging::new();
    let data = LocalResource::new(move || {
        let after = paging.after.get();
        async move {
            let customer_id = auth.user().map(|u| u.id).unwrap_or_default();
            auth.call::<BillingUsage>(billing_usage::Variables { customer_id, first: Some(12), after }).await
        }
    });
    move || match data.get() {
        None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any()),
        Some(Err(error)) => Either::Left(view! { <LoadError error what="usage"/> }.into_any()),
        Some(Ok(d)) => Either::Right(view! {
            <Current summary=d.usage_summary/>
            <History periods=d.billing_periods.edges.into_iter().map(|e| e.node).collect()/>
            <Pager paging has_next=d.billing_periods.page_info.has_next_page end_cursor=d.billing_periods.page_info.end_cursor
                total=d.billing_periods.total_count testid="periods-pager"/>
        }),
    }
}

#[component]
fn Current(summary: billing_usage::BillingUsageUsageSummary) -> impl IntoView {
    let s = summary;
    let width = format!("width: {:.1}%", fill(s.percent_used));
    let used = format!(
        "{} of {} tokens{}",
        compact(s.used_tokens),
        compact(s.allotment_tokens),
        s.percent_used.map(|p| format!(" ({p:.0} %)")).unwrap_or_default()
    );
    let overage = (s.overage_tokens > 0)
        .then(|| format!("Overage: {} tokens, about {} so far.", compact(s.overage_tokens), money(s.overage_amount_minor, &s.currency)));
    let warning = if s.runs_out_early { forecast(s.forecast24h.exhausted_at) } else { None };
    view! {
        <h2>"This period"</h2>
        <p class="hint">{format!("{} – {}", s.period_start.get(..10).unwrap_or(""), s.period_end.get(..10).unwrap_or(""))}</p>
        <div class="meter" role="progressbar" aria-label="Token allotment used" aria-valuemin="0" aria-valuemax="100"
            aria-valuenow=fill(s.percent_used).to_string() data-testid="allotment-bar">
            <div class="meter-fill" style=width></div>
        </div>
        <p data-testid="allotment-used">{used}</p>
        {overage.map(|o| view! { <p class="notice" data-testid="overage">{o}</p> })}
        {warning.map(|w| view! { <p class="notice" role="status" data-testid="forecast">{w}</p> })}
    }
}

#[component]
fn History(periods: Vec<billing_usage::BillingUsageBillingPeriodsEdgesNode>) -> impl IntoView {
    let rows = periods
        .into_iter()
        .map(|p| {
            view! {
                <tr data-testid="period-row">
                    <td>{format!("{} – {}", p.period_start.get(..10).unwrap_or(""), p.period_end.get(..10).unwrap_or(""))}</td>
                    <td>{status_label(&p.status)}</td>
                    <td class="num">{compact(p.used_tokens)}" / "{compact(p.allotment_tokens)}</td>
                    <td class="num">{compact(p.overage_tokens)}</td>
                    <td class="num">{money(p.overage_amount_minor, &p.currency)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>"History"</h2>
        <table>
            <thead><tr><th>"Period"</th><th>"Status"</th><th class="num">"Used"</th><th class="num">"Overage"</th><th class="num">"Charged"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_fill_and_days() {
        assert_eq!(money(1250, "eur"), "12.50 EUR");
        assert_eq!((fill(Some(140.0)), fill(None), fill(Some(42.5))), (100.0, 0.0, 42.5));
        assert_eq!(in_days(3.2 * 86_400_000.0), "exhausted in ~3 days");
        assert_eq!(in_days(3_600_000.0), "exhausted within a day");
    }
}
