//! The "New customer" form (ADMIN and above). The answer carries the
//! one-time set-password link; it is shown once, right here, and never again.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Submit};
use crate::components::list::optional;
use crate::error::ApiError;
use crate::gql::{create_customer, CreateCustomer};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

/// A created customer and the absolute link to hand them.
#[derive(Clone)]
struct Created {
    id: String,
    name: String,
    link: String,
}

#[component]
pub fn NewCustomer(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let auth = use_auth();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let created = RwSignal::new(None::<Created>);

    let create = Action::new_local(move |input: &create_customer::CreateCustomerInput| {
        let input = input.clone();
        async move {
            created.set(None);
            let answer = auth.call::<CreateCustomer>(create_customer::Variables { input }).await?.create_customer;
            let origin = window().location().origin().unwrap_or_default();
            created.set(Some(Created {
                id: answer.customer.id,
                name: answer.customer.name,
                link: format!("{origin}{}", answer.set_password_path),
            }));
            for field in [email, name, company, phone, notes] {
                field.set(String::new());
            }
            on_created();
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch(create_customer::CreateCustomerInput {
            email: email.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            company: optional(company.get_untracked()),
            phone: optional(phone.get_untracked()),
            notes: optional(notes.get_untracked()),
        });
    };
    let error = action_error(create);

    view! {
        <section class="card" aria-labelledby="new-customer-title">
            <h2 id="new-customer-title">"New customer"</h2>
            {move || created.get().map(|c| view! {
                <div class="notice one-time" role="status" data-testid="customer-created">
                    <p>
                        <A href=format!("/customers/{}", c.id)>{c.name}</A>
                        " has been created. Send them this link to choose a password:"
                    </p>
                    <input type="text" readonly aria-label="Set-password link" data-testid="set-password-link"
                        prop:value=c.link on:focus=|ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                input.select();
                            }
                        }/>
                    <p class="hint">
                        "Copy it now (select it and press Ctrl+C): it is shown only this once and is valid for 7 days."
                    </p>
                    <button type="button" class="link" on:click=move |_| created.set(None)>"Done, hide the link"</button>
                </div>
            })}
            <form on:submit=on_submit data-testid="new-customer-form" novalidate>
                <Field label="E-mail" id="customer-email" field="email" kind="email" value=email error/>
                <Field label="Name" id="customer-name" field="name" value=name error/>
                <Field label="Company" id="customer-company" field="company" value=company error optional=true/>
                <Field label="Phone" id="customer-phone" field="phone" kind="tel" value=phone error optional=true/>
                <div class="field">
                    <label for="customer-notes">"Notes (staff only)"</label>
                    <textarea id="customer-notes" name="notes" rows="3" bind:value=notes></textarea>
                </div>
                <FormAlert error fields=&["email", "name", "company", "phone"]/>
                <Submit label="Create customer" busy_label="Creating…" pending=create.pending() testid="new-customer-submit"/>
            </form>
        </section>
    }
}
