//! /sites: licensed sites on child projects — every site for staff (filter by
//! project, e.g. from /projects, and status), "My sites" for a customer (the
//! server scopes `sites` to the caller). MANAGER and above retry a FAILED
//! site; they and customers add sites to a licence.

mod add;

use crate::auth::use_auth;
use crate::components::form::FormAlert;
use crate::components::guard::is_staff;
use crate::components::list::{count_label, when, LoadError, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::domain::SiteStatus;
use crate::error::ApiError;
use crate::gql::{retry_site_provisioning, sites, RetrySiteProvisioning, Sites};
use crate::model::{AccountKind, StaffRole};
use add::AddSite;
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SitesPage() -> impl IntoView {
    let auth = use_auth();
    let staff = Memo::new(move |_| auth.user().is_some_and(|u| is_staff(&u)));
    let manager = Memo::new(move |_| auth.user().is_some_and(|u| u.has_role_at_least(StaffRole::Manager)));
    let may_add = Memo::new(move |_| manager.get() || auth.user().is_some_and(|u| u.kind == AccountKind::Customer));
    let from_link = use_query_map().with_untracked(|q| q.get("project")).unwrap_or_default();
    let project_input = RwSignal::new(from_link.clone());
    let project = RwSignal::new(from_link);
    let status = RwSignal::new(None::<SiteStatus>);
    let paging = Paging::new();
    let list = LocalResource::new(move || {
        let variables = sites::Variables {
            first: Some(PAGE_SIZE),
            after: paging.after.get(),
            project_slug: Some(project.get()).filter(|p| !p.is_empty()),
            status: status.get(),
        };
        async move { auth.call::<Sites>(variables).await.map(|d| d.sites) }
    });
    let retry = Action::new_local(move |uuid: &String| {
        let uuid = uuid.clone();
        async move {
            auth.call::<RetrySiteProvisioning>(retry_site_provisioning::Variables { uuid }).await?;
            list.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let error = Signal::derive(move || retry.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let on_filter = move |ev: SubmitEvent| {
        ev.prevent_default();
        paging.reset();
        project.set(project_input.get_untracked().trim().to_owned());
    };
    let on_status = move |ev| {
        paging.reset();
        status.set(SiteStatus::parse(&event_target_value(&ev)));
    };

    view! {
        <section class="card">
            <h1>{move || if staff.get() { "Sites" } else { "My sites" }}</h1>
            <form class="filters" role="search" on:submit=on_filter data-testid="site-filters">
                <Show when=move || staff.get()>
                    <div class="field">
                        <label for="site-project">"Project"</label>
                        <input id="site-project" type="search" placeholder="Project slug" bind:value=project_input/>
                    </div>
                </Show>
                <div class="field">
                    <label for="site-status">"Status"</label>
                    <select id="site-status" on:change=on_status data-testid="site-status-filter">
                        <option value="">"Any status"</option>
                        {SiteStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">"Filter"</button>
            </form>
            <FormAlert error/>
            {move || match list.get() {
                None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading sites…"</p> }.into_any()),
                Some(Err(error)) => Either::Left(view! { <LoadError error what="sites"/> }.into_any()),
                Some(Ok(page)) => Either::Right(view! {
                    <p class="hint" data-testid="total-count">{count_label(page.total_count, "site")}</p>
                    <SiteTable rows=page.nodes can_retry=manager.get() retry/>
                    <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor/>
                }),
            }}
        </section>
        <Show when=move || may_add.get()>
            <AddSite on_added=move || list.refetch()/>
        </Show>
    }
}

#[component]
fn SiteTable(rows: Vec<sites::SitesSitesNodes>, can_retry: bool, retry: Action<String, Result<(), ApiError>>) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(view! { <p data-testid="empty">"No sites match."</p> });
    }
    let pending = retry.pending();
    Either::Right(view! {
        <div class="table-wrap">
            <table data-testid="site-table">
                <thead>
                    <tr><th>"Site"</th><th>"Project"</th><th>"Status"</th><th>"Attempts"</th><th>"Added"</th><th></th></tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|s| {
                        let uuid = StoredValue::new(s.uuid.clone());
                        let link = s.url.clone().map(|url| {
                            let text = url.clone();
                            view! { <br/><a href=url rel="noopener" target="_blank">{text}</a> }
                        });
                        view! {
                            <tr data-testid="site-row">
                                <td>{s.name}<br/><span class="hint">{s.domain}</span>{link}</td>
                                <td><code>{s.project_slug}</code><br/><span class="hint">{s.license_key}</span></td>
                                <td>
                                    <StatusBadge wire=s.status.as_str() label=s.status.label()/>
                                    {s.last_error.map(|e| view! { <p class="field-error" data-testid="site-error">{e}</p> })}
                                </td>
                                <td>{s.attempts}</td>
                                <td>{when(&s.created_at)}</td>
                                <td>
                                    {(can_retry && s.status.can_retry()).then(|| view! {
                                        <button type="button" class="secondary" disabled=pending data-testid="retry-site"
                                            on:click=move |_| { retry.dispatch(uuid.get_value()); }>"Retry"</button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    })
}
