//! /sync-log (staff): every bridge call in both directions, newest first,
//! filtered by direction and project. Bodies and secrets are never logged.

use crate::auth::use_auth;
use crate::components::list::{load_error, when, Loading, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::domain::SyncDirection;
use crate::error::ApiError;
use crate::gql::{sync_logs, SyncLogs};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// An outbound call that got no answer is logged with status 0.
fn status_label(status: i64) -> String {
    if status == 0 {
        "no answer".to_owned()
    } else {
        format!("HTTP {status}")
    }
}

#[component]
pub fn SyncLogPage() -> impl IntoView {
    let auth = use_auth();
    let project_input = RwSignal::new(String::new());
    let project = RwSignal::new(String::new());
    let direction = RwSignal::new(None::<SyncDirection>);
    let paging = Paging::new();
    let log = LocalResource::new(move || {
        let variables = sync_logs::Variables {
            first: Some(PAGE_SIZE),
            after: paging.after.get(),
            project: Some(project.get()).filter(|p| !p.is_empty()),
            direction: direction.get(),
        };
        async move { auth.call::<SyncLogs>(variables).await.map(|d| d.sync_logs) }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        paging.reset();
        project.set(project_input.get_untracked().trim().to_owned());
    };
    let on_direction = move |ev| {
        paging.reset();
        direction.set(SyncDirection::parse(&event_target_value(&ev)));
    };

    view! {
        <h1>"Sync log"</h1>
        <form class="card filters" role="search" on:submit=on_submit data-testid="sync-log-filters">
            <div class="field">
                <label for="sync-direction">"Direction"</label>
                <select id="sync-direction" on:change=on_direction data-testid="sync-direction">
                    <option value="">"Both directions"</option>
                    {SyncDirection::ALL.iter().map(|d| view! { <option value=d.as_str()>{d.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="sync-project">"Project"</label>
                <input id="sync-project" type="search" placeholder="Project slug" bind:value=project_input data-testid="sync-project"/>
            </div>
            <button type="submit" class="secondary">"Filter"</button>
        </form>
        <Transition fallback=Loading>
            <ErrorBoundary fallback=load_error>
                {move || Suspend::new(async move {
                    let page = log.await?;
                    Ok::<_, ApiError>(view! {
                        {page.nodes.is_empty().then(|| view! { <p class="card hint" data-testid="sync-log-empty">"No calls match."</p> })}
                        <ul class="rows card" data-testid="sync-log-list">
                            {page.nodes.into_iter().map(|l| {
                                let ok = l.error_code.is_none();
                                let error = l.error_code.map(|code| format!("{code}: {}", l.error_message.unwrap_or_default()));
                                view! {
                                    <li class="row" data-testid="sync-log-row">
                                        <p>
                                            <StatusBadge wire=if ok { "ACTIVE" } else { "FAILED" } label=l.direction.label()/>
                                            " " <code>{l.project_slug}</code> " " <code>{l.endpoint}</code>
                                        </p>
                                        <p class="hint">{when(&l.created_at)} " · " {status_label(l.status)} " · " {l.latency_ms} " ms"</p>
                                        {error.map(|e| view! { <p class="field-error">{e}</p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor total=page.total_count/>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::status_label;

    #[test]
    fn a_call_without_an_answer_says_so() {
        assert_eq!(status_label(0), "no answer");
        assert_eq!(status_label(401), "HTTP 401");
    }
}
