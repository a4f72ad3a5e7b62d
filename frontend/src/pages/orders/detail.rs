//! /orders/:id: every field of an order, its agents, provisioning log and
//! jobs; staff also see remote commands and webhooks, and MANAGER and above
//! the actions and the server registration token.
//!
//! The page follows the order live (`orderEvents` over the GraphQL
//! WebSocket): new log lines are appended as they are written and, when the
//! status changes, the order reloads.

use super::actions::OrderActions;
use super::commands::RemoteCommandsSection;
use super::log::{ProvisioningJobsSection, ProvisioningLogSection};
use super::registration::RegistrationTokenSection;
use super::webhooks::WebhooksSection;
use crate::auth::use_auth;
use crate::components::guard::is_staff;
use crate::components::list::{when, LoadError, StatusBadge};
use crate::domain::OrderStatus;
use crate::gql::{order_detail, order_events, order_progress, plans, OrderDetail, OrderEvents, OrderProgress, Plans};
use crate::live;
use crate::model::StaffRole;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

pub type Order = order_detail::OrderDetailOrder;

#[component]
pub fn OrderDetailPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let order = LocalResource::new(move || {
        let id = id.get();
        async move {
            let order = auth.call::<OrderDetail>(order_detail::Variables { id }).await?.order;
            // A separate request: with `order` in the same one, a NOT_FOUND
            // answer would still carry `plans` and no `order`. Unnamed on failure.
            let plan = match &order.plan_id {
                Some(plan_id) => auth
                    .call::<Plans>(plans::Variables)
                    .await
                    .ok()
                    .and_then(|d| d.plans.into_iter().find(|p| &p.id == plan_id))
                    .map(|p| p.name),
                None => None,
            };
            Ok::<_, crate::error::ApiError>((order, plan))
        }
    });
    let staff = Memo::new(move |_| auth.user().is_some_and(|u| is_staff(&u)));

    view! {
        <p><A href="/orders">{move || if staff.get() { "← All orders" } else { "← My orders" }}</A></p>
        {move || match order.get() {
            None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any()),
            Some(Err(error)) => Either::Left(view! { <section class="card"><LoadError error what="order"/></section> }.into_any()),
            Some(Ok((o, plan))) => Either::Right(view! { <OrderBody order=o plan reload=move || order.refetch()/> }),
        }}
    }
}

#[component]
fn OrderBody(order: Order, plan: Option<String>, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let auth = use_auth();
    let staff = Memo::new(move |_| auth.user().is_some_and(|u| is_staff(&u)));
    let manager = Memo::new(move |_| auth.user().is_some_and(|u| u.has_role_at_least(StaffRole::Manager)));
    // Bumped on each live event; the log section fetches lines past its cursor.
    let tick = RwSignal::new(0u32);
    follow_live(order.id.clone(), order.status, tick, reload);
    let id = order.id.clone();
    let agents_link = format!("/orders/{}/agents", order.id);

    view! {
        <OrderFacts order=order.clone() plan staff=staff.get_untracked()/>
        <Show when=move || manager.get()>
            <OrderActions id=order.id.clone() status=order.status mode=order.automation_mode on_changed=reload/>
            <RegistrationTokenSection order_id=order.id.clone()/>
        </Show>
        <section class="card" aria-labelledby="agents-title" data-testid="order-agents">
            <h2 id="agents-title">"Agents"</h2>
            {if order.agents.is_empty() {
                Either::Left(view! { <p data-testid="empty">"No agents deployed."</p> })
            } else {
                Either::Right(view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr><th>"Name"</th><th>"Role"</th><th>"Autonomy"</th></tr></thead>
                            <tbody>
                                {order.agents.iter().map(|a| view! {
                                    <tr><td>{a.name.clone()}</td><td>{a.role.clone()}</td><td>{a.autonomy_level} " / 4"</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                })
            }}
            <p><A href=agents_link>"Manage agents"</A></p>
        </section>
        <ProvisioningLogSection order_id=id.clone() tick/>
        <Show when=move || staff.get()>
            <ProvisioningJobsSection order_id=id.clone()/>
            <RemoteCommandsSection order_id=id.clone()/>
            <WebhooksSection order_id=id.clone() manager=manager.get_untracked()/>
        </Show>
    }
}

/// Follows the order live over `orderEvents`: a log line fetches the lines
/// past the log's cursor, a status change reloads the order. After every
/// (re)connection, when events may have been missed, it fetches the new lines
/// and the status, and reloads if the status is not the one shown (checks
/// asked for during a check coalesce into one more). The subscription ends
/// with the component.
fn follow_live(id: String, shown: OrderStatus, tick: RwSignal<u32>, reload: impl Fn() + Copy + Send + Sync + 'static) {
    let auth = use_auth();
    let busy = StoredValue::new(false);
    let again = StoredValue::new(false);
    let order_id = StoredValue::new(id.clone());
    let check = move || {
        if busy.try_get_value() != Some(false) {
            let _ = again.try_set_value(true);
            return;
        }
        busy.set_value(true);
        spawn_local(async move {
            loop {
                let _ = again.try_set_value(false);
                if tick.try_update(|t| *t += 1).is_none() {
                    return; // The page was left.
                }
                let variables = order_progress::Variables { id: order_id.get_value() };
                let status = auth.call::<OrderProgress>(variables).await.map(|d| d.order.status);
                if matches!(status, Ok(s) if s != shown) {
                    reload();
                    return;
                }
                if again.try_get_value() != Some(true) {
                    let _ = busy.try_set_value(false);
                    return;
                }
            }
        });
    };
    let on_event = move |data: order_events::ResponseData| match data.order_events.kind {
        order_events::OrderEventKind::STATUS_CHANGED => reload(),
        _ => {
            let _ = tick.try_update(|t| *t += 1);
        }
    };
    let subscription = live::subscribe::<OrderEvents>(auth, move || order_events::Variables { order_id: id.clone() }, on_event, check);
    on_cleanup(move || subscription.stop());
}

#[component]
fn OrderFacts(order: Order, plan: Option<String>, staff: bool) -> impl IntoView {
    let o = order;
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    let customer = match o.customer {
        Some(c) if staff => Either::Left(view! {
            <A href=format!("/customers/{}", c.id)>{c.name}</A> " · " {c.email}
        }),
        Some(c) => Either::Right(c.name),
        None => Either::Right(o.customer_id.clone()),
    };
    let tools = if o.tools.is_empty() { "—".to_owned() } else { o.tools.join(", ") };
    view! {
        <section class="card" data-testid="order-detail">
            <h1 data-testid="order-domain">{o.domain}</h1>
            <dl class="facts">
                <dt>"Status"</dt><dd data-testid="order-status"><StatusBadge wire=o.status.as_str() label=o.status.label()/></dd>
                <dt>"Customer"</dt><dd data-testid="order-customer">{customer}</dd>
                <dt>"Tier"</dt><dd>{o.tier}</dd>
                <dt>"Plan"</dt><dd data-testid="order-plan-name">{or_dash(plan.or(o.plan_id))}</dd>
                <dt>"Automation"</dt><dd data-testid="order-mode">{o.automation_mode.label()}</dd>
                <dt>"Tools"</dt><dd data-testid="order-tools">{tools}</dd>
                <dt>"Server IP"</dt><dd>{or_dash(o.server_ip)}</dd>
                <dt>"SSH port"</dt><dd>{or_dash(o.ssh_port.map(|p| p.to_string()))}</dd>
                <dt>"Dashboard"</dt><dd>{or_dash(o.dashboard_url)}</dd>
                <dt>"Portainer"</dt><dd>{or_dash(o.portainer_url)}</dd>
                <dt>"Config version"</dt><dd>{o.config_version}</dd>
                {o.failure_reason.map(|r| view! { <dt>"Failure"</dt><dd class="danger" data-testid="order-failure">{r}</dd> })}
                <dt>"Fulfilled"</dt><dd>{or_dash(o.fulfilled_at.as_deref().map(when))}</dd>
                <dt>"Created"</dt><dd>{when(&o.created_at)}</dd>
                <dt>"Updated"</dt><dd>{when(&o.updated_at)}</dd>
                <dt>"Id"</dt><dd><code>{o.id}</code></dd>
            </dl>
        </section>
    }
}
