//! Token usage this billing period: used of the allotment and a bar per day.

use super::section::{percent, Section};
use crate::auth::use_auth;
use crate::components::chart::{compact, Bar, BarChart};
use crate::error::ApiError;
use crate::gql::{usage, usage_period, Usage, UsagePeriod};
use crate::pages::usage::{slot_label, totals};
use leptos::prelude::*;

/// "1.2M of 15M tokens (8 %)", or without an allotment just the tokens used.
pub fn used_line(used: i64, allotment: i64, percent_used: Option<f64>) -> String {
    match percent(percent_used) {
        Some(p) if allotment > 0 => format!("{} of {} tokens ({p})", compact(used), compact(allotment)),
        _ => format!("{} tokens", compact(used)),
    }
}

#[component]
pub fn UsageThisPeriod() -> impl IntoView {
    let auth = use_auth();
    let data = LocalResource::new(move || async move {
        let customer_id = auth.user().map(|u| u.id).unwrap_or_default();
        let period = auth.call::<UsagePeriod>(usage_period::Variables { customer_id: customer_id.clone() }).await?.usage_summary;
        let variables = usage::Variables {
            customer_id,
            from: period.period_start.clone(),
            to: period.period_end.clone(),
            granularity: usage::UsageGranularity::DAY,
            group_by: Some(usage::UsageGroupBy::NONE),
        };
        let series = auth.call::<Usage>(variables).await?.usage.series;
        Ok::<_, ApiError>((period, series))
    });
    view! {
        <Section id="dashboard-usage" title="Usage this period" more=Some(("/usage", "Usage details"))>
            {move || Suspend::new(async move {
                let (period, series) = data.await?;
                let flat: Vec<(Vec<(String, i64)>, i64)> =
                    series.iter().map(|s| (s.points.iter().map(|p| (p.at.clone(), p.tokens)).collect(), s.total.tokens)).collect();
                let bars: Vec<Bar> = totals(&flat).into_iter().map(|(at, value)| Bar { label: slot_label(&at, false), value: value as f64 }).collect();
                Ok::<_, ApiError>(view! {
                    <p data-testid="dashboard-usage-used">{used_line(period.used_tokens, period.allotment_tokens, period.percent_used)}</p>
                    <p class="hint">
                        {format!("{} to {}", slot_label(&period.period_start, false), slot_label(&period.period_end, false))}
                        {period.runs_out_early.then_some(" · at the current rate the allotment runs out before the period ends")}
                    </p>
                    <div data-testid="dashboard-usage-chart"><BarChart bars title="Tokens per day this period" testid="usage-chart"/></div>
                })
            })}
        </Section>
    }
}

#[cfg(test)]
mod tests {
    use super::used_line;

    #[test]
    fn the_used_line_mentions_the_allotment_when_there_is_one() {
        assert_eq!(used_line(1_500, 3_000, Some(50.0)), "1.5k of 3k tokens (50 %)");
        assert_eq!(used_line(12, 0, None), "12 tokens");
    }
}
