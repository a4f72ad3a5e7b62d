//! /projects (staff): the child projects of the signed bridge with their
//! heartbeat and last health ping. MANAGER and above register projects, rotate
//! a secret and ping a child; a key and secret are shown once, right here.

mod register;

use crate::auth::use_auth;
use crate::components::form::FormAlert;
use crate::components::list::{count_label, when, LoadError, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::error::ApiError;
use crate::gql::{ping_project, projects, rotate_project_secret, PingProject, Projects, RotateProjectSecret};
use crate::model::StaffRole;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use register::{Credentials, OneTimeCredentials, RegisterProject};

type Row = projects::ProjectsProjectsNodes;

/// "OK · HTTP 200 · 12 ms" or "Failed · the child is unreachable: …".
fn ping_summary(ping: &projects::ProjectsProjectsNodesLastPing) -> String {
    let status = ping.status.map(|s| format!(" · HTTP {s}")).unwrap_or_default();
    let error = ping.error.as_ref().map(|e| format!(" · {e}")).unwrap_or_default();
    format!("{}{status} · {} ms{error} ({})", if ping.ok { "OK" } else { "Failed" }, ping.latency_ms, when(&ping.at))
}

#[derive(Clone)]
enum Act {
    Ping(String),
    Rotate(String),
}

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let auth = use_auth();
    let manager = Memo::new(move |_| auth.user().is_some_and(|u| u.has_role_at_least(StaffRole::Manager)));
    let paging = Paging::new();
    let list = LocalResource::new(move || {
        let variables = projects::Variables { first: Some(PAGE_SIZE), after: paging.after.get() };
        async move { auth.call::<Projects>(variables).await.map(|d| d.projects) }
    });
    let shown = RwSignal::new(None::<Credentials>);
    let act = Action::new_local(move |act: &Act| {
        let act = act.clone();
        async move {
            match act {
                Act::Ping(slug) => drop(auth.call::<PingProject>(ping_project::Variables { slug }).await?),
                Act::Rotate(slug) => {
                    let done = auth.call::<RotateProjectSecret>(rotate_project_secret::Variables { slug }).await?.rotate_project_secret;
                    shown.set(Some(Credentials { slug: done.project.slug, key: done.project_key, secret: done.secret }));
                }
            }
            list.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let error = Signal::derive(move || act.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())));

    view! {
        <section class="card">
            <h1>"Projects"</h1>
            <p class="hint">"Child API projects that report to Hub over the signed bridge."</p>
            <OneTimeCredentials shown/>
            <FormAlert error/>
            {move || match list.get() {
                None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading projects…"</p> }.into_any()),
                Some(Err(error)) => Either::Left(view! { <LoadError error what="projects"/> }.into_any()),
                Some(Ok(page)) => Either::Right(view! {
                    <p class="hint" data-testid="total-count">{count_label(page.total_count, "project")}</p>
                    <ProjectTable rows=page.nodes manager=manager.get() act pending=act.pending()/>
                    <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor/>
                }),
            }}
        </section>
        <Show when=move || manager.get()>
            <RegisterProject on_registered=move |c| {
                shown.set(Some(c));
                list.refetch();
            }/>
        </Show>
    }
}

#[component]
fn ProjectTable(rows: Vec<Row>, manager: bool, act: Action<Act, Result<(), ApiError>>, pending: Memo<bool>) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(view! { <p data-testid="empty">"No projects yet."</p> });
    }
    Either::Right(view! {
        <div class="table-wrap">
            <table data-testid="project-table">
                <thead>
                    <tr><th>"Project"</th><th>"Heartbeat"</th><th>"Last seen"</th><th>"Last ping"</th><th>"Actions"</th></tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|p| {
                        let slug = StoredValue::new(p.slug.clone());
                        view! {
                            <tr data-testid="project-row">
                                <td>
                                    <A href=format!("/sites?project={}", p.slug)>{p.name}</A>
                                    " · " <A href=format!("/projects/{}/insights", p.slug)>"Insights"</A>
                                    <br/><code>{p.slug}</code>
                                    <br/><span class="hint">{p.base_url}</span>
                                </td>
                                <td>
                                    <StatusBadge wire=p.heartbeat_state.as_str() label=p.heartbeat_state.label()/>
                                    {p.health_status.map(|h| view! { <span class="hint">" health: " {h}</span> })}
                                </td>
                                <td>{p.last_heartbeat_at.as_deref().map(when).unwrap_or_else(|| "—".to_owned())}</td>
                                <td data-testid="last-ping">{p.last_ping.as_ref().map(ping_summary).unwrap_or_else(|| "—".to_owned())}</td>
                                <td class="actions">
                                    {manager.then(|| view! {
                                        <button type="button" class="secondary" disabled=pending data-testid="ping-project"
                                            on:click=move |_| { act.dispatch(Act::Ping(slug.get_value())); }>"Ping"</button>
                                        <button type="button" class="secondary" disabled=pending data-testid="rotate-secret"
                                            on:click=move |_| {
                                                let ask = "Replace this project's secret? The child must be given the new one.";
                                                if window().confirm_with_message(ask).unwrap_or(false) {
                                                    act.dispatch(Act::Rotate(slug.get_value()));
                                                }
                                            }>"Rotate secret"</button>
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
