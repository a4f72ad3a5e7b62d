//! /staff: staff members and invitations, both paged (ADMIN+ read); the OWNER
//! invites, changes roles and deactivates; ADMIN and above revoke pending
//! invitations and reactivate members (an OWNER only by an OWNER).

mod invitation;
mod invite;
mod member;

use crate::auth::use_auth;
use crate::components::form::Notice;
use crate::components::list::{load_error, Loading, Pager, Paging, PAGE_SIZE};
use crate::error::ApiError;
use crate::gql::{invitations, staff_members, Invitations, StaffMembers};
use crate::model::StaffRole;
use invitation::InvitationRow;
use invite::InviteForm;
use leptos::prelude::*;
use member::MemberRow;

pub(crate) fn parse_role(s: &str) -> Option<StaffRole> {
    [StaffRole::Owner, StaffRole::Admin, StaffRole::Manager, StaffRole::Support].into_iter().find(|r| r.as_str() == s)
}

/// A button that asks first: "`label`" becomes `question` with "`confirm`"
/// (which runs `action`) and "Cancel". Test ids: `testid`, `testid`-confirm.
#[component]
fn ConfirmStep(
    label: &'static str,
    confirm: &'static str,
    question: String,
    testid: &'static str,
    action: Action<(), Result<(), ApiError>>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
        <Show when=move || confirming.get() fallback=move || view! {
            <button type="button" class="secondary" data-testid=testid on:click=move |_| confirming.set(true)>{label}</button>
        }>
            <span role="alert">{question.clone()}</span>
            <button type="button" class="danger" data-testid=format!("{testid}-confirm") disabled=action.pending()
                on:click=move |_| { action.dispatch(()); }>{confirm}</button>
            <button type="button" class="link" on:click=move |_| confirming.set(false)>"Cancel"</button>
        </Show>
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let auth = use_auth();
    let is_owner = Memo::new(move |_| auth.user().is_some_and(|u| u.has_role_at_least(StaffRole::Owner)));
    let cursor = Paging::new();
    let members = LocalResource::new(move || {
        let variables = staff_members::Variables { first: Some(PAGE_SIZE), after: cursor.after.get() };
        async move { auth.call::<StaffMembers>(variables).await }
    });
    let invite_cursor = Paging::new();
    let invites = LocalResource::new(move || {
        let variables = invitations::Variables { first: Some(PAGE_SIZE), after: invite_cursor.after.get() };
        async move { auth.call::<Invitations>(variables).await }
    });
    let notice = RwSignal::new(None::<String>);
    let on_changed = Callback::new(move |message: String| {
        notice.set(Some(message));
        members.refetch();
        invites.refetch();
    });

    view! {
        <h1>"Staff"</h1>
        <Notice message=notice/>
        <Show when=move || is_owner.get()>
            <InviteForm on_changed/>
        </Show>
        <section class="card" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=load_error>
                    {move || Suspend::new(async move {
                        let page = members.await?.staff_members;
                        let owner = is_owner.get_untracked();
                        Ok::<_, ApiError>(view! {
                            <ul class="rows" data-testid="staff-list">
                                {page.nodes.into_iter().map(|m| view! { <MemberRow member=m owner on_changed/> }).collect_view()}
                            </ul>
                            <Pager paging=cursor has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor total=page.total_count/>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
        <section class="card" aria-labelledby="invites-title">
            <h2 id="invites-title">"Invitations"</h2>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=load_error>
                    {move || Suspend::new(async move {
                        let page = invites.await?.invitations;
                        Ok::<_, ApiError>(view! {
                            {page.nodes.is_empty().then(|| view! { <p class="hint">"No invitations."</p> })}
                            <ul class="rows" data-testid="invitation-list">
                                {page.nodes.into_iter().map(|i| view! { <InvitationRow invitation=i on_changed/> }).collect_view()}
                            </ul>
                            <Pager paging=invite_cursor has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor
                                total=page.total_count testid="invitations-pager"/>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
