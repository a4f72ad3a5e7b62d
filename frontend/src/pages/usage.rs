//! /usage (customers) and /customers/:id/usage (staff): token usage per agent
//! or model, daily, weekly or monthly — a bar chart of the totals and a table
//! of the series. The server decides whose usage a caller may read.

use crate::auth::use_auth;
use crate::components::chart::{compact, Bar, BarChart};
use crate::components::list::LoadError;
use crate::gql::{usage, Usage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use web_sys::js_sys::Date;
use web_sys::wasm_bindgen::JsValue;

/// The views the page offers: (label, granularity, days back).
const VIEWS: [(&str, &str, i64); 3] = [("Daily", "DAY", 30), ("Weekly", "WEEK", 84), ("Monthly", "MONTH", 365)];

fn granularity(wire: &str) -> usage::UsageGranularity {
    match wire {
        "WEEK" => usage::UsageGranularity::WEEK,
        "MONTH" => usage::UsageGranularity::MONTH,
        _ => usage::UsageGranularity::DAY,
    }
}

fn group_by(wire: &str) -> usage::UsageGroupBy {
    match wire {
        "MODEL" => usage::UsageGroupBy::MODEL,
        "NONE" => usage::UsageGroupBy::NONE,
        _ => usage::UsageGroupBy::AGENT,
    }
}

/// The instant `offset_ms` from now, as RFC 3339.
fn iso_from_now(offset_ms: f64) -> String {
    Date::new(&JsValue::from_f64(Date::now() + offset_ms)).to_iso_string().into()
}

/// A slot's label: the date, or the month for monthly views.
pub fn slot_label(at: &str, monthly: bool) -> String {
    at.get(..if monthly { 7 } else { 10 }).unwrap_or(at).to_owned()
}

/// The total of every series per slot.
pub fn totals(series: &[(Vec<(String, i64)>, i64)]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> =
        series.first().map(|(points, _)| points.iter().map(|(at, _)| (at.clone(), 0)).collect()).unwrap_or_default();
    for (points, _) in series {
        for (slot, (_, tokens)) in out.iter_mut().zip(points) {
            slot.1 += tokens;
        }
    }
    out
}

/// A customer's own usage.
#[component]
pub fn UsagePage() -> impl IntoView {
    view! { <UsageReport title="Usage"/> }
}

/// A customer's usage as staff see it, from the customer's page.
#[component]
pub fn CustomerUsagePage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id")).unwrap_or_default();
    view! {
        <p><A href=format!("/customers/{id}")>"← Customer"</A></p>
        <UsageReport title="Customer usage" customer_id=id/>
    }
}

/// The report for `customer_id`, or for the signed-in customer without one.
#[component]
fn UsageReport(title: &'static str, #[prop(optional, into)] customer_id: Option<String>) -> impl IntoView {
    let auth = use_auth();
    let customer_id = StoredValue::new(customer_id);
    let view_index = RwSignal::new(0usize);
    let grouping = RwSignal::new("AGENT".to_owned());
    let data = LocalResource::new(move || {
        let (_, wire, days) = VIEWS[view_index.get()];
        let group = grouping.get();
        async move {
            let customer_id = customer_id.get_value().or_else(|| auth.user().map(|u| u.id)).unwrap_or_default();
            let vars = usage::Variables {
                customer_id,
                from: iso_from_now(-(days as f64) * 86_400_000.0),
                to: iso_from_now(3_600_000.0),
                granularity: granularity(wire),
                group_by: Some(group_by(&group)),
            };
            auth.call::<Usage>(vars).await
        }
    });
    view! {
        <section class="card" data-testid="usage-report">
            <h1>{title}</h1>
            <div class="toolbar">
                <div role="group" aria-label="Period">
                    {VIEWS.iter().enumerate().map(|(i, (label, _, _))| view! {
                        <button type="button" class="secondary" aria-pressed=move || (view_index.get() == i).to_string()
                            data-testid=format!("usage-{}", label.to_lowercase()) on:click=move |_| view_index.set(i)>{*label}</button>
                    }).collect_view()}
                </div>
                <label for="usage-group">"Per"</label>
                <select id="usage-group" data-testid="usage-group" on:change=move |ev| grouping.set(event_target_value(&ev))>
                    <option value="AGENT">"Agent"</option>
                    <option value="MODEL">"Model"</option>
                    <option value="NONE">"All together"</option>
                </select>
            </div>
            {move || match data.get() {
                None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any()),
                Some(Err(error)) => Either::Left(view! { <LoadError error what="usage"/> }.into_any()),
                Some(Ok(d)) => Either::Right(report(d.usage.series, VIEWS[view_index.get_untracked()].1 == "MONTH")),
            }}
        </section>
    }
}

fn report(series: Vec<usage::UsageUsageSeries>, monthly: bool) -> impl IntoView {
    let flat: Vec<(Vec<(String, i64)>, i64)> =
        series.iter().map(|s| (s.points.iter().map(|p| (p.at.clone(), p.tokens)).collect(), s.total.tokens)).collect();
    let bars: Vec<Bar> =
        totals(&flat).into_iter().map(|(at, value)| Bar { label: slot_label(&at, monthly), value: value as f64 }).collect();
    let all: i64 = series.iter().map(|s| s.total.tokens).sum();
    if all == 0 {
        return Either::Left(view! { <p class="hint" data-testid="usage-empty">"No token usage in this range yet."</p> });
    }
    let rows = series
        .into_iter()
        .map(|s| {
            let share = format!("{:.0} %", s.total.tokens as f64 * 100.0 / all as f64);
            view! {
                <tr data-testid="usage-row">
                    <td>{s.key}</td>
                    <td class="num" title=s.total.tokens.to_string()>{compact(s.total.tokens)}</td>
                    <td class="num">{share}</td>
                </tr>
            }
        })
        .collect_view();
    Either::Right(view! {
        <BarChart bars title="Tokens per period" testid="usage-chart"/>
        <table>
            <thead><tr><th>"Series"</th><th class="num">"Tokens"</th><th class="num">"Share"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_add_up_per_slot() {
        let a = (vec![("d1".to_owned(), 5), ("d2".to_owned(), 0)], 5);
        let b = (vec![("d1".to_owned(), 1), ("d2".to_owned(), 2)], 3);
        assert_eq!(totals(&[a, b]), [("d1".to_owned(), 6), ("d2".to_owned(), 2)]);
        assert!(totals(&[]).is_empty());
    }

    #[test]
    fn labels_follow_the_view() {
        assert_eq!(slot_label("2026-11-01T00:00:00+00:00", true), "2026-11");
        assert_eq!(slot_label("2026-11-16T00:00:00+00:00", false), "2026-11-16");
    }
}
