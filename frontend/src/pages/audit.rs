//! /audit (ADMIN+): the audit log, newest first, filtered by action (exact,
//! or a family such as `login.`), actor and a date range.

use crate::auth::use_auth;
use crate::components::list::{load_error, when, Loading, Pager, Paging, PAGE_SIZE};
use crate::error::ApiError;
use crate::gql::{audit_log, staff_members, AuditLog, StaffMembers};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

#[derive(Clone, Default, PartialEq)]
struct Filters {
    action: String,
    actor: String,
    from: String,
    to: String,
}

fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A `<input type=date>` value as the start of that day, UTC.
fn day(s: &str) -> Option<String> {
    some(s).map(|d| format!("{d}T00:00:00Z"))
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let auth = use_auth();
    let (action, actor, from, to) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let applied = RwSignal::new(Filters::default());
    let cursor = Paging::new();
    let log = LocalResource::new(move || {
        let f = applied.get();
        let variables = audit_log::Variables {
            first: Some(PAGE_SIZE),
            after: cursor.after.get(),
            action: some(&f.action),
            actor_id: some(&f.actor),
            from: day(&f.from),
            to: day(&f.to),
        };
        async move { auth.call::<AuditLog>(variables).await }
    });
    // Actors to filter by: the staff (customers act too, but rarely need this).
    let staff = LocalResource::new(move || async move {
        auth.call::<StaffMembers>(staff_members::Variables { first: Some(100), after: None })
            .await
            .map(|d| d.staff_members.nodes)
            .unwrap_or_default()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        cursor.reset();
        applied.set(Filters {
            action: action.get_untracked(),
            actor: actor.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
        });
    };

    view! {
        <h1>"Audit log"</h1>
        <form class="card filters" on:submit=on_submit data-testid="audit-filters">
            <div class="field">
                <label for="audit-action">"Action"</label>
                <p class="hint" id="audit-action-hint">"Exact, or a family ending in a dot, e.g. login."</p>
                <input id="audit-action" data-testid="audit-action" bind:value=action aria-describedby="audit-action-hint"/>
            </div>
            <div class="field">
                <label for="audit-actor">"Actor"</label>
                <select id="audit-actor" data-testid="audit-actor" bind:value=actor>
                    <option value="">"Anyone"</option>
                    {move || staff.get().unwrap_or_default().into_iter()
                        .map(|s| view! { <option value=s.id>{format!("{} <{}>", s.name, s.email)}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-from">"From (inclusive)"</label>
                <input id="audit-from" type="date" bind:value=from/>
            </div>
            <div class="field">
                <label for="audit-to">"To (exclusive)"</label>
                <input id="audit-to" type="date" bind:value=to/>
            </div>
            <button type="submit" class="primary" data-testid="audit-apply">"Apply filters"</button>
        </form>
        <Transition fallback=Loading>
            <ErrorBoundary fallback=load_error>
                {move || Suspend::new(async move {
                    let page = log.await?.audit_log;
                    Ok::<_, ApiError>(view! {
                        {page.nodes.is_empty().then(|| view! { <p class="card hint" data-testid="audit-empty">"No entries match."</p> })}
                        <ul class="rows card" data-testid="audit-list">
                            {page.nodes.into_iter().map(|e| {
                                let who = match (&e.actor, &e.actor_id) {
                                    (Some(a), _) => format!("{} <{}>", a.name, a.email),
                                    (None, Some(id)) => id.clone(),
                                    (None, None) => "system".to_owned(),
                                };
                                let target = match (e.target_type, e.target_id) {
                                    (Some(t), Some(id)) => format!("{t} {id}"),
                                    (Some(t), None) => t,
                                    (None, Some(id)) => id,
                                    (None, None) => "—".to_owned(),
                                };
                                view! {
                                    <li class="row" data-testid="audit-row">
                                        <p><code data-testid="audit-row-action">{e.action}</code> " · " {who}</p>
                                        <p class="hint">{when(&e.created_at)} " · target " {target} " · IP " {e.ip.unwrap_or_else(|| "—".to_owned())}</p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <Pager paging=cursor has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor total=page.total_count/>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
