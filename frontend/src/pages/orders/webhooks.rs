//! Webhooks to the order's server (staff): the endpoint's state — a banner
//! while it is disabled, with "Re-enable" for MANAGER and above — and the
//! order's deliveries (the paged list of /webhooks, for this order).

use crate::auth::use_auth;
use crate::components::form::{action_error, FormAlert};
use crate::components::list::{when, LoadError, Loading};
use crate::error::ApiError;
use crate::gql::{enable_webhook_endpoint, webhook_endpoint, EnableWebhookEndpoint, WebhookEndpoint};
use crate::pages::webhooks::DeliveryList;
use leptos::prelude::*;

type Endpoint = webhook_endpoint::WebhookEndpointWebhookEndpoint;

#[component]
pub fn WebhooksSection(order_id: String, manager: bool) -> impl IntoView {
    let auth = use_auth();
    let id = StoredValue::new(order_id.clone());
    let endpoint = LocalResource::new(move || {
        let variables = webhook_endpoint::Variables { order_id: id.get_value() };
        async move { auth.call::<WebhookEndpoint>(variables).await.map(|d| d.webhook_endpoint) }
    });
    // Re-enabling makes held deliveries due at once: the list reads them again.
    let reload = RwSignal::new(0u32);
    let enable = Action::new_local(move |_: &()| {
        let variables = enable_webhook_endpoint::Variables { order_id: id.get_value() };
        async move {
            auth.call::<EnableWebhookEndpoint>(variables).await?;
            endpoint.refetch();
            reload.update(|n| *n += 1);
            Ok::<_, ApiError>(())
        }
    });
    let error = action_error(enable);

    view! {
        <section class="card" aria-labelledby="webhooks-title" data-testid="order-webhooks">
            <h2 id="webhooks-title">"Webhooks"</h2>
            {move || match endpoint.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="webhook endpoint"/> }.into_any(),
                Some(Ok(e)) => endpoint_state(e, manager, enable).into_any(),
            }}
            <FormAlert error/>
            <DeliveryList order_id=Some(order_id) manager reload/>
        </section>
    }
}

fn endpoint_state(endpoint: Option<Endpoint>, manager: bool, enable: Action<(), Result<(), ApiError>>) -> impl IntoView {
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
                    <button type="button" class="primary" disabled=enable.pending() data-testid="enable-webhook-endpoint"
                        on:click=move |_| { enable.dispatch(()); }>"Re-enable"</button>
                })}
            </div>
        }.into_any(),
    }
}
