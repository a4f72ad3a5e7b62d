//! Open approvals: the first five pending requests, approved or denied in
//! place, reloaded live as tenants ask for more.

use super::section::Section;
use crate::auth::use_auth;
use crate::error::ApiError;
use crate::gql::{approvals, Approvals};
use crate::live::approvals::arrivals;
use crate::pages::approvals::ApprovalRow;
use leptos::prelude::*;

/// Pending approvals the section shows.
const OPEN_SHOWN: i64 = 5;

#[component]
pub fn OpenApprovals() -> impl IntoView {
    let auth = use_auth();
    let arrived = arrivals(auth);
    let message = RwSignal::new(None::<String>);
    let open = LocalResource::new(move || {
        arrived.track();
        let variables = approvals::Variables { status: Some(approvals::ApprovalStatus::PENDING), first: Some(OPEN_SHOWN), after: None };
        async move { auth.call::<Approvals>(variables).await }
    });
    let refresh = Callback::new(move |note: Option<String>| {
        message.set(note);
        open.refetch();
    });
    view! {
        <Section id="dashboard-approvals" title="Open approvals" more=Some(("/approvals", "All approvals"))>
            {move || message.get().map(|m| view! { <p class="alert" role="alert" data-testid="approval-message">{m}</p> })}
            {move || Suspend::new(async move {
                let page = open.await?.approvals;
                Ok::<_, ApiError>(if page.nodes.is_empty() {
                    view! { <p class="hint" data-testid="dashboard-no-approvals">"Nothing is waiting for your approval."</p> }.into_any()
                } else {
                    view! {
                        <p class="hint" data-testid="dashboard-approvals-count">{format!("{} waiting", page.total_count)}</p>
                        <ul class="rows">{page.nodes.into_iter().map(|row| view! { <ApprovalRow row refresh/> }).collect_view()}</ul>
                    }.into_any()
                })
            })}
        </Section>
    }
}
