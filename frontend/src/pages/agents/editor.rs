//! One agent: its settings as a form. ADMIN+ edit every field; a customer only
//! personality, allowed tools, autonomy and the external-comms gates (the
//! other inputs are not rendered at all); other staff read.

use super::tools::{join_tools, split_tools, unlock_map};
use crate::auth::use_auth;
use crate::components::form::{action_error, FieldNote, FormAlert, Submit};
use crate::error::ApiError;
use crate::gql::{order_agents::AgentFields, remove_agent, update_agent, RemoveAgent, UpdateAgent};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// What the viewer may change.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Admin,
    Customer,
    ReadOnly,
}

const FIELDS: &[&str] =
    &["name", "soulMd", "toolsAllowed", "toolsDenied", "toolProfile", "autonomyLevel", "externalCommsUnlocks", "isActive"];

#[component]
pub fn AgentCard(agent: AgentFields, mode: Mode, on_changed: Callback<String>) -> impl IntoView {
    let auth = use_auth();
    let id = agent.id.clone();
    let slug = agent.agent_id.clone();
    let name = RwSignal::new(agent.name.clone());
    let soul = RwSignal::new(agent.soul_md.clone());
    let allowed = RwSignal::new(join_tools(&agent.tools_allowed));
    let denied = RwSignal::new(join_tools(&agent.tools_denied));
    let profile = RwSignal::new(agent.tool_profile.clone());
    let autonomy = RwSignal::new(agent.autonomy_level.to_string());
    let unlocks = RwSignal::new(unlock_map(agent.external_comms_unlocks.as_ref()));
    let active = RwSignal::new(agent.is_active);
    let level = agent.autonomy_level;
    let editable = mode != Mode::ReadOnly;
    let admin = mode == Mode::Admin;

    let save = {
        let id = id.clone();
        Action::new_local(move |_: &()| {
            let tools = split_tools(&allowed.get_untracked());
            let gates: serde_json::Map<String, serde_json::Value> = unlocks.with_untracked(|u: &BTreeMap<String, bool>| {
                tools.iter().map(|t| (t.clone(), serde_json::Value::Bool(u.get(t).copied().unwrap_or(false)))).collect()
            });
            let mut input = update_agent::UpdateAgentInput {
                soul_md: Some(soul.get_untracked()),
                tools_allowed: Some(tools),
                autonomy_level: autonomy.get_untracked().parse().ok(),
                external_comms_unlocks: Some(serde_json::Value::Object(gates)),
                name: None,
                tools_denied: None,
                tool_profile: None,
                is_active: None,
            };
            if admin {
                input.name = Some(name.get_untracked().trim().to_owned());
                input.tools_denied = Some(split_tools(&denied.get_untracked()));
                input.tool_profile = Some(profile.get_untracked().trim().to_owned());
                input.is_active = Some(active.get_untracked());
            }
            let variables = update_agent::Variables { id: id.clone(), input };
            async move {
                auth.call::<UpdateAgent>(variables).await?;
                on_changed.run("Agent saved.".to_owned());
                Ok::<_, ApiError>(())
            }
        })
    };
    let error = action_error(save);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(());
    };
    let fid = move |f: &str| format!("agent-{slug}-{f}");
    let (f_name, f_soul, f_allowed, f_denied, f_profile, f_autonomy, f_active) =
        (fid("name"), fid("soul"), fid("allowed"), fid("denied"), fid("profile"), fid("autonomy"), fid("active"));
    let f_unlocks = fid("unlocks");
    let tool_list = Memo::new(move |_| split_tools(&allowed.get()));

    view! {
        <article class="card agent" data-testid="agent-card" data-agent-id=agent.agent_id.clone()>
            <h2>{agent.name.clone()} " " <span class="badge">{agent.role.clone()}</span>
                {(!agent.is_active).then(|| view! { <span class="badge">"inactive"</span> })}</h2>
            <p class="hint">"Agent id " <code>{agent.agent_id.clone()}</code></p>
            <form on:submit=on_submit novalidate data-testid="agent-form">
                {admin.then(|| view! {
                    <div class="field">
                        <label for=f_name.clone()>"Name"</label>
                        <input id=f_name.clone() name="name" data-testid="agent-name" bind:value=name
                            aria-describedby=format!("{f_name}-error")/>
                        <FieldNote id=f_name.clone() field="name" error/>
                    </div>
                })}
                <div class="field">
                    <label for=f_soul.clone()>"Personality (Markdown)"</label>
                    <textarea id=f_soul.clone() name="soulMd" rows="6" data-testid="agent-soul" bind:value=soul
                        readonly=!editable aria-describedby=format!("{f_soul}-error")></textarea>
                    <FieldNote id=f_soul.clone() field="soulMd" error/>
                </div>
                <div class="field">
                    <label for=f_allowed.clone()>"Allowed tools"</label>
                    <p class="hint">"Comma-separated tool names."</p>
                    <input id=f_allowed.clone() name="toolsAllowed" data-testid="agent-tools-allowed" bind:value=allowed
                        readonly=!editable aria-describedby=format!("{f_allowed}-error")/>
                    <FieldNote id=f_allowed.clone() field="toolsAllowed" error/>
                </div>
                {admin.then(|| view! {
                    <div class="field">
                        <label for=f_denied.clone()>"Denied tools"</label>
                        <input id=f_denied.clone() name="toolsDenied" data-testid="agent-tools-denied" bind:value=denied
                            aria-describedby=format!("{f_denied}-error")/>
                        <FieldNote id=f_denied.clone() field="toolsDenied" error/>
                    </div>
                    <div class="field">
                        <label for=f_profile.clone()>"Tool profile"</label>
                        <input id=f_profile.clone() name="toolProfile" data-testid="agent-tool-profile" bind:value=profile
                            aria-describedby=format!("{f_profile}-error")/>
                        <FieldNote id=f_profile.clone() field="toolProfile" error/>
                    </div>
                })}
                <div class="field">
                    <label for=f_autonomy.clone()>"Autonomy level"</label>
                    <select id=f_autonomy.clone() name="autonomyLevel" data-testid="agent-autonomy" bind:value=autonomy
                        disabled=!editable aria-describedby=format!("{f_autonomy}-error")>
                        {[(1, "1 — asks for everything"), (2, "2"), (3, "3"), (4, "4 — acts alone within its tools")]
                            .into_iter()
                            .map(|(n, label)| view! {
                                // `selected` too: the select's value is set before its options exist.
                                <option value=n.to_string() selected=level == n>{label}</option>
                            })
                            .collect_view()}
                    </select>
                    <FieldNote id=f_autonomy.clone() field="autonomyLevel" error/>
                </div>
                <fieldset class="field" data-testid="agent-unlocks">
                    <legend>"External communication allowed for"</legend>
                    {move || {
                        let tools = tool_list.get();
                        if tools.is_empty() {
                            return view! { <p class="hint">"No allowed tools."</p> }.into_any();
                        }
                        tools.into_iter().map(|tool| {
                            let checked = Signal::derive({ let t = tool.clone(); move || unlocks.with(|u| u.get(&t).copied().unwrap_or(false)) });
                            let t = tool.clone();
                            let toggle = move |ev: leptos::ev::Event| {
                                let on = event_target_checked(&ev);
                                unlocks.update(|u| { u.insert(t.clone(), on); });
                            };
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="externalCommsUnlocks" value=tool.clone()
                                        prop:checked=checked on:change=toggle disabled=!editable/>
                                    {tool.clone()}
                                </label>
                            }
                        }).collect_view().into_any()
                    }}
                    <FieldNote id=f_unlocks.clone() field="externalCommsUnlocks" error/>
                </fieldset>
                {admin.then(|| view! {
                    <label class="check" for=f_active.clone()>
                        <input type="checkbox" id=f_active.clone() name="isActive" data-testid="agent-active" bind:checked=active/>
                        "Active"
                    </label>
                    <FieldNote id=f_active.clone() field="isActive" error/>
                })}
                {editable.then(|| view! {
                    <FormAlert error fields=FIELDS/>
                    <div class="actions">
                        <Submit label="Save agent" busy_label="Saving…" pending=save.pending() testid="agent-save"/>
                    </div>
                })}
            </form>
            {admin.then(|| view! { <RemoveAgentButton id=id.clone() name=agent.name.clone() on_changed/> })}
        </article>
    }
}

/// Remove, with a confirm step.
#[component]
fn RemoveAgentButton(id: String, name: String, on_changed: Callback<String>) -> impl IntoView {
    let auth = use_auth();
    let confirming = RwSignal::new(false);
    let remove = Action::new_local(move |id: &String| {
        let variables = remove_agent::Variables { id: id.clone() };
        async move {
            auth.call::<RemoveAgent>(variables).await?;
            on_changed.run("Agent removed.".to_owned());
            Ok::<_, ApiError>(())
        }
    });
    let error = action_error(remove);
    let id = StoredValue::new(id);
    view! {
        <div class="actions danger-zone">
            <Show when=move || confirming.get() fallback=move || view! {
                <button type="button" class="secondary" data-testid="agent-remove" on:click=move |_| confirming.set(true)>"Remove agent"</button>
            }>
                <p role="alert">{format!("Remove {name}? The tenant stops running it.")}</p>
                <button type="button" class="danger" data-testid="agent-remove-confirm" disabled=remove.pending()
                    on:click=move |_| { remove.dispatch(id.get_value()); }>"Yes, remove"</button>
                <button type="button" class="link" on:click=move |_| confirming.set(false)>"Cancel"</button>
            </Show>
            <FormAlert error/>
        </div>
    }
}
