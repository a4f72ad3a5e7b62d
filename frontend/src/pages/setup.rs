//! /setup: creates the first OWNER on a fresh install, then signs them in.
//!
//! The server refuses `setup` once any staff exists; this page only mirrors
//! that by showing a pointer to /login when setup is no longer required.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Submit};
use crate::error::ApiError;
use crate::gql::{setup, Setup};
use leptos::either::EitherOf3;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

#[component]
pub fn SetupPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <main class="auth-shell">
            <section class="card">
                <h1>"Set up Hub"</h1>
                {move || match auth.setup_required.get() {
                    Some(true) => EitherOf3::A(view! { <SetupForm/> }),
                    Some(false) => EitherOf3::B(view! {
                        <p role="status" data-testid="setup-done">
                            "Hub is already set up. "
                            <a href="/login">"Sign in"</a>
                            " with your account."
                        </p>
                    }),
                    None => EitherOf3::C(view! { <p class="loading" aria-busy="true">"Checking…"</p> }),
                }}
            </section>
        </main>
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    let create = Action::new_local(move |input: &setup::SetupInput| {
        let variables = setup::Variables { input: input.clone() };
        let navigate = navigate.clone();
        async move {
            let session = auth.call_public::<Setup>(variables).await?.setup;
            // Signed in first, so the dashboard finds a session when it loads.
            auth.sign_in(session.into());
            navigate("/", NavigateOptions { replace: true, ..Default::default() });
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch(setup::SetupInput {
            name: name.get_untracked().trim().to_owned(),
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        });
    };
    let error = action_error(create);

    view! {
        <p>"Create the owner account. The owner manages staff and every setting."</p>
        <form on:submit=on_submit data-testid="setup-form" novalidate>
            <Field label="Your name" id="setup-name" field="name" autocomplete="name" value=name error/>
            <Field label="Email" id="setup-email" field="email" kind="email" autocomplete="email"
                value=email error/>
            <Field label="Password" id="setup-password" field="password" kind="password"
                autocomplete="new-password" value=password error
                hint="Use a long passphrase you do not use anywhere else."/>
            <FormAlert error fields=&["name", "email", "password"]/>
            <Submit label="Create owner account" busy_label="Creating…" pending=create.pending()
                testid="setup-submit"/>
        </form>
    }
}
