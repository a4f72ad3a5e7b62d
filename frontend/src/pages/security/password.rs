//! Changing the password. The current password is required so that a
//! borrowed, unlocked session cannot take the account over.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Notice, Submit};
use crate::error::ApiError;
use crate::gql::{change_password, ChangePassword};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

#[derive(Clone)]
struct Change {
    current: String,
    new: String,
    repeat: String,
}

#[component]
pub fn PasswordSection() -> impl IntoView {
    let auth = use_auth();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);

    let change = Action::new_local(move |c: &Change| {
        let c = c.clone();
        async move {
            notice.set(None);
            // Caught here because the server never sees the repeat field.
            if c.new != c.repeat {
                return Err(ApiError::field("confirmPassword", "The two new passwords differ."));
            }
            let variables = change_password::Variables { current_password: c.current, new_password: c.new };
            auth.call::<ChangePassword>(variables).await?;
            for field in [current, new, repeat] {
                field.set(String::new());
            }
            notice.set(Some("Your password has been changed.".to_owned()));
            Ok(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        change.dispatch(Change { current: current.get_untracked(), new: new.get_untracked(), repeat: repeat.get_untracked() });
    };
    let error = action_error(change);

    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <form on:submit=on_submit data-testid="change-password-form" novalidate>
                // Lets password managers file the new password under the right account.
                <input type="email" name="username" autocomplete="username" hidden readonly
                    prop:value=move || auth.user().map(|u| u.email).unwrap_or_default()/>
                <Field label="Current password" id="current-password" field="currentPassword"
                    kind="password" autocomplete="current-password" value=current error/>
                <Field label="New password" id="new-password" field="newPassword" kind="password"
                    autocomplete="new-password" value=new error/>
                <Field label="Repeat the new password" id="confirm-password" field="confirmPassword"
                    kind="password" autocomplete="new-password" value=repeat error/>
                <FormAlert error fields=&["currentPassword", "newPassword", "confirmPassword"]/>
                <Notice message=notice/>
                <Submit label="Change password" busy_label="Saving…" pending=change.pending()
                    testid="change-password-submit"/>
            </form>
        </section>
    }
}
