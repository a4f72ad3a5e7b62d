//! /api-products: a customer's API projects (staff SUPPORT+ see everyone's),
//! and creating one: pick SaaS or Store — locked forever — and name it. The
//! TEST secret key is shown once, right after creation.

mod editors;
mod project;

pub use project::ApiProjectPage;

use crate::auth::use_auth;
use crate::components::form::{action_error, select_all_on_focus, Field, FormAlert, Submit};
use crate::components::guard::is_customer;
use crate::components::list::{count_label, when, LoadError, Pager, Paging, PAGE_SIZE};
use crate::domain::ApiProjectKind;
use crate::error::ApiError;
use crate::gql::{api_projects, create_api_project, ApiProjects, CreateApiProject};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

pub mod forms;

/// A secret just issued, until the person says they have copied it.
#[derive(Clone)]
pub struct OneTimeSecret {
    pub publishable: String,
    pub secret: String,
}

/// The copyable box with the secret and its warning.
#[component]
pub fn SecretBox(shown: RwSignal<Option<OneTimeSecret>>) -> impl IntoView {
    move || {
        shown.get().map(|s| {
            view! {
                <div class="notice one-time" role="status" data-testid="api-secret">
                    <p>"Your app sends the secret key as " <code>"Authorization: Bearer sk_…"</code> "."</p>
                    <label>"Publishable key"
                        <input type="text" readonly prop:value=s.publishable data-testid="api-publishable-key"/>
                    </label>
                    <label>"Secret key"
                        <input type="text" readonly prop:value=s.secret data-testid="api-secret-key" on:focus=select_all_on_focus/>
                    </label>
                    <p class="alert" role="alert">"Copy the secret key now: Hub stores only its hash and never shows it again."</p>
                    <button type="button" class="link" on:click=move |_| shown.set(None)>"Done, hide the secret"</button>
                </div>
            }
        })
    }
}

#[component]
pub fn ApiProductsPage() -> impl IntoView {
    let auth = use_auth();
    let customer = Memo::new(move |_| auth.user().is_some_and(|u| is_customer(&u)));
    let paging = Paging::new();
    let list = LocalResource::new(move || {
        let variables = api_projects::Variables { first: Some(PAGE_SIZE), after: paging.after.get() };
        async move { auth.call::<ApiProjects>(variables).await.map(|d| d.api_projects) }
    });
    let shown = RwSignal::new(None::<OneTimeSecret>);
    view! {
        <section class="card">
            <h1>"API products"</h1>
            <p class="hint">"Projects whose apps check usage, sell tiers or products through Hub."</p>
            <SecretBox shown/>
            {move || match list.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading projects…"</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="API projects"/> }.into_any(),
                Some(Ok(page)) if page.nodes.is_empty() => view! { <p data-testid="empty">"No API projects yet."</p> }.into_any(),
                Some(Ok(page)) => view! {
                    <p class="hint" data-testid="total-count">{count_label(page.total_count, "project")}</p>
                    <div class="table-wrap">
                        <table data-testid="api-project-table">
                            <thead><tr><th>"Project"</th><th>"Type"</th><th>"Live"</th><th>"Created"</th></tr></thead>
                            <tbody>
                                {page.nodes.into_iter().map(|p| view! {
                                    <tr data-testid="api-project-row">
                                        <td><A href=format!("/api-products/{}", p.id)>{p.name}</A></td>
                                        <td><span class="status" data-status=p.kind.as_str()>{p.kind.label()}</span></td>
                                        <td>{p.live_at.as_deref().map(when).unwrap_or_else(|| "Test only".to_owned())}</td>
                                        <td>{when(&p.created_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor/>
                }.into_any(),
            }}
        </section>
        <Show when=move || customer.get()>
            <CreateProject on_created=move |s| {
                shown.set(Some(s));
                list.refetch();
            }/>
        </Show>
    }
}

#[component]
fn CreateProject(on_created: impl Fn(OneTimeSecret) + Copy + Send + Sync + 'static) -> impl IntoView {
    let auth = use_auth();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(None::<ApiProjectKind>);
    let create = Action::new_local(move |input: &(String, Option<ApiProjectKind>)| {
        let (name_value, kind_value) = input.clone();
        async move {
            let kind_value = kind_value.ok_or_else(|| ApiError::field("kind", "Choose SaaS or Store."))?;
            let input = create_api_project::CreateApiProjectInput { name: name_value, kind: kind_value };
            let done = auth.call::<CreateApiProject>(create_api_project::Variables { input }).await?.create_api_project;
            on_created(OneTimeSecret { publishable: done.key.key.publishable_key, secret: done.key.secret });
            name.set(String::new());
            kind.set(None);
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch((name.get_untracked().trim().to_owned(), kind.get_untracked()));
    };
    let error = action_error(create);
    let card = move |k: ApiProjectKind, what: &'static str| {
        view! {
            <label class="type-card" data-testid=format!("kind-{}", k.as_str())>
                <input type="radio" name="kind" prop:checked=move || kind.get() == Some(k) on:change=move |_| kind.set(Some(k))/>
                <strong>{k.label()}</strong>
                <span class="hint">{what}</span>
            </label>
        }
    };
    view! {
        <section class="card" aria-labelledby="create-api-project-title">
            <h2 id="create-api-project-title">"New project"</h2>
            <form on:submit=on_submit data-testid="create-api-project-form" novalidate>
                <fieldset>
                    <legend>"Choose the business type — it is locked forever"</legend>
                    {card(ApiProjectKind::Saas, "Subscription tiers with usage limits, checked on every call.")}
                    {card(ApiProjectKind::Store, "One-off products with inventory, sold through a cart.")}
                </fieldset>
                <Field label="Name" id="api-project-name" field="name" value=name error/>
                <FormAlert error fields=&["name", "kind"]/>
                <Submit label="Create project" busy_label="Creating…" pending=create.pending() testid="create-api-project-submit"/>
            </form>
        </section>
    }
}
