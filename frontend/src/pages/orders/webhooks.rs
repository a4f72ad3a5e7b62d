//! Webhooks to the order's server (staff): the endpoint's state — a banner
//! while it is disabled, with "Re-enable" for MANAGER and above — and the latest
//! deliveries with status, attempts, last error and next attempt; MANAGER and
//! above may send one again.

use crate::auth::use_auth;
use crate::components::form::{action_error, FormAlert};
use crate::components::list::{when, LoadError, Loading, StatusBadge};
use crate::domain::WebhookDeliveryStatus;
use crate::error::ApiError;
use crate::gql::{
    enable_webhook_endpoint, redeliver_webhook, webhook_deliveries, EnableWebhookEndpoint, RedeliverWebhook, WebhookDeliveries,
};
use leptos::prelude::*;

type Endpoint = webhook_deliveries::WebhookDeliveriesWebhookEndpoint;
type Delivery = webhook_deliveries::WebhookDeliveriesWebhookDeliveriesNodes;

#[component]
pub fn WebhooksSection(order_id: String, manager: bool) -> impl IntoView {
    let auth = use_auth();
    let order_id = StoredValue::new(order_id);
    let data = LocalResource::new(move || {
        let order_id = order_id.get_value();
        async move { auth.call::<WebhookDeliveries>(webhook_deliveries::Variables { order_id }).await }
    });
    // `Some(delivery id)` sends that delivery again; `None` re-enables the endpoint.
    let run = Action::new_local(move |target: &Option<String>| {
        let target = target.clone();
        async move {
            match target {
                Some(delivery_id) => auth.call::<RedeliverWebhook>(redeliver_webhook::Variables { delivery_id }).await.map(drop),
                None => {
                    let variables = enable_webhook_endpoint::Variables { order_id: order_id.get_value() };
                    auth.call::<EnableWebhookEndpoint>(variables).await.map(drop)
                }
            }?;
            data.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let error = action_error(run);
    let busy = run.pending();

    view! {
        <section class="card" aria-labelledby="webhooks-title" data-testid="order-webhooks">
            <h2 id="webhooks-title">"Webhooks"</h2>
            {move || match data.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="webhook deliveries"/> }.into_any(),
                Some(Ok(d)) => view! {
                    {endpoint_state(d.webhook_endpoint, manager, busy, run)}
                    {deliveries_table(d.webhook_deliveries.nodes, d.webhook_deliveries.total_count, manager, busy, run)}
                }.into_any(),
            }}
            <FormAlert error/>
            <button type="button" class="secondary" on:click=move |_| data.refetch()>"Refresh"</button>
        </section>
    }
}

fn endpoint_state(
    endpoint: Option<Endpoint>,
    manager: bool,
    busy: Memo<bool>,
    run: Action<Option<String>, Result<(), ApiError>>,
) -> impl IntoView {
    match endpoint {
        None => view! { <p class="hint" data-testid="webhook-endpoint">"The server has not given a webhook URL; it learns everything from its heartbeats."</p> }.into_any(),
        Some(e) if e.enabled => view! {
            <p data-testid="webhook-endpoint">"Sending to " <code>{e.url.unwrap_or_else(|| "—".into())}</code></p>
        }.into_any(),
        Some(e) => view! {
            <div class="alert" role="alert" data-testid="webhook-endpoint-disabled">
                <p>
                    {format!("Webhooks are switched off since {}: ", e.disabled_at.as_deref().map(when).unwrap_or_default())}
                    {e.disabled_reason.unwrap_or_default()} ". New events are held until the endpoint is re-enabled."
                </p>
                {manager.then(|| view! {
                    <button type="button" class="primary" disabled=busy data-testid="enable-webhook-endpoint"
                        on:click=move |_| { run.dispatch(None); }>"Re-enable"</button>
                })}
            </div>
        }.into_any(),
    }
}

fn deliveries_table(
    nodes: Vec<Delivery>,
    total: i64,
    manager: bool,
    busy: Memo<bool>,
    run: Action<Option<String>, Result<(), ApiError>>,
) -> impl IntoView {
    if nodes.is_empty() {
        return view! { <p data-testid="webhooks-empty">"No webhooks yet."</p> }.into_any();
    }
    let next = |d: &Delivery| match d.status {
        WebhookDeliveryStatus::Pending if d.sending => "sending now".to_owned(),
        WebhookDeliveryStatus::Pending => when(&d.next_attempt_at),
        _ => "—".to_owned(),
    };
    view! {
        <p class="hint">{format!("Latest {} of {total}.", nodes.len())}</p>
        <div class="table-wrap">
            <table data-testid="webhook-deliveries">
                <thead><tr><th>"Event"</th><th>"Status"</th><th>"Attempts"</th><th>"Last error"</th><th>"Next attempt"</th><th>"Created"</th>{manager.then(|| view! { <th></th> })}</tr></thead>
                <tbody>
                    {nodes.into_iter().map(|d| {
                        let next = next(&d);
                        let id = d.id.clone();
                        view! {
                            <tr data-testid="webhook-row">
                                <td>{d.event.label()}</td>
                                <td><StatusBadge wire=d.status.as_str() label=d.status.label()/></td>
                                <td>{d.attempts}</td>
                                <td>{d.last_error.unwrap_or_else(|| "—".into())}</td>
                                <td>{next}</td>
                                <td>{when(&d.created_at)}</td>
                                {manager.then(|| view! {
                                    <td><button type="button" class="secondary" disabled=move || busy.get() || d.sending data-testid="redeliver-webhook"
                                        on:click=move |_| { run.dispatch(Some(id.clone())); }>"Send again"</button></td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}
