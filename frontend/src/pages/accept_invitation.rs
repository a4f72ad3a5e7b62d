//! /accept-invitation?token=…: the link an invited staff member receives.
//!
//! It first shows what the invitation is for (email and role), so nobody sets
//! a password for an account they did not expect, then creates the account
//! and signs the new staff member in.

use crate::auth::use_auth;
use crate::components::form::{action_error, sentence, Field, FormAlert, Submit};
use crate::error::ApiError;
use crate::gql::{accept_invitation, invitation_preview, AcceptInvitation, InvitationPreview};
use crate::model::StaffRole;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let token = Memo::new(move |_| query.with(|q| q.get("token")).unwrap_or_default());
    let preview = LocalResource::new(move || {
        let token = token.get();
        async move {
            if token.is_empty() {
                return Err(ApiError::invalid("This link has no invitation token."));
            }
            let variables = invitation_preview::Variables { token };
            Ok(auth.call_public::<InvitationPreview>(variables).await?.invitation)
        }
    });

    view! {
        <main class="auth-shell">
            <section class="card">
                <h1>"Join Hub"</h1>
                <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Checking your invitation…"</p> }>
                    <ErrorBoundary fallback=|errors| {
                        view! {
                            <div role="alert" class="alert" data-testid="invitation-error">
                                <p>"This invitation cannot be used."</p>
                                <ul>
                                    {move || {
                                        errors.get().into_iter()
                                            .map(|(_, e)| view! { <li>{sentence(&e.to_string())}</li> })
                                            .collect_view()
                                    }}
                                </ul>
                            </div>
                            <p>"Ask the person who invited you for a new link, or "<a href="/login">"sign in"</a>"."</p>
                        }
                    }>
                        {move || Suspend::new(async move {
                            let invitation = preview.await?;
                            Ok::<_, ApiError>(view! {
                                <AcceptForm
                                    token=token.get_untracked()
                                    email=invitation.email
                                    role=invitation.role
                                    expires_at=invitation.expires_at
                                />
                            })
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
        </main>
    }
}

#[component]
fn AcceptForm(token: String, email: String, role: StaffRole, expires_at: String) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let token = StoredValue::new(token);

    let accept = Action::new_local(move |(name, password): &(String, String)| {
        let variables = accept_invitation::Variables { token: token.get_value(), name: name.clone(), password: password.clone() };
        let navigate = navigate.clone();
        async move {
            let session = auth.call_public::<AcceptInvitation>(variables).await?.accept_invitation;
            auth.sign_in(session.into());
            navigate("/", NavigateOptions { replace: true, ..Default::default() });
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        accept.dispatch((name.get_untracked().trim().to_owned(), password.get_untracked()));
    };
    let error = action_error(accept);
    // "2026-12-01T10:00:00Z" → "2026-12-01": the day is what matters here.
    let expires_on = expires_at.get(..10).unwrap_or(&expires_at).to_owned();

    view! {
        <dl class="facts" data-testid="invitation">
            <dt>"Email"</dt>
            <dd data-testid="invitation-email">{email}</dd>
            <dt>"Role"</dt>
            <dd data-testid="invitation-role">{role.as_str()}</dd>
            <dt>"Valid until"</dt>
            <dd>{expires_on}</dd>
        </dl>
        <form on:submit=on_submit data-testid="accept-invitation-form" novalidate>
            <Field label="Your name" id="invite-name" field="name" autocomplete="name" value=name error/>
            <Field label="Choose a password" id="invite-password" field="password" kind="password"
                autocomplete="new-password" value=password error/>
            <FormAlert error fields=&["name", "password"]/>
            <Submit label="Create account" busy_label="Creating…" pending=accept.pending()
                testid="accept-invitation-submit"/>
        </form>
    }
}
