//! The "Add a site" form: pick one of the active licences the caller may use
//! (staff: any; a customer: their own), name the site, and Hub asks the
//! licence's child to provision it. The answer says whether it did.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FieldNote, FormAlert, Notice, Submit};
use crate::domain::SiteStatus;
use crate::error::ApiError;
use crate::gql::{add_site, licenses, AddSite as AddSiteOp, Licenses};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// "shopcore · PRO · 1 of 3 sites · lic_…".
fn license_label(l: &licenses::LicensesLicensesNodes) -> String {
    format!("{} · {} · {} of {} sites · {}", l.project_name, l.plan, l.sites_used, l.max_sites, l.key)
}

#[component]
pub fn AddSite(on_added: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let auth = use_auth();
    let options = LocalResource::new(move || async move {
        auth.call::<Licenses>(licenses::Variables { first: Some(100) }).await.map(|d| d.licenses.nodes)
    });
    let license = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let slug = RwSignal::new(String::new());
    let domain = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let add = Action::new_local(move |(license_id, input): &(String, add_site::AddSiteInput)| {
        let (license_id, input) = (license_id.clone(), input.clone());
        async move {
            notice.set(None);
            if license_id.is_empty() {
                return Err(ApiError::field("licenseId", "Choose a licence."));
            }
            let site = auth.call::<AddSiteOp>(add_site::Variables { license_id, input }).await?.add_site;
            notice.set(Some(match (site.status, site.last_error) {
                (SiteStatus::Active, _) => format!("{} is provisioned.", site.name),
                (_, Some(error)) => format!("{} was added but not provisioned: {error}. Staff can retry it.", site.name),
                _ => format!("{} was added and is being provisioned.", site.name),
            }));
            for field in [name, slug, domain] {
                field.set(String::new());
            }
            options.refetch();
            on_added();
            Ok::<_, ApiError>(())
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = add_site::AddSiteInput {
            name: name.get_untracked().trim().to_owned(),
            slug: slug.get_untracked().trim().to_owned(),
            domain: domain.get_untracked().trim().to_owned(),
        };
        add.dispatch((license.get_untracked(), input));
    };
    let error = action_error(add);

    view! {
        <section class="card" aria-labelledby="add-site-title">
            <h2 id="add-site-title">"Add a site"</h2>
            <Notice message=notice/>
            <form on:submit=on_submit data-testid="add-site-form" novalidate>
                <div class="field">
                    <label for="site-license">"Licence"</label>
                    <select id="site-license" data-testid="site-license" bind:value=license aria-describedby="site-license-error">
                        <option value="">"Choose an active licence"</option>
                        {move || options.get().and_then(Result::ok).unwrap_or_default().iter()
                            .map(|l| view! { <option value=l.id.clone()>{license_label(l)}</option> })
                            .collect_view()}
                    </select>
                    {move || options.get().and_then(Result::err).map(|e| view! {
                        <p class="field-error" role="alert" data-testid="site-license-load-error">
                            "The licences could not be loaded: " {e.message}
                        </p>
                    })}
                    <FieldNote id="site-license" field="licenseId" error/>
                </div>
                <Field label="Name" id="site-name" field="name" value=name error/>
                <Field label="Slug" id="site-slug" field="slug" value=slug error hint="3 to 64 of a-z, 0-9 and -, unique in the project"/>
                <Field label="Domain" id="site-domain" field="domain" value=domain error hint="e.g. velori.example.com"/>
                <FormAlert error fields=&["licenseId", "name", "slug", "domain"]/>
                <Submit label="Add site" busy_label="Provisioning…" pending=add.pending() testid="add-site-submit"/>
            </form>
        </section>
    }
}
