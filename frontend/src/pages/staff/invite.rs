//! Inviting a staff member (OWNER). The accept link carries a token shown
//! only this once, so it is displayed in full, absolute, ready to copy.

use super::parse_role;
use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FieldNote, FormAlert, Submit};
use crate::error::ApiError;
use crate::gql::{invite_staff, InviteStaff};
use crate::model::StaffRole;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = encodeURIComponent)]
    fn encode_uri_component(text: &str) -> String;
}

fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

#[component]
pub fn InviteForm(on_changed: Callback<String>) -> impl IntoView {
    let auth = use_auth();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("SUPPORT".to_owned());
    let link = RwSignal::new(None::<(String, String)>);
    let invite = Action::new_local(move |_: &()| {
        let variables =
            parse_role(&role.get_untracked()).map(|role| invite_staff::Variables { email: email.get_untracked().trim().to_owned(), role });
        async move {
            let variables = variables.ok_or_else(|| ApiError::field("role", "Choose a role."))?;
            let made = auth.call::<InviteStaff>(variables).await?.invite_staff;
            let url = format!("{}/accept-invitation?token={}", origin(), encode_uri_component(&made.token));
            link.set(Some((made.invitation.email, url)));
            email.set(String::new());
            on_changed.run("Invitation created.".to_owned());
            Ok(())
        }
    });
    let error = action_error(invite);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        link.set(None);
        invite.dispatch(());
    };
    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite a staff member"</h2>
            {move || link.get().map(|(to, url)| view! {
                <div class="codes" role="status" data-testid="invite-link-box">
                    <p>"Send this link to " <strong>{to}</strong> ". It is shown only now."</p>
                    <p><code class="uri" data-testid="invite-link">{url}</code></p>
                    <button type="button" class="secondary" on:click=move |_| link.set(None)>"Done"</button>
                </div>
            })}
            <form on:submit=on_submit novalidate data-testid="invite-form">
                <Field label="Email" id="invite-email" field="email" kind="email" value=email error/>
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="role" data-testid="invite-role" bind:value=role>
                        {[StaffRole::Support, StaffRole::Manager, StaffRole::Admin, StaffRole::Owner].into_iter()
                            .map(|r| view! { <option value=r.as_str()>{r.as_str()}</option> }).collect_view()}
                    </select>
                    <FieldNote id="invite-role" field="role" error/>
                </div>
                <FormAlert error fields=&["email", "role"]/>
                <Submit label="Invite" busy_label="Inviting…" pending=invite.pending() testid="invite-submit"/>
            </form>
        </section>
    }
}
