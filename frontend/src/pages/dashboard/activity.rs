//! Recent activity: the viewer's five newest alerts, reloaded as new ones
//! arrive on the live feed.

use super::section::Section;
use crate::auth::use_auth;
use crate::components::list::{when, StatusBadge};
use crate::error::ApiError;
use crate::gql::{alerts, Alerts};
use crate::live::alerts::use_alert_feed;
use crate::pages::alerts::severity_wire;
use leptos::prelude::*;

/// Alerts the section shows.
const RECENT: i64 = 5;

#[component]
pub fn Activity() -> impl IntoView {
    let auth = use_auth();
    let arrivals = use_alert_feed().map(|feed| feed.arrivals);
    let recent = LocalResource::new(move || {
        if let Some(arrivals) = arrivals {
            arrivals.track();
        }
        let variables = alerts::Variables { first: Some(RECENT), after: None, acknowledged: None, open: None, severity: None };
        async move { auth.call::<Alerts>(variables).await }
    });
    view! {
        <Section id="dashboard-activity" title="Recent activity" more=Some(("/alerts", "All alerts"))>
            {move || Suspend::new(async move {
                let page = recent.await?.alerts;
                Ok::<_, ApiError>(if page.nodes.is_empty() {
                    view! { <p class="hint" data-testid="dashboard-no-activity">"Nothing has happened yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="rows">
                            {page.nodes.into_iter().map(|a| view! {
                                <li class="row" data-testid="dashboard-alert" data-severity=a.severity.as_str()>
                                    <StatusBadge wire=severity_wire(a.severity) label=a.severity.label()/>
                                    " " {a.message} " " <span class="hint">{when(&a.created_at)}</span>
                                    {a.acknowledged_at.is_some().then(|| view! { " " <span class="hint">"(acknowledged)"</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                        <p class="hint">{format!("{} in total", page.total_count)}</p>
                    }.into_any()
                })
            })}
        </Section>
    }
}
