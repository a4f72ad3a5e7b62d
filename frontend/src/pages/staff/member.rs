//! One staff member's row; the OWNER changes the role or deactivates
//! (with a confirm step); ADMIN and above reactivate a deactivated member
//! (an OWNER's account: the OWNER only, as the server insists).

use super::{parse_role, ConfirmStep};
use crate::auth::use_auth;
use crate::components::form::{action_error, FormAlert};
use crate::error::ApiError;
use crate::gql::{
    deactivate_staff, reactivate_staff, staff_members::StaffMembersStaffMembersNodes as Member, update_staff, DeactivateStaff,
    ReactivateStaff, UpdateStaff,
};
use crate::model::StaffRole;
use leptos::prelude::*;

#[component]
pub fn MemberRow(member: Member, owner: bool, on_changed: Callback<String>) -> impl IntoView {
    let auth = use_auth();
    let me = auth.user().map(|u| u.id).unwrap_or_default();
    let manageable = owner && member.active && member.id != me;
    // The page is ADMIN and above; an OWNER's account only the OWNER brings back.
    let reactivatable = !member.active && (owner || member.role != Some(StaffRole::Owner));
    let role = RwSignal::new(member.role.map(|r| r.as_str().to_owned()).unwrap_or_default());
    let current = member.role;
    let id = StoredValue::new(member.id.clone());
    let name = member.name.clone();

    let save_role = Action::new_local(move |_: &()| {
        let new_role = parse_role(&role.get_untracked());
        let variables =
            update_staff::Variables { id: id.get_value(), input: update_staff::UpdateStaffInput { name: None, role: new_role } };
        async move {
            auth.call::<UpdateStaff>(variables).await?;
            on_changed.run("Role changed.".to_owned());
            Ok::<_, ApiError>(())
        }
    });
    let deactivate = Action::new_local(move |_: &()| {
        let variables = deactivate_staff::Variables { id: id.get_value() };
        async move {
            auth.call::<DeactivateStaff>(variables).await?;
            on_changed.run("Staff member deactivated.".to_owned());
            Ok::<_, ApiError>(())
        }
    });
    let reactivate = Action::new_local(move |_: &()| {
        let variables = reactivate_staff::Variables { id: id.get_value() };
        async move {
            auth.call::<ReactivateStaff>(variables).await?;
            on_changed.run("Staff member reactivated; they sign in with their password.".to_owned());
            Ok::<_, ApiError>(())
        }
    });
    let (role_error, deactivate_error, reactivate_error) = (action_error(save_role), action_error(deactivate), action_error(reactivate));
    let role_id = format!("role-{}", member.id);

    view! {
        <li class="row" data-testid="staff-row">
            <p>
                <strong>{member.name.clone()}</strong> " " <span class="hint">{member.email.clone()}</span> " "
                <span class="badge" data-testid="staff-role">{member.role.map(|r| r.as_str()).unwrap_or("—")}</span> " "
                <span class="badge" data-testid="staff-active">{if member.active { "active" } else { "deactivated" }}</span>
            </p>
            {manageable.then(|| view! {
                <div class="actions">
                    <label for=role_id.clone()>"Role"</label>
                    <select id=role_id.clone() bind:value=role data-testid="staff-role-select">
                        {[StaffRole::Support, StaffRole::Manager, StaffRole::Admin, StaffRole::Owner].into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=current == Some(r)>{r.as_str()}</option> })
                            .collect_view()}
                    </select>
                    <button type="button" class="secondary" disabled=save_role.pending()
                        on:click=move |_| { save_role.dispatch(()); }>"Change role"</button>
                    <ConfirmStep label="Deactivate" confirm="Yes, deactivate" question=format!("Deactivate {name}? Their sessions end at once.")
                        testid="staff-deactivate" action=deactivate/>
                </div>
                <FormAlert error=role_error/>
                <FormAlert error=deactivate_error/>
            })}
            {reactivatable.then(|| view! {
                <div class="actions">
                    <button type="button" class="secondary" data-testid="staff-reactivate" disabled=reactivate.pending()
                        on:click=move |_| { reactivate.dispatch(()); }>"Reactivate"</button>
                </div>
                <FormAlert error=reactivate_error/>
            })}
        </li>
    }
}
