//! Remote commands for an order's server: the queue (newest first, paged) and, for
//! SUPPORT and above, a form to add one with optional JSON arguments.

use crate::auth::use_auth;
use crate::components::form::{action_error, FormAlert, Notice, Submit};
use crate::components::list::{when, LoadError, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::domain::RemoteCommandKind;
use crate::error::ApiError;
use crate::gql::{queue_remote_command, remote_commands, QueueRemoteCommand, RemoteCommands};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// Empty text means no arguments; anything else must be a JSON object.
fn parse_args(text: &str) -> Result<Option<serde_json::Value>, ApiError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) if value.is_object() => Ok(Some(value)),
        Ok(_) => Err(ApiError::field("args", "The arguments must be a JSON object, e.g. {\"service\": \"ghost\"}.")),
        Err(e) => Err(ApiError::field("args", &format!("This is not valid JSON: {e}."))),
    }
}

#[component]
pub fn RemoteCommandsSection(order_id: String) -> impl IntoView {
    let auth = use_auth();
    let order_id = StoredValue::new(order_id);
    let paging = Paging::new();
    let list = LocalResource::new(move || {
        let variables = remote_commands::Variables { order_id: order_id.get_value(), first: Some(PAGE_SIZE), after: paging.after.get() };
        async move { auth.call::<RemoteCommands>(variables).await.map(|d| d.remote_commands) }
    });
    let command = RwSignal::new(RemoteCommandKind::ALL[0]);
    let args = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let queue = Action::new_local(move |(command, text): &(RemoteCommandKind, String)| {
        let (command, text) = (*command, text.clone());
        async move {
            notice.set(None);
            let args_json = parse_args(&text)?;
            let variables = queue_remote_command::Variables { order_id: order_id.get_value(), command, args: args_json };
            auth.call::<QueueRemoteCommand>(variables).await?;
            args.set(String::new());
            notice.set(Some(format!("“{}” has been queued.", command.label())));
            // The newest come first: back to page one to show it.
            paging.reset();
            list.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        queue.dispatch((command.get_untracked(), args.get_untracked()));
    };
    let error = action_error(queue);
    let args_error = Memo::new(move |_| error.with(|e| e.as_ref().and_then(|e| e.field_message("args")).map(str::to_owned)));

    view! {
        <section class="card" aria-labelledby="commands-title">
            <h2 id="commands-title">"Remote commands"</h2>
            {move || match list.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="remote commands"/> }.into_any(),
                Some(Ok(page)) if page.nodes.is_empty() => view! { <p data-testid="commands-empty">"No commands queued."</p> }.into_any(),
                Some(Ok(page)) => view! {
                    <div class="table-wrap">
                        <table data-testid="remote-commands">
                            <thead><tr><th>"Command"</th><th>"Arguments"</th><th>"Status"</th><th>"Queued"</th><th>"Delivered"</th></tr></thead>
                            <tbody>
                                {page.nodes.into_iter().map(|c| view! {
                                    <tr data-testid="command-row">
                                        <td>{c.command.label()}</td>
                                        <td><code>{c.args.to_string()}</code></td>
                                        <td><StatusBadge wire=c.status.as_str() label=c.status.label()/></td>
                                        <td>{when(&c.created_at)}</td>
                                        <td>{c.delivered_at.as_deref().map(when).unwrap_or_else(|| "—".into())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor total=page.total_count
                        testid="commands-pager"/>
                }.into_any(),
            }}
            <h3>"Queue a command"</h3>
            <form on:submit=on_submit data-testid="queue-command-form" novalidate>
                <div class="field">
                    <label for="command-kind">"Command"</label>
                    <select id="command-kind" data-testid="command-kind" on:change=move |ev| {
                        if let Some(kind) = RemoteCommandKind::parse(&event_target_value(&ev)) {
                            command.set(kind);
                        }
                    }>
                        {RemoteCommandKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="command-args">"Arguments (optional JSON object)"</label>
                    <textarea id="command-args" name="args" rows="2" placeholder="{\"service\": \"ghost\"}" bind:value=args
                        aria-invalid=move || args_error.with(Option::is_some).then_some("true")
                        aria-describedby=move || args_error.with(Option::is_some).then_some("command-args-error")></textarea>
                    {move || args_error.get().map(|m| view! { <p class="field-error" id="command-args-error" role="alert">{m}</p> })}
                </div>
                <FormAlert error fields=&["args"]/>
                <Notice message=notice/>
                <Submit label="Queue command" busy_label="Queuing…" pending=queue.pending() testid="queue-command-submit"/>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_args;

    #[test]
    fn arguments_are_empty_or_a_json_object() {
        assert_eq!(parse_args("  ").unwrap(), None);
        assert!(parse_args(r#"{"service": "ghost"}"#).unwrap().is_some());
        assert!(parse_args("[1]").is_err());
        assert!(parse_args("{oops").is_err());
    }
}
