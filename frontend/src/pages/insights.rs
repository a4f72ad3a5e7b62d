//! /insights (staff): the platform overview over a range of days — customers,
//! growth, churn, orders, MRR and revenue (ADMIN and above; null for the other
//! roles, shown as "—"), token usage and site errors, with a chart per day.
//! /projects/:slug/insights: one bridge project's sites, licences and
//! telemetry, per day and per site. Ranges are whole UTC days; the API takes
//! `to` as the first day after the range.

use crate::auth::use_auth;
use crate::components::chart::{compact, daily, BarChart};
use crate::components::list::LoadError;
use crate::gql::{insights_overview, project_insights, InsightsOverview, ProjectInsights};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day number of `YYYY-MM-DD`, if it is one.
pub fn parse_day(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let days_in = [31, if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    ((1..=12).contains(&m) && d >= 1 && d <= days_in[m as usize - 1]).then(|| days_from_civil(y, m, d))
}

/// The last `days` days up to and including `today`, as the API's `[from, to)`.
pub fn last_days(today: i64, days: i64) -> (String, String) {
    (format_day(today - days + 1), format_day(today + 1))
}

/// The API range for a picked first and last day (both included); `None` when
/// they are not days or the last comes before the first.
pub fn picked_range(first: &str, last: &str) -> Option<(String, String)> {
    let (first, last) = (parse_day(first)?, parse_day(last)?);
    (first <= last).then(|| (format_day(first), format_day(last + 1)))
}

/// `1234` cents of `usd` → `USD 12.34`.
pub fn money(amount_minor: i64, currency: &str) -> String {
    let sign = if amount_minor < 0 { "-" } else { "" };
    let abs = amount_minor.unsigned_abs();
    format!("{} {sign}{}.{:02}", currency.to_uppercase(), abs / 100, abs % 100)
}

/// `0.125` → `12.5 %`; null → `—`.
pub fn percent(ratio: Option<f64>) -> String {
    ratio.map(|r| format!("{:.1} %", r * 100.0)).unwrap_or_else(|| "—".to_owned())
}

fn today() -> i64 {
    (date_now() / 86_400_000.0).floor() as i64
}

#[component]
fn Card(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="insight-card" data-testid="insight-card">
            <div class="hint">{label}</div>
            <div class="value">{value}</div>
        </div>
    }
}

/// Presets and a first/last day picker; sets `range` to the API's `[from, to)`.
#[component]
fn RangePicker(range: RwSignal<(String, String)>) -> impl IntoView {
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let preset = move |days: i64| move |_| range.set(last_days(today(), days));
    view! {
        <div class="filters" data-testid="range-picker">
            <button type="button" class="secondary" on:click=preset(7)>"7 days"</button>
            <button type="button" class="secondary" on:click=preset(30)>"30 days"</button>
            <button type="button" class="secondary" on:click=preset(90)>"90 days"</button>
            <button type="button" class="secondary" on:click=preset(365)>"365 days"</button>
            <label class="field">"First day"
                <input type="date" prop:value=first on:input=move |e| first.set(event_target_value(&e))/>
            </label>
            <label class="field">"Last day"
                <input type="date" prop:value=last on:input=move |e| last.set(event_target_value(&e))/>
            </label>
            <button type="button" on:click=move |_| match picked_range(&first.get(), &last.get()) {
                Some(r) => { invalid.set(false); range.set(r); }
                None => invalid.set(true),
            }>"Show"</button>
        </div>
        <Show when=move || invalid.get()>
            <p class="field-error">"Pick a first day and a last day on or after it."</p>
        </Show>
        <p class="hint">{move || { let (f, t) = range.get(); format!("From {f} up to (not including) {t}, UTC.") }}</p>
    }
}

fn money_list(list: Option<Vec<(i64, String)>>) -> String {
    match list {
        None => "—".to_owned(),
        Some(l) if l.is_empty() => "0".to_owned(),
        Some(l) => l.iter().map(|(a, c)| money(*a, c)).collect::<Vec<_>>().join(" · "),
    }
}

/// The revenue per day of the range in one currency (the first one reported).
pub fn revenue_series(days: &[String], per_day: &[(String, String, i64)]) -> (Option<String>, Vec<f64>) {
    let currency = per_day.first().map(|(_, c, _)| c.clone());
    let values = days
        .iter()
        .map(|d| per_day.iter().filter(|(day, c, _)| day == d && Some(c) == currency.as_ref()).map(|(_, _, a)| *a as f64 / 100.0).sum())
        .collect();
    (currency, values)
}

#[component]
pub fn InsightsPage() -> impl IntoView {
    let auth = use_auth();
    let range = RwSignal::new(last_days(today(), 30));
    let data = LocalResource::new(move || {
        let (from, to) = range.get();
        async move { auth.call::<InsightsOverview>(insights_overview::Variables { from, to }).await.map(|d| d.insights_overview) }
    });
    view! {
        <section class="card">
            <h1>"Insights"</h1>
            <RangePicker range/>
            {move || match data.get() {
                None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading insights…"</p> }.into_any()),
                Some(Err(error)) => Either::Left(view! { <LoadError error what="insights"/> }.into_any()),
                Some(Ok(o)) => Either::Right(overview_view(o)),
            }}
        </section>
    }
}

fn overview_view(o: insights_overview::InsightsOverviewInsightsOverview) -> impl IntoView {
    let days: Vec<String> = o.usage_per_day.iter().map(|d| d.day.clone()).collect();
    let tokens: Vec<f64> = o.usage_per_day.iter().map(|d| d.usage.tokens as f64).collect();
    let errors: Vec<f64> = o.sites_per_day.iter().map(|d| d.sites.errors_count as f64).collect();
    let per_day: Option<Vec<(String, String, i64)>> =
        o.revenue_per_day.map(|l| l.into_iter().map(|d| (d.day, d.currency, d.amount_minor)).collect());
    let mrr = money_list(o.mrr.map(|l| l.into_iter().map(|m| (m.amount_minor, m.currency)).collect()));
    let revenue = money_list(o.revenue.map(|l| l.into_iter().map(|m| (m.amount_minor, m.currency)).collect()));
    let revenue_chart = per_day.map(|per_day| {
        let (currency, values) = revenue_series(&days, &per_day);
        let title = if currency.is_some() { "Revenue per day" } else { "Revenue per day (none)" };
        view! { <BarChart title bars=daily(days.clone(), values) testid="insights-chart"/> }
    });
    view! {
        <div class="insight-cards">
            <Card label="Customers" value=o.customers_total.to_string()/>
            <Card label="New customers" value=format!("{} (before: {})", o.customers_new, o.customers_new_previous)/>
            <Card label="Growth" value=percent(o.growth)/>
            <Card label="Churn" value=format!("{} ({} of {})", percent(o.churn), o.subscriptions_cancelled, o.subscriptions_active_at_start)/>
            <Card label="Active orders" value=o.active_orders.to_string()/>
            <Card label="MRR" value=mrr/>
            <Card label="Revenue" value=revenue/>
            <Card label="Tokens" value=compact(o.usage.tokens)/>
            <Card label="Token cost" value=money(o.usage.cost_cents, "usd")/>
            <Card label="Site requests" value=compact(o.sites.requests_count)/>
            <Card label="Site errors" value=compact(o.sites.errors_count)/>
        </div>
        <BarChart title="Tokens per day" bars=daily(days.clone(), tokens) testid="insights-chart"/>
        {revenue_chart}
        <BarChart title="Site errors per day" bars=daily(days, errors) testid="insights-chart"/>
    }
    .into_any()
}

#[component]
pub fn ProjectInsightsPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default());
    let range = RwSignal::new(last_days(today(), 30));
    let data = LocalResource::new(move || {
        let (from, to) = range.get();
        let slug = slug.get();
        async move { auth.call::<ProjectInsights>(project_insights::Variables { slug, from, to }).await.map(|d| d.project_insights) }
    });
    view! {
        <section class="card">
            <h1>"Project insights: " <code>{slug}</code></h1>
            <p><A href="/projects">"← Projects"</A></p>
            <RangePicker range/>
            {move || match data.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading insights…"</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="project"/> }.into_any(),
                Some(Ok(None)) => view! { <p data-testid="empty">"No such project."</p> }.into_any(),
                Some(Ok(Some(p))) => project_view(p).into_any(),
            }}
        </section>
    }
}

fn project_view(p: project_insights::ProjectInsightsProjectInsights) -> impl IntoView {
    let i = p.insights;
    let statuses = |l: Vec<(String, i64)>| {
        if l.is_empty() {
            "none".to_owned()
        } else {
            l.iter().map(|(s, c)| format!("{c} {}", s.to_lowercase())).collect::<Vec<_>>().join(", ")
        }
    };
    let sites = statuses(i.sites_by_status.into_iter().map(|s| (s.status, s.count)).collect());
    let licenses = statuses(i.licenses_by_status.into_iter().map(|s| (s.status, s.count)).collect());
    let days: Vec<String> = i.per_day.iter().map(|d| d.day.clone()).collect();
    let requests: Vec<f64> = i.per_day.iter().map(|d| d.sites.requests_count as f64).collect();
    let errors: Vec<f64> = i.per_day.iter().map(|d| d.sites.errors_count as f64).collect();
    let t = i.totals;
    view! {
        <h2>{p.project.name}</h2>
        <div class="insight-cards">
            <Card label="Sites" value=sites/>
            <Card label="Licences" value=licenses/>
            <Card label="Requests" value=compact(t.requests_count)/>
            <Card label="Errors" value=compact(t.errors_count)/>
            <Card label="Orders on sites" value=compact(t.orders_count)/>
            <Card label="New users" value=compact(t.new_users_count)/>
            <Card label="Telemetry windows" value=t.windows.to_string()/>
        </div>
        <BarChart title="Requests per day" bars=daily(days.clone(), requests) testid="insights-chart"/>
        <BarChart title="Errors per day" bars=daily(days, errors) testid="insights-chart"/>
        <div class="table-wrap">
            <table data-testid="site-breakdown">
                <thead><tr><th>"Site"</th><th>"Vendor"</th><th>"Requests"</th><th>"Errors"</th><th>"Orders"</th></tr></thead>
                <tbody>
                    {i.per_site.into_iter().map(|s| view! {
                        <tr>
                            <td><code>{s.site_slug}</code></td>
                            <td>{s.vendor_id}</td>
                            <td>{s.totals.requests_count}</td>
                            <td>{s.totals.errors_count}</td>
                            <td>{s.totals.orders_count}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 11, 22), 20_779);
        assert_eq!(format_day(20_779), "2026-11-22");
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(format_day(-1), "1969-12-31");
        assert_eq!(parse_day("2026-03-01"), Some(days_from_civil(2026, 3, 1)));
        assert_eq!(parse_day("2026-02-29"), None);
        assert_eq!(parse_day("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(parse_day("nope"), None);
    }

    #[test]
    fn ranges_for_the_api() {
        let today = days_from_civil(2026, 3, 31);
        assert_eq!(last_days(today, 30), ("2026-03-02".to_owned(), "2026-04-01".to_owned()));
        assert_eq!(picked_range("2026-03-01", "2026-03-01"), Some(("2026-03-01".to_owned(), "2026-03-02".to_owned())));
        assert_eq!(picked_range("2026-03-02", "2026-03-01"), None);
        assert_eq!(picked_range("", "2026-03-01"), None);
    }

    #[test]
    fn money_and_percent() {
        assert_eq!(money(123_456, "usd"), "USD 1234.56");
        assert_eq!(money(-5, "eur"), "EUR -0.05");
        assert_eq!(percent(Some(0.125)), "12.5 %");
        assert_eq!(percent(None), "—");
        assert_eq!(money_list(None), "—");
        assert_eq!(money_list(Some(vec![(100, "usd".into()), (250, "eur".into())])), "USD 1.00 · EUR 2.50");
    }

    #[test]
    fn revenue_in_one_currency_per_day() {
        let days = vec!["2026-03-01".to_owned(), "2026-03-02".to_owned()];
        let per_day = vec![
            ("2026-03-02".to_owned(), "usd".to_owned(), 250),
            ("2026-03-02".to_owned(), "eur".to_owned(), 999),
            ("2026-03-01".to_owned(), "usd".to_owned(), 100),
        ];
        assert_eq!(revenue_series(&days, &per_day), (Some("usd".to_owned()), vec![1.0, 2.5]));
        assert_eq!(revenue_series(&days, &[]), (None, vec![0.0, 0.0]));
    }
}
