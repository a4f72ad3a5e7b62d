//! Deploying a new agent from a role template (ADMIN+).

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FieldNote, FormAlert, Submit};
use crate::components::list::{load_error, Loading};
use crate::error::ApiError;
use crate::gql::{agent_templates, deploy_agent, AgentTemplates, DeployAgent};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

fn optional(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[component]
pub fn DeployForm(order_id: String, on_changed: Callback<String>) -> impl IntoView {
    let auth = use_auth();
    let templates = LocalResource::new(move || async move { auth.call::<AgentTemplates>(agent_templates::Variables).await });
    let role = RwSignal::new(String::new());
    let agent_id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let autonomy = RwSignal::new(String::new());
    let order_id = StoredValue::new(order_id);

    let deploy = Action::new_local(move |_: &()| {
        let input = deploy_agent::DeployAgentInput {
            role: role.get_untracked(),
            agent_id: optional(agent_id.get_untracked()),
            name: optional(name.get_untracked()),
            autonomy_level: autonomy.get_untracked().parse().ok(),
        };
        let variables = deploy_agent::Variables { order_id: order_id.get_value(), input };
        async move {
            if variables.input.role.is_empty() {
                return Err(ApiError::field("role", "Choose a template."));
            }
            auth.call::<DeployAgent>(variables).await?;
            agent_id.set(String::new());
            name.set(String::new());
            on_changed.run("Agent deployed.".to_owned());
            Ok(())
        }
    });
    let error = action_error(deploy);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        deploy.dispatch(());
    };

    view! {
        <section class="card" aria-labelledby="deploy-title">
            <h2 id="deploy-title">"Deploy an agent"</h2>
            <form on:submit=on_submit novalidate data-testid="deploy-form">
                <div class="field">
                    <label for="deploy-role">"Template"</label>
                    <Transition fallback=Loading>
                        <ErrorBoundary fallback=load_error>
                            {move || Suspend::new(async move {
                                let list = templates.await?.agent_templates;
                                Ok::<_, ApiError>(view! {
                                    <select id="deploy-role" name="role" data-testid="deploy-role" bind:value=role
                                        aria-describedby="deploy-role-error">
                                        <option value="">"Choose a role…"</option>
                                        {list.into_iter().map(|t| view! {
                                            <option value=t.role.clone() title=t.description>
                                                {format!("{} ({}, autonomy {})", t.name, t.role, t.autonomy_level)}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
                    <FieldNote id="deploy-role" field="role" error/>
                </div>
                <Field label="Agent id (optional)" id="deploy-agent-id" field="agentId" value=agent_id error optional=true
                    hint="Defaults to the role; unique within the order."/>
                <Field label="Name (optional)" id="deploy-name" field="name" value=name error optional=true/>
                <div class="field">
                    <label for="deploy-autonomy">"Autonomy level"</label>
                    <select id="deploy-autonomy" name="autonomyLevel" data-testid="deploy-autonomy" bind:value=autonomy>
                        <option value="">"Template default"</option>
                        <option value="1">"1"</option>
                        <option value="2">"2"</option>
                        <option value="3">"3"</option>
                        <option value="4">"4"</option>
                    </select>
                    <FieldNote id="deploy-autonomy" field="autonomyLevel" error/>
                </div>
                <FormAlert error fields=&["role", "agentId", "name", "autonomyLevel"]/>
                <Submit label="Deploy" busy_label="Deploying…" pending=deploy.pending() testid="deploy-submit"/>
            </form>
        </section>
    }
}
