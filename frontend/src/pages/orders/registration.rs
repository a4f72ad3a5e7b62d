//! The order's one-time server registration token (MANAGER and above). It is
//! shown only here, once; the server's Safety Wrapper exchanges it at
//! `POST /api/v1/tenant/register` for its hub key and webhook signing secret.

use crate::auth::use_auth;
use crate::components::form::{action_error, FormAlert};
use crate::error::ApiError;
use crate::gql::{issue_registration_token, IssueRegistrationToken};
use leptos::prelude::*;

#[component]
pub fn RegistrationTokenSection(order_id: String) -> impl IntoView {
    let auth = use_auth();
    let order_id = StoredValue::new(order_id);
    let token = RwSignal::new(None::<String>);
    let issue = Action::new_local(move |_: &()| async move {
        token.set(None);
        let variables = issue_registration_token::Variables { order_id: order_id.get_value() };
        token.set(Some(auth.call::<IssueRegistrationToken>(variables).await?.issue_registration_token));
        Ok::<_, ApiError>(())
    });
    let error = action_error(issue);

    view! {
        <section class="card" aria-labelledby="registration-title" data-testid="registration">
            <h2 id="registration-title">"Server registration"</h2>
            <p class="hint">"The server registers once with a token valid for 7 days; a new token replaces an unused one."</p>
            {move || token.get().map(|t| view! {
                <div class="codes" role="status" data-testid="registration-token-box">
                    <p>"Copy this token now (select it and press Ctrl+C): it is shown only this once."</p>
                    <p><code class="uri" data-testid="registration-token">{t}</code></p>
                    <button type="button" class="secondary" on:click=move |_| token.set(None)>"Done"</button>
                </div>
            })}
            <FormAlert error/>
            <button type="button" class="primary" disabled=issue.pending() data-testid="issue-registration-token"
                on:click=move |_| { issue.dispatch(()); }>"Issue registration token"</button>
        </section>
    }
}
