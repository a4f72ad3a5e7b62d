//! /api-products/:id: one project — its keys by hint (create, rotate, revoke;
//! a new secret is shown once), its tiers or products, its end users with this
//! period's usage, and going live.

use super::editors::{ProductsEditor, TiersEditor};
use super::{OneTimeSecret, SecretBox};
use crate::auth::use_auth;
use crate::components::form::FormAlert;
use crate::components::guard::is_customer;
use crate::components::list::{count_label, when, LoadError, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::domain::{ApiKeyStatus, ApiMode, ApiProjectKind};
use crate::error::ApiError;
use crate::gql::{
    api_end_users, api_keys, api_project, create_api_key, promote_api_project, revoke_api_key, rotate_api_key, set_api_end_user_tier,
    ApiEndUsers, ApiKeys, ApiProject, CreateApiKey, PromoteApiProject, RevokeApiKey, RotateApiKey, SetApiEndUserTier,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[derive(Clone)]
enum KeyAct {
    Create,
    Rotate(String),
    Revoke(String),
    GoLive,
}

#[component]
pub fn ApiProjectPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let owner = Memo::new(move |_| auth.user().is_some_and(|u| is_customer(&u)));
    let mode = RwSignal::new(ApiMode::Test);
    let project = LocalResource::new(move || {
        let id = id.get();
        async move { auth.call::<ApiProject>(api_project::Variables { id }).await.map(|d| d.api_project) }
    });
    view! {
        {move || match project.get() {
            None => view! { <p class="loading" aria-busy="true">"Loading the project…"</p> }.into_any(),
            Some(Err(error)) => view! { <section class="card"><LoadError error what="API project"/></section> }.into_any(),
            Some(Ok(p)) => {
                let live = p.live_at.is_some();
                let kind = p.kind;
                view! {
                    <section class="card">
                        <h1>{p.name.clone()}</h1>
                        <p>
                            <span class="status" data-status=kind.as_str() data-testid="api-project-kind">{kind.label()}</span>
                            " · " {if live { format!("live since {}", when(p.live_at.as_deref().unwrap_or_default())) } else { "test only".to_owned() }}
                        </p>
                        <div role="group" aria-label="Mode">
                            {ApiMode::ALL.iter().copied().map(|m| view! {
                                <button type="button" class="secondary" aria-pressed=move || (mode.get() == m).to_string()
                                    disabled=m == ApiMode::Live && !live data-testid=format!("mode-{}", m.as_str())
                                    on:click=move |_| mode.set(m)>{m.label()}</button>
                            }).collect_view()}
                        </div>
                    </section>
                    <Show when=move || owner.get()>
                        <KeysSection project_id=id.get_untracked() mode live on_live=move || project.refetch()/>
                    </Show>
                    {match kind {
                        ApiProjectKind::Saas => view! { <TiersEditor project_id=id.get_untracked() mode editable=owner.get_untracked()/> }.into_any(),
                        ApiProjectKind::Store => view! { <ProductsEditor project_id=id.get_untracked() mode editable=owner.get_untracked()/> }.into_any(),
                    }}
                    {(kind == ApiProjectKind::Saas).then(|| view! { <EndUsers project_id=id.get_untracked() mode editable=owner.get_untracked()/> })}
                }.into_any()
            }
        }}
    }
}

#[component]
fn KeysSection(
    project_id: String,
    mode: RwSignal<ApiMode>,
    live: bool,
    on_live: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let project_id = StoredValue::new(project_id);
    let keys = LocalResource::new(move || {
        let variables = api_keys::Variables { project_id: project_id.get_value(), mode: mode.get() };
        async move { auth.call::<ApiKeys>(variables).await.map(|d| d.api_keys) }
    });
    let shown = RwSignal::new(None::<OneTimeSecret>);
    let act = Action::new_local(move |act: &KeyAct| {
        let act = act.clone();
        async move {
            let issued = match act {
                KeyAct::Create => {
                    let v = create_api_key::Variables { project_id: project_id.get_value(), mode: mode.get_untracked() };
                    let k = auth.call::<CreateApiKey>(v).await?.create_api_key;
                    Some(OneTimeSecret { publishable: k.key.publishable_key, secret: k.secret })
                }
                KeyAct::Rotate(id) => {
                    let k = auth.call::<RotateApiKey>(rotate_api_key::Variables { id }).await?.rotate_api_key;
                    Some(OneTimeSecret { publishable: k.key.publishable_key, secret: k.secret })
                }
                KeyAct::Revoke(id) => {
                    auth.call::<RevokeApiKey>(revoke_api_key::Variables { id }).await?;
                    None
                }
                KeyAct::GoLive => {
                    let k = auth
                        .call::<PromoteApiProject>(promote_api_project::Variables { id: project_id.get_value() })
                        .await?
                        .promote_api_project;
                    mode.set(ApiMode::Live);
                    on_live();
                    Some(OneTimeSecret { publishable: k.key.key.publishable_key, secret: k.key.secret })
                }
            };
            if issued.is_some() {
                shown.set(issued);
            }
            keys.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let error = Signal::derive(move || act.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let confirm = |ask: &str| window().confirm_with_message(ask).unwrap_or(false);
    view! {
        <section class="card" aria-labelledby="api-keys-title">
            <h2 id="api-keys-title">"Keys"</h2>
            <SecretBox shown/>
            <FormAlert error/>
            {move || match keys.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading keys…"</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="keys"/> }.into_any(),
                Some(Ok(rows)) => view! {
                    <div class="table-wrap">
                        <table data-testid="api-key-table">
                            <thead><tr><th>"Secret key"</th><th>"Publishable key"</th><th>"Status"</th><th>"Created"</th><th>"Actions"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|k| {
                                    let key_id = StoredValue::new(k.id.clone());
                                    let active = k.status == ApiKeyStatus::Active;
                                    let usable = matches!(k.status, ApiKeyStatus::Active | ApiKeyStatus::Expiring);
                                    view! {
                                        <tr data-testid="api-key-row">
                                            <td><code>{k.secret_hint}</code></td>
                                            <td><code>{k.publishable_key}</code></td>
                                            <td>
                                                <StatusBadge wire=k.status.as_str() label=k.status.label()/>
                                                {k.expires_at.map(|at| view! { <span class="hint">" until " {when(&at)}</span> })}
                                            </td>
                                            <td>{when(&k.created_at)}</td>
                                            <td class="actions">
                                                {active.then(|| view! {
                                                    <button type="button" class="secondary" disabled=act.pending() data-testid="rotate-api-key"
                                                        on:click=move |_| if confirm("Rotate this key? The old secret keeps working for the grace period.") {
                                                            act.dispatch(KeyAct::Rotate(key_id.get_value()));
                                                        }>"Rotate"</button>
                                                })}
                                                {usable.then(|| view! {
                                                    <button type="button" class="danger" disabled=act.pending() data-testid="revoke-api-key"
                                                        on:click=move |_| if confirm("Revoke this key now? Apps using it stop working at once.") {
                                                            act.dispatch(KeyAct::Revoke(key_id.get_value()));
                                                        }>"Revoke"</button>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            <p class="actions">
                <button type="button" class="secondary" disabled=act.pending() data-testid="create-api-key"
                    on:click=move |_| { act.dispatch(KeyAct::Create); }>"New secret key"</button>
                {(!live).then(|| view! {
                    <button type="button" disabled=act.pending() data-testid="go-live"
                        on:click=move |_| if confirm("Go live? This creates live keys and copies your test tiers or products to live, once.") {
                            act.dispatch(KeyAct::GoLive);
                        }>"Go live"</button>
                })}
            </p>
        </section>
    }
}

#[component]
fn EndUsers(project_id: String, mode: RwSignal<ApiMode>, editable: bool) -> impl IntoView {
    let auth = use_auth();
    let project_id = StoredValue::new(project_id);
    let paging = Paging::new();
    let list = LocalResource::new(move || {
        let variables = api_end_users::Variables {
            project_id: project_id.get_value(),
            mode: mode.get(),
            first: Some(PAGE_SIZE),
            after: paging.after.get(),
        };
        async move { auth.call::<ApiEndUsers>(variables).await.map(|d| d.api_end_users) }
    });
    let set_tier = Action::new_local(move |(id, tier): &(String, String)| {
        let (id, tier) = (id.clone(), tier.trim().to_owned());
        async move {
            let tier_name = (!tier.is_empty()).then_some(tier);
            auth.call::<SetApiEndUserTier>(set_api_end_user_tier::Variables { id, tier_name }).await?;
            list.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let error = Signal::derive(move || set_tier.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())));
    view! {
        <section class="card" aria-labelledby="api-end-users-title">
            <h2 id="api-end-users-title">"End users"</h2>
            <FormAlert error/>
            {move || match list.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading end users…"</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="end users"/> }.into_any(),
                Some(Ok(page)) => view! {
                    <p class="hint">{count_label(page.total_count, "end user")}</p>
                    <div class="table-wrap">
                        <table data-testid="api-end-user-table">
                            <thead><tr><th>"User id"</th><th>"E-mail"</th><th>"Tier"</th><th>"Calls this period"</th><th>"Period ends"</th></tr></thead>
                            <tbody>
                                {page.nodes.into_iter().map(|u| {
                                    let user_id = StoredValue::new(u.id.clone());
                                    let tier = RwSignal::new(u.tier_name.clone().unwrap_or_default());
                                    view! {
                                        <tr data-testid="api-end-user-row">
                                            <td><code>{u.external_id}</code></td>
                                            <td>{u.email.unwrap_or_default()}</td>
                                            <td>
                                                {if editable {
                                                    view! {
                                                        <input type="text" aria-label="Tier" bind:value=tier size="10"/>
                                                        <button type="button" class="secondary" disabled=set_tier.pending()
                                                            on:click=move |_| { set_tier.dispatch((user_id.get_value(), tier.get_untracked())); }>"Set"</button>
                                                    }.into_any()
                                                } else {
                                                    view! { {u.tier_name.unwrap_or_else(|| "—".to_owned())} }.into_any()
                                                }}
                                            </td>
                                            <td data-testid="usage-count">{u.usage_count}</td>
                                            <td>{u.current_period_end.as_deref().map(when).unwrap_or_else(|| "end of month".to_owned())}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor/>
                }.into_any(),
            }}
        </section>
    }
}
