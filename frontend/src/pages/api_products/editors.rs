//! The tiers editor (SaaS) and the products editor (Store) of one mode. A tier
//! is saved by name (saving `pro` again replaces it); a product by its row.

use super::forms::{features, limit_label, parse_count, parse_limit, parse_price, price_label};
use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Submit};
use crate::components::list::{optional, LoadError};
use crate::domain::ApiMode;
use crate::error::ApiError;
use crate::gql::{
    api_products, api_tiers, delete_api_product, delete_api_tier, upsert_api_product, upsert_api_tier, ApiProducts, ApiTiers,
    DeleteApiProduct, DeleteApiTier, UpsertApiProduct, UpsertApiTier,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

fn local(field: &str, message: &str) -> ApiError {
    ApiError::field(field, message)
}

#[component]
pub fn TiersEditor(project_id: String, mode: RwSignal<ApiMode>, editable: bool) -> impl IntoView {
    let auth = use_auth();
    let project_id = StoredValue::new(project_id);
    let tiers = LocalResource::new(move || {
        let variables = api_tiers::Variables { project_id: project_id.get_value(), mode: mode.get() };
        async move { auth.call::<ApiTiers>(variables).await.map(|d| d.api_tiers) }
    });
    let [name, display, price, limit, price_id, feature_text] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let popular = RwSignal::new(false);
    let save = Action::new_local(move |_: &()| async move {
        let price_minor = parse_price(&price.get_untracked()).map_err(|m| local("priceMinor", m))?;
        let usage_limit = parse_limit(&limit.get_untracked()).map_err(|m| local("usageLimit", m))?;
        let input = upsert_api_tier::ApiTierInput {
            project_id: project_id.get_value(),
            mode: mode.get_untracked(),
            name: name.get_untracked().trim().to_owned(),
            display_name: display.get_untracked().trim().to_owned(),
            price_minor,
            currency: "eur".to_owned(),
            usage_limit,
            stripe_price_id: optional(price_id.get_untracked()),
            features: features(&feature_text.get_untracked()),
            popular: popular.get_untracked(),
            sort_order: 0,
        };
        auth.call::<UpsertApiTier>(upsert_api_tier::Variables { input }).await?;
        for field in [name, display, price, limit, price_id, feature_text] {
            field.set(String::new());
        }
        popular.set(false);
        tiers.refetch();
        Ok::<_, ApiError>(())
    });
    let delete = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            auth.call::<DeleteApiTier>(delete_api_tier::Variables { id }).await?;
            tiers.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let error = action_error(save);
    let delete_error = action_error(delete);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(());
    };
    view! {
        <section class="card" aria-labelledby="api-tiers-title">
            <h2 id="api-tiers-title">"Tiers"</h2>
            <p class="hint">"Your app names the tier in " <code>"X-User-Plan"</code> "; a user's paid tier wins over it."</p>
            <FormAlert error=delete_error/>
            {move || match tiers.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading tiers…"</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="tiers"/> }.into_any(),
                Some(Ok(rows)) if rows.is_empty() => view! { <p data-testid="empty">"No tiers in this mode yet."</p> }.into_any(),
                Some(Ok(rows)) => view! {
                    <div class="table-wrap">
                        <table data-testid="api-tier-table">
                            <thead><tr><th>"Tier"</th><th>"Price"</th><th>"Limit"</th><th>"Stripe price"</th><th>"Features"</th><th></th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|t| {
                                    let tier_id = StoredValue::new(t.id.clone());
                                    view! {
                                        <tr data-testid="api-tier-row">
                                            <td><code>{t.name}</code> " " {t.display_name} {t.popular.then_some(" ★")}</td>
                                            <td>{price_label(t.price_minor, &t.currency)}</td>
                                            <td>{limit_label(t.usage_limit)}</td>
                                            <td>{t.stripe_price_id.unwrap_or_else(|| "—".to_owned())}</td>
                                            <td>{t.features.join(", ")}</td>
                                            <td>{editable.then(|| view! {
                                                <button type="button" class="danger" disabled=delete.pending()
                                                    on:click=move |_| { delete.dispatch(tier_id.get_value()); }>"Delete"</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            {editable.then(|| view! {
                <form on:submit=on_submit data-testid="api-tier-form" novalidate>
                    <h3>"Add or replace a tier"</h3>
                    <Field label="Name" id="tier-name" field="name" value=name error hint="The X-User-Plan value: free, pro, team…"/>
                    <Field label="Display name" id="tier-display" field="displayName" value=display error/>
                    <Field label="Price per month (EUR)" id="tier-price" field="priceMinor" value=price error optional=true hint="Empty: free"/>
                    <Field label="Calls per period" id="tier-limit" field="usageLimit" value=limit error optional=true hint="Empty: unlimited"/>
                    <Field label="Stripe price id" id="tier-price-id" field="stripePriceId" value=price_id error optional=true hint="price_…, needed for paid checkout"/>
                    <div class="field">
                        <label for="tier-features">"Features, one per line"</label>
                        <textarea id="tier-features" name="features" rows="3" bind:value=feature_text></textarea>
                    </div>
                    <label><input type="checkbox" bind:checked=popular/> " Highlight as popular"</label>
                    <FormAlert error fields=&["name", "displayName", "priceMinor", "usageLimit", "stripePriceId"]/>
                    <Submit label="Save tier" busy_label="Saving…" pending=save.pending() testid="api-tier-submit"/>
                </form>
            })}
        </section>
    }
}

#[component]
pub fn ProductsEditor(project_id: String, mode: RwSignal<ApiMode>, editable: bool) -> impl IntoView {
    let auth = use_auth();
    let project_id = StoredValue::new(project_id);
    let products = LocalResource::new(move || {
        let variables = api_products::Variables { project_id: project_id.get_value(), mode: mode.get() };
        async move { auth.call::<ApiProducts>(variables).await.map(|d| d.api_products) }
    });
    let [name, description, price, inventory, price_id] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let save = Action::new_local(move |_: &()| async move {
        let price_minor = parse_price(&price.get_untracked()).map_err(|m| local("priceMinor", m))?;
        let inventory_count = parse_count(&inventory.get_untracked()).map_err(|m| local("inventory", m))?;
        let input = upsert_api_product::ApiProductInput {
            id: None,
            project_id: project_id.get_value(),
            mode: mode.get_untracked(),
            name: name.get_untracked().trim().to_owned(),
            description: optional(description.get_untracked()),
            image_url: None,
            price_minor,
            currency: "eur".to_owned(),
            inventory: inventory_count,
            stripe_price_id: optional(price_id.get_untracked()),
            sort_order: 0,
        };
        auth.call::<UpsertApiProduct>(upsert_api_product::Variables { input }).await?;
        for field in [name, description, price, inventory, price_id] {
            field.set(String::new());
        }
        products.refetch();
        Ok::<_, ApiError>(())
    });
    let delete = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            auth.call::<DeleteApiProduct>(delete_api_product::Variables { id }).await?;
            products.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let error = action_error(save);
    let delete_error = action_error(delete);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(());
    };
    view! {
        <section class="card" aria-labelledby="api-products-title">
            <h2 id="api-products-title">"Products"</h2>
            <FormAlert error=delete_error/>
            {move || match products.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading products…"</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error what="products"/> }.into_any(),
                Some(Ok(rows)) if rows.is_empty() => view! { <p data-testid="empty">"No products in this mode yet."</p> }.into_any(),
                Some(Ok(rows)) => view! {
                    <div class="table-wrap">
                        <table data-testid="api-product-table">
                            <thead><tr><th>"Product"</th><th>"Price"</th><th>"Inventory"</th><th>"Stripe price"</th><th></th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|p| {
                                    let product_id = StoredValue::new(p.id.clone());
                                    view! {
                                        <tr data-testid="api-product-row">
                                            <td>{p.name} {p.description.map(|d| view! { <br/><span class="hint">{d}</span> })}</td>
                                            <td>{price_label(p.price_minor, &p.currency)}</td>
                                            <td>{if p.sold_out { "Sold out".to_owned() } else { p.inventory.to_string() }}</td>
                                            <td>{p.stripe_price_id.unwrap_or_else(|| "—".to_owned())}</td>
                                            <td>{editable.then(|| view! {
                                                <button type="button" class="danger" disabled=delete.pending()
                                                    on:click=move |_| { delete.dispatch(product_id.get_value()); }>"Delete"</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            {editable.then(|| view! {
                <form on:submit=on_submit data-testid="api-product-form" novalidate>
                    <h3>"Add a product"</h3>
                    <Field label="Name" id="product-name" field="name" value=name error/>
                    <Field label="Description" id="product-description" field="description" value=description error optional=true/>
                    <Field label="Price (EUR)" id="product-price" field="priceMinor" value=price error/>
                    <Field label="Inventory" id="product-inventory" field="inventory" value=inventory error hint="Units in stock; 0 is sold out"/>
                    <Field label="Stripe price id" id="product-price-id" field="stripePriceId" value=price_id error optional=true hint="price_…, what carts name"/>
                    <FormAlert error fields=&["name", "description", "priceMinor", "inventory", "stripePriceId"]/>
                    <Submit label="Save product" busy_label="Saving…" pending=save.pending() testid="api-product-submit"/>
                </form>
            })}
        </section>
    }
}
