//! /approvals: gated commands agents asked to run. Staff see all, customers
//! their own orders' (the server narrows the list); ADMIN+ and customers
//! decide, and their list reloads as tenants ask (`approvalRequested`). A
//! CONFLICT answer (decided elsewhere, or expired) is shown and the list is
//! reloaded.

use crate::auth::use_auth;
use crate::components::form::{action_error, sentence, FormAlert};
use crate::components::list::{load_error, when, Loading, Pager, Paging, PAGE_SIZE};
use crate::error::{ApiError, ErrorCode};
use crate::gql::{approvals, decide_approval, Approvals, DecideApproval};
use crate::live::approvals::{arrivals, may_decide};
use leptos::prelude::*;

type Row = approvals::ApprovalsApprovalsNodes;

fn parse_status(s: &str) -> Option<approvals::ApprovalStatus> {
    use approvals::ApprovalStatus::*;
    match s {
        "PENDING" => Some(PENDING),
        "APPROVED" => Some(APPROVED),
        "DENIED" => Some(DENIED),
        "EXPIRED" => Some(EXPIRED),
        _ => None,
    }
}

/// The CSS class for a command class: green, yellow, red, anything else neutral.
fn class_colour(class: &str) -> &'static str {
    match class.to_ascii_lowercase().as_str() {
        "green" => "pill pill-green",
        "yellow" => "pill pill-yellow",
        "red" | "critical" => "pill pill-red",
        _ => "pill",
    }
}

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let auth = use_auth();
    let status = RwSignal::new("PENDING".to_owned());
    let cursor = Paging::new();
    let arrived = arrivals(auth);
    let list = LocalResource::new(move || {
        arrived.track();
        let variables = approvals::Variables { status: parse_status(&status.get()), first: Some(PAGE_SIZE), after: cursor.after.get() };
        async move { auth.call::<Approvals>(variables).await }
    });
    let message = RwSignal::new(None::<String>);
    let refresh = Callback::new(move |note: Option<String>| {
        message.set(note);
        list.refetch();
    });

    view! {
        <h1>"Approvals"</h1>
        <div class="field filter">
            <label for="approval-status">"Status"</label>
            <select id="approval-status" data-testid="approval-status" bind:value=status
                on:change=move |_| cursor.reset()>
                <option value="PENDING">"Pending"</option>
                <option value="APPROVED">"Approved"</option>
                <option value="DENIED">"Denied"</option>
                <option value="EXPIRED">"Expired"</option>
                <option value="">"All"</option>
            </select>
        </div>
        {move || message.get().map(|m| view! { <p class="alert" role="alert" data-testid="approval-message">{m}</p> })}
        <Transition fallback=Loading>
            <ErrorBoundary fallback=load_error>
                {move || Suspend::new(async move {
                    let page = list.await?.approvals;
                    let rows = page.nodes;
                    Ok::<_, ApiError>(view! {
                        {if rows.is_empty() {
                            view! { <p class="card hint" data-testid="approvals-empty">"No approvals to show."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="rows" data-testid="approvals-list">
                                    {rows.into_iter().map(|row| view! { <ApprovalRow row refresh/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <Pager paging=cursor has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor total=page.total_count/>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Who decided, as far as the API tells: the id, or "you".
fn decider(decided_by: Option<&str>, me: Option<&str>) -> String {
    match decided_by {
        Some(id) if Some(id) == me => "you".to_owned(),
        Some(id) => id.to_owned(),
        None => "the system".to_owned(),
    }
}

/// One approval, with Approve/Deny while it is pending (also on the dashboard).
#[component]
pub fn ApprovalRow(row: Row, refresh: Callback<Option<String>>) -> impl IntoView {
    let auth = use_auth();
    let can_decide = auth.user().is_some_and(|u| may_decide(&u));
    let me = auth.user().map(|u| u.id);
    let state = RwSignal::new((format!("{:?}", row.status), row.decided_by.clone(), row.decided_at.clone(), row.decision_reason.clone()));
    let reason = RwSignal::new(String::new());
    let id = StoredValue::new(row.id.clone());
    let decide = Action::new_local(move |action: &decide_approval::ApprovalAction| {
        let text = reason.get_untracked().trim().to_owned();
        let variables =
            decide_approval::Variables { id: id.get_value(), action: action.clone(), reason: (!text.is_empty()).then_some(text) };
        async move {
            match auth.call::<DecideApproval>(variables).await {
                Ok(d) => {
                    let a = d.decide_approval;
                    state.set((format!("{:?}", a.status), a.decided_by, a.decided_at, a.decision_reason));
                    Ok(())
                }
                Err(e) if e.code == ErrorCode::Conflict => {
                    refresh.run(Some(sentence(&e.message)));
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
    });
    let error = action_error(decide);
    let reason_id = format!("reason-{}", row.id);
    view! {
        <li class="card row" data-testid="approval-row">
            <p>
                <span class=class_colour(&row.command_class) data-testid="approval-class">{row.command_class.clone()}</span>
                " " <strong>{row.agent_id.clone()}</strong> " wants to run " <code>{row.tool_name.clone()}</code>
            </p>
            <p data-testid="approval-text">{row.human_readable.clone()}</p>
            <p class="hint">"Requested " {when(&row.requested_at)} " · expires " {when(&row.expires_at)}</p>
            {move || {
                let (status, by, at, why) = state.get();
                if status == "PENDING" {
                    can_decide.then(|| view! {
                        <div class="field">
                            <label for=reason_id.clone()>"Reason (optional)"</label>
                            <input id=reason_id.clone() data-testid="approval-reason" bind:value=reason/>
                        </div>
                        <div class="actions">
                            <button type="button" class="primary" data-testid="approve" disabled=decide.pending()
                                on:click=move |_| { decide.dispatch(decide_approval::ApprovalAction::APPROVE); }>"Approve"</button>
                            <button type="button" class="danger" data-testid="deny" disabled=decide.pending()
                                on:click=move |_| { decide.dispatch(decide_approval::ApprovalAction::DENY); }>"Deny"</button>
                        </div>
                    }.into_any())
                } else {
                    let decided_at = at.as_deref().map(when).unwrap_or_default();
                    Some(view! {
                        <p data-testid="approval-decision">
                            <span class="badge">{status}</span> " by " {decider(by.as_deref(), me.as_deref())} " " {decided_at}
                            {why.map(|w| format!(" — “{w}”"))}
                        </p>
                    }.into_any())
                }
            }}
            <FormAlert error/>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_classes_get_colours() {
        assert_eq!(class_colour("GREEN"), "pill pill-green");
        assert_eq!(class_colour("red"), "pill pill-red");
        assert_eq!(class_colour("purple"), "pill");
    }

    #[test]
    fn the_decider_is_you_when_it_was_you() {
        assert_eq!(decider(Some("u1"), Some("u1")), "you");
        assert_eq!(decider(Some("u2"), Some("u1")), "u2");
        assert_eq!(decider(None, Some("u1")), "the system");
        assert!(parse_status("").is_none());
    }
}
