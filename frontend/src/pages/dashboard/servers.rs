//! The customer's orders: each server's state (from its last heartbeat), its
//! figures when known, and the agents deployed on it.

use super::section::{percent, Section};
use crate::auth::use_auth;
use crate::components::list::{count_label, when, Pager, Paging};
use crate::error::ApiError;
use crate::gql::{dashboard_orders, DashboardOrders};
use leptos::prelude::*;
use leptos_router::components::A;

/// Orders per dashboard page.
const ORDERS_SHOWN: i64 = 5;

type Node = dashboard_orders::DashboardOrdersOrdersNodes;

/// The wire value and the words of a server state.
pub fn state_words(state: &dashboard_orders::ServerState) -> (&'static str, &'static str) {
    use dashboard_orders::ServerState::*;
    match state {
        ONLINE => ("ONLINE", "Online"),
        OFFLINE => ("OFFLINE", "Offline"),
        NEVER => ("NEVER", "Not set up yet"),
        Other(_) => ("UNKNOWN", "Unknown"),
    }
}

#[component]
pub fn Servers() -> impl IntoView {
    let auth = use_auth();
    let cursor = Paging::new();
    let orders = LocalResource::new(move || {
        let variables = dashboard_orders::Variables { first: Some(ORDERS_SHOWN), after: cursor.after.get() };
        async move { auth.call::<DashboardOrders>(variables).await }
    });
    view! {
        <Section id="dashboard-server" title="Your servers" more=Some(("/orders", "All orders"))>
            {move || Suspend::new(async move {
                let page = orders.await?.orders;
                let rows = page.nodes;
                Ok::<_, ApiError>(if rows.is_empty() {
                    view! { <p class="hint" data-testid="dashboard-no-orders">"You have no orders yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="rows">{rows.into_iter().map(|order| view! { <ServerRow order/> }).collect_view()}</ul>
                        <Pager paging=cursor has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor
                            total=page.total_count testid="dashboard-server-pager"/>
                    }.into_any()
                })
            })}
        </Section>
    }
}

#[component]
fn ServerRow(order: Node) -> impl IntoView {
    let (wire, label) = order.server.as_ref().map(|s| state_words(&s.state)).unwrap_or(("UNKNOWN", "Unknown"));
    let heard = order.server.as_ref().and_then(|s| s.last_heartbeat_at.as_deref()).map(when);
    let figures: Vec<String> = order
        .server
        .as_ref()
        .map(|s| {
            [("CPU", s.cpu_percent), ("Memory", s.memory_percent), ("Disk", s.disk_percent)]
                .into_iter()
                .filter_map(|(name, value)| percent(value).map(|p| format!("{name} {p}")))
                .collect()
        })
        .unwrap_or_default();
    let names = order.agents.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ");
    let agents = count_label(order.agents.len() as i64, "agent");
    view! {
        <li class="row dashboard-server" data-testid="dashboard-server-row">
            <p>
                <A href=format!("/orders/{}", order.id) attr:data-testid="dashboard-order-link">{order.domain.clone()}</A>
                " " <span class="status" data-status=wire data-testid="server-state">{label}</span>
                " " <span class="hint">{order.status.label()}</span>
            </p>
            <p class="hint" data-testid="server-heartbeat">
                {match heard { Some(at) => format!("Last heartbeat {at}"), None => "No heartbeat yet".to_owned() }}
                {(!figures.is_empty()).then(|| format!(" · {}", figures.join(" · ")))}
            </p>
            <p data-testid="dashboard-agents">
                <A href=format!("/orders/{}/agents", order.id)>{agents}</A>
                {(!names.is_empty()).then(|| format!(": {names}"))}
            </p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_as_words() {
        assert_eq!(state_words(&dashboard_orders::ServerState::NEVER), ("NEVER", "Not set up yet"));
        assert_eq!(state_words(&dashboard_orders::ServerState::Other("NEW".into())).0, "UNKNOWN");
    }
}
