//! /billing (customers): the current plan, "Manage billing" (Stripe's billing
//! portal) and "Subscribe" (Stripe Checkout for a plan and a domain). Both
//! leave the app for the URL the server answers; a STRIPE_ERROR (Stripe not
//! configured, or refusing) is shown as such.

use crate::auth::use_auth;
use crate::components::form::{action_error, sentence, Field, FormAlert, Submit};
use crate::components::list::{when, LoadError};
use crate::error::{ApiError, ErrorCode};
use crate::gql::{billing, open_billing_portal, start_checkout, Billing, OpenBillingPortal, StartCheckout};
use crate::pages::billing_period::PeriodSection;
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What a payment error says, naming Stripe when Stripe is the cause.
fn explain(error: &ApiError) -> ApiError {
    let mut shown = error.clone();
    if error.code == ErrorCode::Stripe {
        shown.message = format!("Payment provider: {}", sentence(&error.message));
    }
    shown
}

/// Leaves the app for a Stripe-hosted page.
fn go_to(url: &str) {
    let _ = window().location().set_href(url);
}

/// 7900 eur → "79.00 EUR".
fn price(minor: i64, currency: &str) -> String {
    format!("{}.{:02} {}", minor / 100, minor % 100, currency.to_uppercase())
}

#[component]
pub fn BillingPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let returned = move || match query.with(|q| q.get("checkout")).as_deref() {
        Some("success") => Some("Payment received. Your order appears under My orders in a moment."),
        Some("cancelled") => Some("Checkout was cancelled; nothing was charged."),
        _ => None,
    };
    let data = LocalResource::new(move || async move {
        let customer_id = auth.user().map(|u| u.id).unwrap_or_default();
        auth.call::<Billing>(billing::Variables { customer_id }).await
    });
    view! {
        <section class="card">
            <h1>"Billing"</h1>
            {move || returned().map(|m| view! { <p class="notice" role="status" data-testid="checkout-return">{m}</p> })}
            {move || match data.get() {
                None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any()),
                Some(Err(error)) => Either::Left(view! { <LoadError error what="billing"/> }.into_any()),
                Some(Ok(d)) => Either::Right(view! { <Current subscription=d.subscription/> <Subscribe plans=d.plans/> }),
            }}
        </section>
        <section class="card">
            <PeriodSection/>
        </section>
    }
}

#[component]
fn Current(subscription: Option<billing::BillingSubscription>) -> impl IntoView {
    let auth = use_auth();
    let portal = Action::new_local(move |_: &()| async move {
        let url = auth.call::<OpenBillingPortal>(open_billing_portal::Variables).await?.open_billing_portal.url;
        go_to(&url);
        Ok::<_, ApiError>(())
    });
    let error = Signal::derive(move || action_error(portal).get().map(|e| explain(&e)));
    let billed = subscription.as_ref().is_some_and(|s| s.stripe_subscription_id.is_some());
    let summary = match subscription {
        Some(s) => format!(
            "{} ({}) · {}{}{}",
            s.plan.name,
            s.plan.tier,
            s.status.label(),
            s.current_period_end.map(|end| format!(" · renews {}", when(&end))).unwrap_or_default(),
            if s.cancel_at_period_end { " · cancels at period end" } else { "" },
        ),
        None => "No plan yet.".to_owned(),
    };
    view! {
        <h2>"Your plan"</h2>
        <p data-testid="billing-plan">{summary}</p>
        <Show when=move || billed>
            <button type="button" class="secondary" data-testid="manage-billing" disabled=portal.pending()
                on:click=move |_| { portal.dispatch(()); }>
                "Manage billing"
            </button>
        </Show>
        <FormAlert error/>
    }
}

#[component]
fn Subscribe(plans: Vec<billing::BillingPlans>) -> impl IntoView {
    let auth = use_auth();
    // Only plans with a Stripe price can be bought online.
    let plans: Vec<_> = plans.into_iter().filter(|p| p.stripe_price_id.is_some()).collect();
    let plan_id = RwSignal::new(plans.first().map(|p| p.id.clone()).unwrap_or_default());
    let domain = RwSignal::new(String::new());
    let tools = RwSignal::new(String::new());
    let checkout = Action::new_local(move |input: &start_checkout::StartCheckoutInput| {
        let input = input.clone();
        async move {
            let url = auth.call::<StartCheckout>(start_checkout::Variables { input }).await?.start_checkout.url;
            go_to(&url);
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let tools = tools.get_untracked().split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
        checkout.dispatch(start_checkout::StartCheckoutInput {
            customer_id: None,
            plan_id: plan_id.get_untracked(),
            domain: domain.get_untracked().trim().to_owned(),
            tools,
        });
    };
    let error = Signal::derive(move || action_error(checkout).get().map(|e| explain(&e)));
    if plans.is_empty() {
        return Either::Left(view! { <p class="hint">"No plan can be bought online yet."</p> });
    }
    Either::Right(view! {
        <h2>"Subscribe"</h2>
        <form on:submit=on_submit data-testid="checkout-form" novalidate>
            <div class="field">
                <label for="checkout-plan">"Plan"</label>
                <select id="checkout-plan" on:change=move |ev| plan_id.set(event_target_value(&ev))>
                    {plans.into_iter().map(|p| {
                        let label = format!("{} ({}) · {} a month", p.name, p.tier, price(p.price_minor, &p.currency));
                        view! { <option value=p.id.clone()>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <Field label="Domain" id="checkout-domain" field="domain" value=domain error
                hint="Where your server will live, e.g. acme.example.com"/>
            <Field label="Tools" id="checkout-tools" field="tools" value=tools error optional=true
                hint="Comma-separated, e.g. ghost, nextcloud"/>
            <FormAlert error fields=&["domain", "tools"]/>
            <Submit label="Subscribe / Checkout" busy_label="Opening Checkout…" pending=checkout.pending() testid="checkout-submit"/>
        </form>
    })
}
