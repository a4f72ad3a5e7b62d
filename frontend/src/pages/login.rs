//! /login: email and password, then (when the account has 2FA) a second step
//! on the same page for a TOTP or backup code.
//!
//! The second step stays on this page because the pending token it needs is
//! short-lived and should not outlive the page in a URL or in storage.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Submit};
use crate::error::ApiError;
use crate::gql::{login, verify_two_factor, Login, VerifyTwoFactor};
use crate::model::Session;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[derive(Clone, PartialEq)]
enum Step {
    Credentials,
    TwoFactor { pending_token: String },
}

/// Where to go after signing in: `?next=` if it is a path on this site.
fn next_path(next: Option<String>) -> String {
    match next {
        // "//evil.example" is a protocol-relative URL to another site.
        Some(next) if next.starts_with('/') && !next.starts_with("//") => next,
        _ => "/".to_owned(),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_navigate();
    let step = RwSignal::new(Step::Credentials);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());

    let finish = move |session: Session| {
        auth.sign_in(session);
        let next = next_path(query.with_untracked(|q| q.get("next")));
        navigate(&next, NavigateOptions { replace: true, ..Default::default() });
    };

    let sign_in = Action::new_local({
        let finish = finish.clone();
        move |(email, password): &(String, String)| {
            let variables = login::Variables { email: email.clone(), password: password.clone() };
            let finish = finish.clone();
            async move {
                let result = auth.call_public::<Login>(variables).await?.login;
                match (result.requires_two_factor, result.pending_token, result.session) {
                    (true, Some(pending_token), _) => {
                        code.set(String::new());
                        step.set(Step::TwoFactor { pending_token });
                    }
                    (false, _, Some(session)) => finish(session.into()),
                    _ => return Err(ApiError::network("The server's sign-in answer was incomplete.")),
                }
                Ok(())
            }
        }
    });

    let verify = Action::new_local(move |(pending_token, code): &(String, String)| {
        let variables = verify_two_factor::Variables { pending_token: pending_token.clone(), code: code.clone() };
        let finish = finish.clone();
        async move {
            let session = auth.call_public::<VerifyTwoFactor>(variables).await?.verify_two_factor;
            finish(session.into());
            Ok::<_, ApiError>(())
        }
    });

    let on_credentials = move |ev: SubmitEvent| {
        ev.prevent_default();
        sign_in.dispatch((email.get_untracked().trim().to_owned(), password.get_untracked()));
    };
    let on_code = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Step::TwoFactor { pending_token } = step.get_untracked() {
            // Codes are often pasted as "123 456"; the server wants the digits.
            let code: String = code.get_untracked().chars().filter(|c| !c.is_whitespace()).collect();
            verify.dispatch((pending_token, code));
        }
    };
    let start_over = move |_| {
        verify.clear();
        sign_in.clear();
        password.set(String::new());
        step.set(Step::Credentials);
    };

    let sign_in_error = action_error(sign_in);
    let verify_error = action_error(verify);
    let on_two_factor = Memo::new(move |_| matches!(step.get(), Step::TwoFactor { .. }));

    view! {
        <main class="auth-shell">
            <section class="card">
                <h1>"Sign in to Hub"</h1>
                <Show
                    when=move || on_two_factor.get()
                    fallback=move || {
                        view! {
                            <form on:submit=on_credentials data-testid="login-form" novalidate>
                                <Field label="Email" id="login-email" field="email" kind="email"
                                    autocomplete="username" value=email error=sign_in_error/>
                                <Field label="Password" id="login-password" field="password"
                                    kind="password" autocomplete="current-password" value=password
                                    error=sign_in_error/>
                                <FormAlert error=sign_in_error fields=&["email", "password"]/>
                                <Submit label="Sign in" busy_label="Signing in…"
                                    pending=sign_in.pending() testid="login-submit"/>
                            </form>
                        }
                    }
                >
                    <form on:submit=on_code data-testid="two-factor-form" novalidate>
                        <p>"Enter the 6-digit code from your authenticator app, or one of your backup codes."</p>
                        <Field label="Authentication code" id="login-code" field="code"
                            autocomplete="one-time-code" value=code error=verify_error autofocus=true/>
                        <FormAlert error=verify_error fields=&["code"]/>
                        <div class="actions">
                            <Submit label="Verify" busy_label="Verifying…" pending=verify.pending()
                                testid="two-factor-submit"/>
                            <button type="button" class="link" on:click=start_over>"Start over"</button>
                        </div>
                    </form>
                </Show>
                <p class="footnote">
                    "Invited by a colleague? Open the link from your invitation e-mail."
                </p>
            </section>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::next_path;

    #[test]
    fn next_only_accepts_paths_on_this_site() {
        assert_eq!(next_path(Some("/security".into())), "/security");
        assert_eq!(next_path(Some("//evil.example/x".into())), "/");
        assert_eq!(next_path(Some("https://evil.example".into())), "/");
        assert_eq!(next_path(None), "/");
    }
}
