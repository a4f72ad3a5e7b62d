//! The provisioning log (oldest line first, appended as the run goes on) and
//! the list of provisioning runs.

use crate::auth::use_auth;
use crate::components::list::{when, LoadError, StatusBadge};
use crate::error::ApiError;
use crate::gql::{provisioning_jobs, provisioning_log, ProvisioningJobs, ProvisioningLog};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

type Line = provisioning_log::ProvisioningLogProvisioningLogNodes;

/// Lines fetched per request while catching up.
const BATCH: i64 = 100;

/// Shows the log; each change of `tick` fetches the lines after the last one seen.
#[component]
pub fn ProvisioningLogSection(order_id: String, tick: RwSignal<u32>) -> impl IntoView {
    let auth = use_auth();
    let lines = RwSignal::new(Vec::<Line>::new());
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    let cursor = StoredValue::new(None::<String>);
    let fetching = StoredValue::new(false);
    let order_id = StoredValue::new(order_id);

    let fetch_new = move || {
        if fetching.get_value() {
            return;
        }
        fetching.set_value(true);
        spawn_local(async move {
            let result = catch_up(auth, order_id.get_value(), cursor, lines).await;
            let _ = fetching.try_set_value(false);
            let _ = error.try_set(result.err());
            let _ = loaded.try_set(true);
        });
    };
    Effect::new(move |_| {
        tick.track();
        fetch_new();
    });

    view! {
        <section class="card" aria-labelledby="log-title">
            <h2 id="log-title">"Provisioning log"</h2>
            {move || error.get().map(|error| view! { <LoadError error what="provisioning log"/> })}
            {move || {
                if !loaded.get() {
                    Either::Left(view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any())
                } else if lines.with(Vec::is_empty) {
                    Either::Left(view! { <p data-testid="log-empty">"Nothing has been logged yet."</p> }.into_any())
                } else {
                    Either::Right(())
                }
            }}
            <ol class="log" data-testid="provisioning-log" aria-live="polite">
                <For each=move || lines.get() key=|line| line.id.clone() let:line>
                    <li class="log-line" data-level=line.level.as_str() data-testid="log-line">
                        <time>{when(&line.created_at)}</time>
                        <span class="log-level">{line.level.label()}</span>
                        <span class="log-message">{line.message}</span>
                    </li>
                </For>
            </ol>
        </section>
    }
}

/// Pages through everything after `cursor`, appending to `lines`.
async fn catch_up(
    auth: crate::auth::Auth,
    order_id: String,
    cursor: StoredValue<Option<String>>,
    lines: RwSignal<Vec<Line>>,
) -> Result<(), ApiError> {
    loop {
        let after = cursor.try_get_value().flatten();
        let variables = provisioning_log::Variables { order_id: order_id.clone(), first: Some(BATCH), after };
        let page = auth.call::<ProvisioningLog>(variables).await?.provisioning_log;
        if !page.nodes.is_empty() && lines.try_update(|l| l.extend(page.nodes)).is_none() {
            return Ok(()); // The page was left meanwhile.
        }
        if let Some(end) = page.page_info.end_cursor {
            cursor.try_set_value(Some(end));
        }
        if !page.page_info.has_next_page {
            return Ok(());
        }
    }
}

/// The runs of the provisioning driver, newest first (staff).
#[component]
pub fn ProvisioningJobsSection(order_id: String) -> impl IntoView {
    let auth = use_auth();
    let order_id = StoredValue::new(order_id);
    let jobs = LocalResource::new(move || {
        let order_id = order_id.get_value();
        async move { auth.call::<ProvisioningJobs>(provisioning_jobs::Variables { order_id }).await.map(|d| d.provisioning_jobs) }
    });
    view! {
        <section class="card" aria-labelledby="jobs-title">
            <h2 id="jobs-title">"Provisioning runs"</h2>
            {move || match jobs.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="provisioning runs"/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p data-testid="jobs-empty">"No runs yet."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap">
                        <table data-testid="provisioning-jobs">
                            <thead><tr><th>"Driver"</th><th>"Status"</th><th>"Started"</th><th>"Finished"</th><th>"Error"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|j| view! {
                                    <tr data-testid="job-row">
                                        <td>{j.driver}</td>
                                        <td><StatusBadge wire=j.status.as_str() label=j.status.label()/></td>
                                        <td>{j.started_at.as_deref().map(when).unwrap_or_else(|| "—".into())}</td>
                                        <td>{j.finished_at.as_deref().map(when).unwrap_or_else(|| "—".into())}</td>
                                        <td>{j.error.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
