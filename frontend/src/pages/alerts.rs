//! /alerts: what needs looking at, newest first, filtered by severity and by
//! whether it is still open (neither acknowledged nor resolved by itself). The list reloads when a live alert
//! arrives. Customers see their own alerts; staff see all (the server narrows).

use crate::auth::use_auth;
use crate::components::form::{action_error, FormAlert};
use crate::components::list::{load_error, when, Loading, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::domain::AlertSeverity;
use crate::error::ApiError;
use crate::gql::{acknowledge_alert, alerts, AcknowledgeAlert, Alerts};
use crate::live::alerts::use_alert_feed;
use leptos::prelude::*;

type Row = alerts::AlertsAlertsNodes;

/// The status filter's values as the query's `(acknowledged, open)`: open
/// (the default), acknowledged, resolved or acknowledged (closed), or all.
fn status_filter(value: &str) -> (Option<bool>, Option<bool>) {
    match value {
        "OPEN" => (None, Some(true)),
        "ACKNOWLEDGED" => (Some(true), None),
        "CLOSED" => (None, Some(false)),
        _ => (None, None),
    }
}

/// The badge colour of a severity, reusing the status palette (also on the dashboard).
pub fn severity_wire(severity: AlertSeverity) -> &'static str {
    match severity {
        AlertSeverity::Info => "ACTIVE",
        AlertSeverity::Warning => "PENDING",
        AlertSeverity::Critical => "FAILED",
    }
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let auth = use_auth();
    let feed = use_alert_feed();
    let status = RwSignal::new("OPEN".to_owned());
    let severity = RwSignal::new(None::<AlertSeverity>);
    let paging = Paging::new();
    let list = LocalResource::new(move || {
        if let Some(feed) = feed {
            feed.arrivals.track();
        }
        let (acknowledged, open) = status_filter(&status.get());
        let variables =
            alerts::Variables { first: Some(PAGE_SIZE), after: paging.after.get(), acknowledged, open, severity: severity.get() };
        async move { auth.call::<Alerts>(variables).await.map(|d| d.alerts) }
    });
    let on_severity = move |ev| {
        paging.reset();
        severity.set(AlertSeverity::parse(&event_target_value(&ev)));
    };

    view! {
        <h1>"Alerts"</h1>
        <form class="card filters" role="search" on:submit=|ev| ev.prevent_default() data-testid="alert-filters">
            <div class="field">
                <label for="alert-status">"Status"</label>
                <select id="alert-status" data-testid="alert-status" bind:value=status on:change=move |_| paging.reset()>
                    <option value="OPEN">"Open"</option>
                    <option value="ACKNOWLEDGED">"Acknowledged"</option>
                    <option value="CLOSED">"Acknowledged or resolved"</option>
                    <option value="">"All"</option>
                </select>
            </div>
            <div class="field">
                <label for="alert-severity">"Severity"</label>
                <select id="alert-severity" data-testid="alert-severity" on:change=on_severity>
                    <option value="">"Any severity"</option>
                    {AlertSeverity::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
        </form>
        <Transition fallback=Loading>
            <ErrorBoundary fallback=load_error>
                {move || Suspend::new(async move {
                    let page = list.await?;
                    Ok::<_, ApiError>(view! {
                        {page.nodes.is_empty().then(|| view! { <p class="card hint" data-testid="alerts-empty">"No alerts match."</p> })}
                        <ul class="rows" data-testid="alerts-list">
                            {page.nodes.into_iter().map(|row| view! { <AlertRow row/> }).collect_view()}
                        </ul>
                        <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor total=page.total_count/>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn AlertRow(row: Row) -> impl IntoView {
    let auth = use_auth();
    let feed = use_alert_feed();
    let acknowledged_at = RwSignal::new(row.acknowledged_at.clone());
    let resolved_at = row.resolved_at.clone();
    let id = StoredValue::new(row.id.clone());
    let acknowledge = Action::new_local(move |_: &()| async move {
        let data = auth.call::<AcknowledgeAlert>(acknowledge_alert::Variables { id: id.get_value() }).await?;
        acknowledged_at.set(data.acknowledge_alert.acknowledged_at);
        if let Some(feed) = feed {
            feed.recount(auth);
        }
        Ok::<_, ApiError>(())
    });
    let error = action_error(acknowledge);
    let subject = row.subject_type.clone().map(|kind| format!("{kind} {}", row.subject_id.clone().unwrap_or_default()));
    view! {
        <li class="card row" data-testid="alert-row" data-alert-id=row.id.clone()>
            <p>
                <StatusBadge wire=severity_wire(row.severity) label=row.severity.label()/>
                " " <code data-testid="alert-type">{row.type_.clone()}</code>
                {subject.map(|s| view! { " · " <span class="hint">{s}</span> })}
            </p>
            <p data-testid="alert-message">{row.message.clone()}</p>
            <p class="hint">"Raised " {when(&row.created_at)}</p>
            {move || match (acknowledged_at.get(), resolved_at.clone()) {
                (Some(at), _) => view! { <p class="hint" data-testid="alert-acknowledged">"Acknowledged " {when(&at)}</p> }.into_any(),
                (None, Some(at)) => view! {
                    <p class="hint" data-testid="alert-resolved">"Resolved " {when(&at)} " (the condition cleared by itself)"</p>
                }.into_any(),
                (None, None) => view! {
                    <button type="button" data-testid="alert-acknowledge" disabled=move || acknowledge.pending().get()
                        on:click=move |_| { acknowledge.dispatch(()); }>"Acknowledge"</button>
                }.into_any(),
            }}
            <FormAlert error/>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_filter_maps_to_acknowledged_and_open() {
        assert_eq!(status_filter("OPEN"), (None, Some(true)));
        assert_eq!(status_filter("ACKNOWLEDGED"), (Some(true), None));
        assert_eq!(status_filter("CLOSED"), (None, Some(false)));
        assert_eq!(status_filter(""), (None, None));
    }

    #[test]
    fn critical_alerts_look_like_failures() {
        assert_eq!(severity_wire(AlertSeverity::Critical), "FAILED");
        assert_eq!(severity_wire(AlertSeverity::Info), "ACTIVE");
    }
}
