//! Registering a bridge project (MANAGER and above), and the one-time display
//! of a project's key and secret after registering or rotating: Hub stores the
//! secret encrypted and never shows it again.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Submit};
use crate::error::ApiError;
use crate::gql::{register_project, RegisterProject as RegisterProjectOp};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// What the child must be configured with.
#[derive(Clone)]
pub struct Credentials {
    pub slug: String,
    pub key: String,
    pub secret: String,
}

/// A read-only value that selects itself on focus, for copying.
#[component]
fn CopyField(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <label>{label}
            <input type="text" readonly data-testid=testid prop:value=value on:focus=|ev| {
                use wasm_bindgen::JsCast;
                if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                    input.select();
                }
            }/>
        </label>
    }
}

/// The key and secret just issued, until the person says they have copied them.
#[component]
pub fn OneTimeCredentials(shown: RwSignal<Option<Credentials>>) -> impl IntoView {
    move || {
        shown.get().map(|c| {
            view! {
                <div class="notice one-time" role="status" data-testid="project-credentials">
                    <p>"Configure " <code>{c.slug}</code> " with these, sent as " <code>"X-Mintreu-Key"</code> " and used to sign:"</p>
                    <CopyField label="Project key" value=c.key testid="project-key"/>
                    <CopyField label="Secret" value=c.secret testid="project-secret"/>
                    <p class="hint">"Copy the secret now: Hub never shows it again."</p>
                    <button type="button" class="link" on:click=move |_| shown.set(None)>"Done, hide the secret"</button>
                </div>
            }
        })
    }
}

#[component]
pub fn RegisterProject(on_registered: impl Fn(Credentials) + Copy + Send + Sync + 'static) -> impl IntoView {
    let auth = use_auth();
    let slug = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let base_url = RwSignal::new(String::new());
    let register = Action::new_local(move |input: &register_project::RegisterProjectInput| {
        let input = input.clone();
        async move {
            let done = auth.call::<RegisterProjectOp>(register_project::Variables { input }).await?.register_project;
            on_registered(Credentials { slug: done.project.slug, key: done.project_key, secret: done.secret });
            for field in [slug, name, base_url] {
                field.set(String::new());
            }
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        register.dispatch(register_project::RegisterProjectInput {
            slug: slug.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            base_url: base_url.get_untracked().trim().to_owned(),
        });
    };
    let error = action_error(register);

    view! {
        <section class="card" aria-labelledby="register-project-title">
            <h2 id="register-project-title">"Register a project"</h2>
            <form on:submit=on_submit data-testid="register-project-form" novalidate>
                <Field label="Slug" id="project-slug" field="slug" value=slug error hint="3 to 64 of a-z, 0-9 and -, e.g. shopcore-api"/>
                <Field label="Name" id="project-name" field="name" value=name error/>
                <Field label="Base URL" id="project-base-url" field="baseUrl" kind="url" value=base_url error
                    hint="Where Hub reaches the child, e.g. https://api.shopcore.example"/>
                <FormAlert error fields=&["slug", "name", "baseUrl"]/>
                <Submit label="Register" busy_label="Registering…" pending=register.pending() testid="register-project-submit"/>
            </form>
        </section>
    }
}
