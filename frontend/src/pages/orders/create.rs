//! The "New order" form (MANAGER and above). The customer is picked from a
//! customer search or pasted as an id; the new order opens on success.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Submit};
use crate::domain::AutomationMode;
use crate::error::ApiError;
use crate::gql::{create_order, customers, plans, CreateOrder, Customers, Plans};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// "ghost, n8n,,  nextcloud" → ["ghost", "n8n", "nextcloud"].
fn split_tools(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

#[component]
pub fn NewOrder() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let customer_query = RwSignal::new(String::new());
    let matches = RwSignal::new(None::<Result<Vec<customers::CustomersCustomersNodes>, ApiError>>);
    let customer_id = RwSignal::new(String::new());
    let plan_id = RwSignal::new(String::new());
    let tier = RwSignal::new(String::new());
    let domain = RwSignal::new(String::new());
    let tools = RwSignal::new(String::new());
    let mode = RwSignal::new(AutomationMode::Manual);
    let plan_list = LocalResource::new(move || async move { auth.call::<Plans>(plans::Variables).await.map(|d| d.plans) });

    let find_customer = move || {
        let search = customer_query.get_untracked().trim().to_owned();
        spawn_local(async move {
            let variables = customers::Variables { first: Some(10), after: None, search: Some(search), status: None };
            let found = auth.call::<Customers>(variables).await.map(|d| d.customers.nodes);
            // One match is the one meant; several wait for a choice.
            if let Ok([only]) = found.as_deref() {
                customer_id.set(only.id.clone());
            }
            matches.set(Some(found));
        });
    };
    let on_plan = move |ev| {
        let id = event_target_value(&ev);
        // The plan's tier is the usual tier; it stays editable.
        if let Some(Ok(list)) = plan_list.get_untracked() {
            if let Some(plan) = list.iter().find(|p| p.id == id) {
                tier.set(plan.tier.clone());
            }
        }
        plan_id.set(id);
    };

    let create = Action::new_local(move |input: &create_order::CreateOrderInput| {
        let input = input.clone();
        let navigate = navigate.clone();
        async move {
            if input.customer_id.is_empty() {
                return Err(ApiError::field("customerId", "Choose a customer or paste their id."));
            }
            let order = auth.call::<CreateOrder>(create_order::Variables { input }).await?.create_order;
            navigate(&format!("/orders/{}", order.id), NavigateOptions::default());
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch(create_order::CreateOrderInput {
            customer_id: customer_id.get_untracked().trim().to_owned(),
            plan_id: Some(plan_id.get_untracked()).filter(|p| !p.is_empty()),
            tier: tier.get_untracked().trim().to_owned(),
            domain: domain.get_untracked().trim().to_owned(),
            tools: split_tools(&tools.get_untracked()),
            automation_mode: Some(mode.get_untracked()),
        });
    };
    let error = action_error(create);

    view! {
        <section class="card" aria-labelledby="new-order-title">
            <h2 id="new-order-title">"New order"</h2>
            <div class="field">
                <label for="order-customer-search">"Find the customer"</label>
                <div class="actions">
                    <input id="order-customer-search" type="search" placeholder="Name, e-mail or company"
                        bind:value=customer_query data-testid="order-customer-search"
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); find_customer(); }/>
                    <button type="button" class="secondary" on:click=move |_| find_customer() data-testid="order-customer-find">
                        "Find"
                    </button>
                </div>
                {move || matches.get().map(|found| match found {
                    Err(e) => view! { <p class="field-error" role="alert">{e.message}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="hint" role="status">"No customer matches."</p> }.into_any(),
                    Ok(list) => view! {
                        <label for="order-customer-choice" class="sr-only">"Matching customers"</label>
                        <select id="order-customer-choice" data-testid="order-customer-choice"
                            on:change=move |ev| customer_id.set(event_target_value(&ev))>
                            <option value="">"Choose a customer…"</option>
                            {list.into_iter().map(|c| {
                                let id = c.id.clone();
                                view! {
                                    <option value=c.id selected=move || customer_id.get() == id>
                                        {format!("{} <{}>", c.name, c.email)}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                    }.into_any(),
                })}
            </div>
            <form on:submit=on_submit data-testid="new-order-form" novalidate>
                <Field label="Customer id" id="order-customer-id" field="customerId" value=customer_id error
                    hint="Filled in by the search above, or paste an id."/>
                <div class="field">
                    <label for="order-plan">"Plan"</label>
                    <select id="order-plan" on:change=on_plan data-testid="order-plan">
                        <option value="">"No plan"</option>
                        {move || plan_list.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|p| view! {
                            <option value=p.id>{format!("{} ({})", p.name, p.tier)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Field label="Tier" id="order-tier-input" field="tier" value=tier error/>
                <Field label="Domain" id="order-domain" field="domain" value=domain error hint="e.g. acme.example.com"/>
                <Field label="Tools" id="order-tools" field="tools" value=tools error optional=true
                    hint="Comma-separated slugs, e.g. ghost, n8n, nextcloud"/>
                <div class="field">
                    <label for="order-mode">"Automation"</label>
                    <select id="order-mode" data-testid="order-mode" on:change=move |ev| {
                        if let Some(m) = AutomationMode::parse(&event_target_value(&ev)) {
                            mode.set(m);
                        }
                    }>
                        {AutomationMode::ALL.iter().map(|m| view! { <option value=m.as_str()>{m.label()}</option> }).collect_view()}
                    </select>
                </div>
                <FormAlert error fields=&["customerId", "tier", "domain", "tools"]/>
                <Submit label="Create order" busy_label="Creating…" pending=create.pending() testid="new-order-submit"/>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tools_are_split_on_commas_and_trimmed() {
        assert_eq!(super::split_tools(" ghost, n8n,,nextcloud "), vec!["ghost", "n8n", "nextcloud"]);
        assert!(super::split_tools(" , ").is_empty());
    }
}
