//! /customers/:id: one customer with subscription, founding-member seat and
//! orders; MANAGER and above can edit the record.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Notice, Submit};
use crate::components::guard::{is_staff, RequireRole};
use crate::components::list::{when, LoadError, StatusBadge};
use crate::domain::CustomerStatus;
use crate::error::ApiError;
use crate::gql::{customer_detail, update_customer, CustomerDetail, UpdateCustomer};
use crate::model::StaffRole;
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

type Customer = customer_detail::CustomerDetailCustomer;

#[component]
pub fn CustomerDetailPage() -> impl IntoView {
    view! {
        <RequireRole allow=is_staff>
            <CustomerView/>
        </RequireRole>
    }
}

#[component]
fn CustomerView() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let customer = LocalResource::new(move || {
        let id = id.get();
        async move { auth.call::<CustomerDetail>(customer_detail::Variables { id }).await.map(|d| d.customer) }
    });
    let can_edit = Memo::new(move |_| auth.user().is_some_and(|u| u.has_role_at_least(StaffRole::Manager)));
    // Lives here, not in the form: saving reloads the record, which rebuilds the form.
    let notice = RwSignal::new(None::<String>);

    view! {
        <p><A href="/customers">"← All customers"</A></p>
        {move || match customer.get() {
            None => Either::Left(view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any()),
            Some(Err(error)) => Either::Left(view! { <section class="card"><LoadError error what="customer"/></section> }.into_any()),
            Some(Ok(c)) => Either::Right(view! {
                <CustomerFacts customer=c.clone()/>
                <Show when=move || can_edit.get()>
                    <EditCustomer customer=c.clone() notice on_saved=move || customer.refetch()/>
                </Show>
            }),
        }}
    }
}

#[component]
fn CustomerFacts(customer: Customer) -> impl IntoView {
    let c = customer;
    let subscription = match c.subscription {
        Some(s) => Either::Left(view! {
            <dd data-testid="subscription">{s.plan.name} " (" {s.plan.tier} ") · " {s.status.label()}
                {s.current_period_end.map(|end| format!(" · renews {}", when(&end)))}
                {s.cancel_at_period_end.then_some(" · cancels at period end")}
            </dd>
        }),
        None => Either::Right(view! { <dd data-testid="subscription">"None"</dd> }),
    };
    let seat = match c.founding_member {
        Some(f) => format!("#{} · {}× tokens · until {}", f.number, f.token_multiplier, when(&f.expires_at)),
        None => "None".to_owned(),
    };
    view! {
        <section class="card" data-testid="customer-detail">
            <h1 data-testid="customer-name">{c.name}</h1>
            <dl class="facts">
                <dt>"E-mail"</dt><dd data-testid="customer-email">{c.email}</dd>
                <dt>"Company"</dt><dd>{c.company.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Phone"</dt><dd>{c.phone.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Status"</dt><dd><StatusBadge wire=c.status.as_str() label=c.status.label()/></dd>
                <dt>"Subscription"</dt>{subscription}
                <dt>"Founding member"</dt><dd data-testid="founding-member">{seat}</dd>
                <dt>"Notes"</dt><dd class="prewrap">{c.notes.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Created"</dt><dd>{when(&c.created_at)}</dd>
                <dt>"Updated"</dt><dd>{when(&c.updated_at)}</dd>
            </dl>
            <p><A href=format!("/customers/{}/usage", c.id) attr:data-testid="customer-usage-link">"Token usage"</A></p>
            <h2>"Orders"</h2>
            {if c.orders.is_empty() {
                Either::Left(view! { <p data-testid="empty">"No orders yet."</p> })
            } else {
                Either::Right(view! {
                    <ul class="plain" data-testid="customer-orders">
                        {c.orders.into_iter().map(|o| view! {
                            <li>
                                <A href=format!("/orders/{}", o.id)>{o.domain}</A>
                                " · " {o.tier} " · " <StatusBadge wire=o.status.as_str() label=o.status.label()/>
                                " · " {when(&o.created_at)}
                            </li>
                        }).collect_view()}
                    </ul>
                })
            }}
        </section>
    }
}

#[component]
fn EditCustomer(customer: Customer, notice: RwSignal<Option<String>>, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let auth = use_auth();
    let id = StoredValue::new(customer.id.clone());
    let name = RwSignal::new(customer.name);
    let company = RwSignal::new(customer.company.unwrap_or_default());
    let phone = RwSignal::new(customer.phone.unwrap_or_default());
    let notes = RwSignal::new(customer.notes.unwrap_or_default());
    let status = RwSignal::new(customer.status);

    let save = Action::new_local(move |input: &update_customer::UpdateCustomerInput| {
        let variables = update_customer::Variables { id: id.get_value(), input: input.clone() };
        async move {
            notice.set(None);
            auth.call::<UpdateCustomer>(variables).await?;
            notice.set(Some("Saved.".to_owned()));
            on_saved();
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // Empty strings clear company, phone and notes (see UpdateCustomerInput).
        save.dispatch(update_customer::UpdateCustomerInput {
            name: Some(name.get_untracked().trim().to_owned()),
            company: Some(company.get_untracked().trim().to_owned()),
            phone: Some(phone.get_untracked().trim().to_owned()),
            notes: Some(notes.get_untracked().trim().to_owned()),
            status: Some(status.get_untracked()),
        });
    };
    let error = action_error(save);

    view! {
        <section class="card" aria-labelledby="edit-customer-title">
            <h2 id="edit-customer-title">"Edit customer"</h2>
            <form on:submit=on_submit data-testid="edit-customer-form" novalidate>
                <Field label="Name" id="edit-name" field="name" value=name error/>
                <Field label="Company" id="edit-company" field="company" value=company error optional=true/>
                <Field label="Phone" id="edit-phone" field="phone" kind="tel" value=phone error optional=true/>
                <div class="field">
                    <label for="edit-status">"Status"</label>
                    <select id="edit-status" on:change=move |ev| {
                        if let Some(s) = CustomerStatus::parse(&event_target_value(&ev)) {
                            status.set(s);
                        }
                    }>
                        {CustomerStatus::ALL.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s.as_str() selected=move || status.get() == s>{s.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="edit-notes">"Notes (staff only)"</label>
                    <textarea id="edit-notes" name="notes" rows="3" bind:value=notes></textarea>
                </div>
                <FormAlert error fields=&["name", "company", "phone"]/>
                <Notice message=notice/>
                <Submit label="Save changes" busy_label="Saving…" pending=save.pending() testid="edit-customer-submit"/>
            </form>
        </section>
    }
}
