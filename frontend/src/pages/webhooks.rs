//! /webhooks (staff): every order's webhook deliveries, newest first, filtered
//! by status and paged, each with its attempts and a link to its order; MANAGER
//! and above send one again. The same list, for one order, sits on the order page.

use crate::auth::use_auth;
use crate::components::form::{action_error, FormAlert};
use crate::components::list::{load_error, when, Loading, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::domain::WebhookDeliveryStatus;
use crate::error::ApiError;
use crate::gql::{redeliver_webhook, webhook_deliveries, RedeliverWebhook, WebhookDeliveries};
use crate::model::StaffRole;
use leptos::prelude::*;
use leptos_router::components::A;

type Delivery = webhook_deliveries::WebhookDeliveriesWebhookDeliveriesNodes;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let auth = use_auth();
    let manager = auth.user().is_some_and(|u| u.has_role_at_least(StaffRole::Manager));
    view! {
        <h1>"Webhook deliveries"</h1>
        <section class="card">
            <DeliveryList order_id=None manager/>
        </section>
    }
}

/// Deliveries of one order (`Some`) or of every order, with a status filter,
/// a pager and "Send again" for `manager`. Bumping `reload` reads them again.
#[component]
pub fn DeliveryList(order_id: Option<String>, manager: bool, #[prop(optional)] reload: Option<RwSignal<u32>>) -> impl IntoView {
    let auth = use_auth();
    let all_orders = order_id.is_none();
    let order_id = StoredValue::new(order_id);
    let status = RwSignal::new(None::<WebhookDeliveryStatus>);
    let paging = Paging::new();
    let data = LocalResource::new(move || {
        if let Some(reload) = reload {
            reload.track();
        }
        let variables = webhook_deliveries::Variables {
            order_id: order_id.get_value(),
            status: status.get(),
            first: Some(PAGE_SIZE),
            after: paging.after.get(),
        };
        async move { auth.call::<WebhookDeliveries>(variables).await.map(|d| d.webhook_deliveries) }
    });
    let redeliver = Action::new_local(move |delivery_id: &String| {
        let variables = redeliver_webhook::Variables { delivery_id: delivery_id.clone() };
        async move {
            auth.call::<RedeliverWebhook>(variables).await?;
            data.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let error = action_error(redeliver);
    let on_status = move |ev| {
        paging.reset();
        status.set(WebhookDeliveryStatus::parse(&event_target_value(&ev)));
    };

    view! {
        <div class="filters" role="search">
            <div class="field">
                <label for="webhook-status">"Status"</label>
                <select id="webhook-status" on:change=on_status data-testid="webhook-status-filter">
                    <option value="">"Any status"</option>
                    {WebhookDeliveryStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <button type="button" class="secondary" on:click=move |_| data.refetch()>"Refresh"</button>
        </div>
        <FormAlert error/>
        <Transition fallback=Loading>
            <ErrorBoundary fallback=load_error>
                {move || Suspend::new(async move {
                    let page = data.await?;
                    let busy = redeliver.pending();
                    Ok::<_, ApiError>(view! {
                        {page.nodes.is_empty().then(|| view! { <p class="hint" data-testid="webhooks-empty">"No webhooks match."</p> })}
                        <div class="table-wrap">
                            <table data-testid="webhook-deliveries">
                                <thead><tr>
                                    <th>"Event"</th>{all_orders.then(|| view! { <th>"Order"</th> })}<th>"Status"</th><th>"Attempts"</th>
                                    <th>"Last error"</th><th>"Next attempt"</th><th>"Created"</th>{manager.then(|| view! { <th></th> })}
                                </tr></thead>
                                <tbody>
                                    {page.nodes.into_iter().map(|d| delivery_row(d, all_orders, manager, busy, redeliver)).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor total=page.total_count
                            testid="webhooks-pager"/>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// When a PENDING delivery goes out next; nothing for the others.
fn next_attempt(d: &Delivery) -> String {
    match d.status {
        WebhookDeliveryStatus::Pending if d.sending => "sending now".to_owned(),
        WebhookDeliveryStatus::Pending => when(&d.next_attempt_at),
        _ => "—".to_owned(),
    }
}

/// "#2 · 2026-12-07 09:00 · HTTP 500" for one attempt.
fn attempt_line(number: i64, started_at: &str, status_code: Option<i64>, error: Option<&str>) -> String {
    let outcome = match (status_code, error) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(error)) => error.to_owned(),
        (None, None) => "no answer".to_owned(),
    };
    format!("#{number} · {} · {outcome}", when(started_at))
}

fn delivery_row(
    d: Delivery,
    all_orders: bool,
    manager: bool,
    busy: Memo<bool>,
    redeliver: Action<String, Result<(), ApiError>>,
) -> impl IntoView {
    let next = next_attempt(&d);
    let id = d.id.clone();
    let sending = d.sending;
    let attempts = d
        .attempt_log
        .iter()
        .map(|a| view! { <li>{attempt_line(a.attempt, &a.started_at, a.status_code, a.error.as_deref())}</li> })
        .collect_view();
    view! {
        <tr data-testid="webhook-row" data-status=d.status.as_str()>
            <td>{d.event.label()}</td>
            {all_orders.then(|| view! { <td><A href=format!("/orders/{}", d.order_id)>"Order"</A></td> })}
            <td><StatusBadge wire=d.status.as_str() label=d.status.label()/></td>
            <td>
                <details data-testid="webhook-attempts">
                    <summary>{d.attempts}</summary>
                    <ol class="plain">{attempts}</ol>
                </details>
            </td>
            <td>{d.last_error.unwrap_or_else(|| "—".into())}</td>
            <td>{next}</td>
            <td>{when(&d.created_at)}</td>
            {manager.then(|| view! {
                <td><button type="button" class="secondary" disabled=move || busy.get() || sending data-testid="redeliver-webhook"
                    on:click=move |_| { redeliver.dispatch(id.clone()); }>"Send again"</button></td>
            })}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::attempt_line;

    #[test]
    fn an_attempt_reads_as_its_outcome() {
        assert_eq!(attempt_line(1, "2026-12-07T09:00:00Z", Some(500), Some("server error")), "#1 · 2026-12-07 09:00 · HTTP 500");
        assert_eq!(attempt_line(2, "2026-12-07T09:01:00Z", None, Some("connection refused")), "#2 · 2026-12-07 09:01 · connection refused");
        assert_eq!(attempt_line(3, "2026-12-07T09:02:00Z", None, None), "#3 · 2026-12-07 09:02 · no answer");
    }
}
