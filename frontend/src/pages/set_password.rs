//! /set-password?token=…: the one-time link staff hand a new customer.
//!
//! The customer chooses a password; the server signs them in (refresh cookie
//! plus an AuthSession, exactly like accepting a staff invitation) and the
//! dashboard opens.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Submit};
use crate::error::ApiError;
use crate::gql::{set_password, SetPassword};
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let query = use_query_map();
    let token = Memo::new(move |_| query.with(|q| q.get("token")).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());

    let save = Action::new_local(move |(password, repeat): &(String, String)| {
        let (password, repeat) = (password.clone(), repeat.clone());
        let token = token.get_untracked();
        let navigate = navigate.clone();
        async move {
            // Caught here because the server never sees the repeat field.
            if password != repeat {
                return Err(ApiError::field("confirmPassword", "The two passwords differ."));
            }
            let session = auth.call_public::<SetPassword>(set_password::Variables { token, password }).await?.set_password;
            auth.sign_in(session.into());
            navigate("/", NavigateOptions { replace: true, ..Default::default() });
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch((password.get_untracked(), repeat.get_untracked()));
    };
    let error = action_error(save);

    view! {
        <main class="auth-shell">
            <section class="card">
                <h1>"Choose your password"</h1>
                {move || {
                    if token.with(String::is_empty) {
                        Either::Left(view! {
                            <p class="alert" role="alert" data-testid="set-password-error">
                                "This link has no token. Ask Hub's staff for a new link."
                            </p>
                        })
                    } else {
                        Either::Right(view! {
                            <p>"Welcome to Hub. Choose the password you will sign in with."</p>
                            <form on:submit=on_submit data-testid="set-password-form" novalidate>
                                <Field label="Password" id="set-password" field="password" kind="password"
                                    autocomplete="new-password" value=password error autofocus=true/>
                                <Field label="Repeat the password" id="set-password-repeat" field="confirmPassword"
                                    kind="password" autocomplete="new-password" value=repeat error/>
                                <FormAlert error fields=&["password", "confirmPassword"]/>
                                <Submit label="Set password and sign in" busy_label="Saving…" pending=save.pending()
                                    testid="set-password-submit"/>
                            </form>
                        })
                    }
                }}
                <p class="footnote">"Already have a password? "<a href="/login">"Sign in"</a>"."</p>
            </section>
        </main>
    }
}
