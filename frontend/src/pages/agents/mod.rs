//! /orders/:id/agents: the AI agents of one order. Staff read any order's,
//! customers their own (the server decides); ADMIN+ deploy, edit and remove;
//! a customer edits a few fields of their own agents (see `editor`).
//! The order's `configVersion` is shown because every change bumps it.

mod deploy;
mod editor;
mod tools;

use crate::auth::use_auth;
use crate::components::form::Notice;
use crate::components::list::{load_error, Loading};
use crate::error::ApiError;
use crate::gql::{order_agents, OrderAgents};
use crate::model::{AccountKind, StaffRole};
use deploy::DeployForm;
use editor::{AgentCard, Mode};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AgentsPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let order_id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let mode = Memo::new(move |_| match auth.user() {
        Some(u) if u.has_role_at_least(StaffRole::Admin) => Mode::Admin,
        Some(u) if u.kind == AccountKind::Customer => Mode::Customer,
        _ => Mode::ReadOnly,
    });
    let data = LocalResource::new(move || {
        let variables = order_agents::Variables { order_id: order_id.get() };
        async move { auth.call::<OrderAgents>(variables).await }
    });
    let notice = RwSignal::new(None::<String>);
    let on_changed = Callback::new(move |message: String| {
        notice.set(Some(message));
        data.refetch();
    });

    view! {
        <h1>"Agents"</h1>
        <Notice message=notice/>
        <Transition fallback=Loading>
            <ErrorBoundary fallback=load_error>
                {move || Suspend::new(async move {
                    let d = data.await?;
                    let order = d.order;
                    let agents = d.agents;
                    let mode = mode.get_untracked();
                    Ok::<_, ApiError>(view! {
                        <p class="facts-line">
                            "Order " <a href=format!("/orders/{}", order.id)>{order.domain}</a>
                            " · configuration version "
                            <strong data-testid="config-version">{order.config_version}</strong>
                        </p>
                        {if agents.is_empty() {
                            view! { <p class="card hint" data-testid="agents-empty">"No agents on this order yet."</p> }.into_any()
                        } else {
                            agents.into_iter()
                                .map(|agent| view! { <AgentCard agent mode on_changed/> })
                                .collect_view()
                                .into_any()
                        }}
                    })
                })}
            </ErrorBoundary>
        </Transition>
        <Show when=move || mode.get() == Mode::Admin>
            <DeployForm order_id=order_id.get_untracked() on_changed/>
        </Show>
    }
}
