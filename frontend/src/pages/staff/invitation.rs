//! One invitation's row: accepted, or pending with its expiry; a pending one
//! can be revoked (ADMIN and above, with a confirm step) and its link then fails.

use super::ConfirmStep;
use crate::auth::use_auth;
use crate::components::form::{action_error, FormAlert};
use crate::components::list::when;
use crate::error::ApiError;
use crate::gql::{invitations::InvitationsInvitationsNodes as Invitation, revoke_invitation, RevokeInvitation};
use leptos::prelude::*;

#[component]
pub fn InvitationRow(invitation: Invitation, on_changed: Callback<String>) -> impl IntoView {
    let auth = use_auth();
    let id = StoredValue::new(invitation.id.clone());
    let email = invitation.email.clone();
    let revoke = Action::new_local(move |_: &()| {
        let variables = revoke_invitation::Variables { id: id.get_value() };
        async move {
            auth.call::<RevokeInvitation>(variables).await?;
            on_changed.run("Invitation revoked; its link no longer works.".to_owned());
            Ok::<_, ApiError>(())
        }
    });
    let error = action_error(revoke);
    let pending = invitation.accepted_at.is_none();

    view! {
        <li class="row" data-testid="invitation-row">
            <strong>{invitation.email}</strong> " " <span class="badge">{invitation.role.as_str()}</span> " "
            <span class="hint">{match invitation.accepted_at {
                Some(at) => format!("accepted {}", when(&at)),
                None => format!("pending, expires {}", when(&invitation.expires_at)),
            }}</span>
            {pending.then(|| view! {
                <div class="actions">
                    <ConfirmStep label="Revoke" confirm="Yes, revoke" question=format!("Revoke the invitation of {email}?")
                        testid="invitation-revoke" action=revoke/>
                </div>
                <FormAlert error/>
            })}
        </li>
    }
}
