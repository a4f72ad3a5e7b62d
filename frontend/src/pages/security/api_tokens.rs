//! API tokens for scripts and integrations: created with a name and an optional
//! lifetime (the secret is shown once), listed a page at a time, revoked after
//! a confirmation. A token acts with its owner's permissions, except that it
//! cannot change security settings.

use crate::auth::use_auth;
use crate::components::form::{action_error, select_all_on_focus, Field, FormAlert, Submit};
use crate::components::list::{load_error, when, Loading, Pager, Paging, StatusBadge, PAGE_SIZE};
use crate::error::ApiError;
use crate::gql::{api_tokens, create_api_token, revoke_api_token, ApiTokens, CreateApiToken, RevokeApiToken};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// A token just made: its secret, on screen until dismissed and never again.
#[derive(Clone)]
struct NewToken {
    name: String,
    secret: String,
}

/// "" → no expiry; "30" → 30 days. The server checks the range.
fn parse_days(text: &str) -> Result<Option<i64>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| ApiError::field("expiresInDays", "must be a whole number of days"))
}

/// The row's badge: revoked, expired (by the browser's clock) or active.
fn status(revoked_at: Option<&str>, expires_at: Option<&str>, now_millis: f64) -> (&'static str, &'static str) {
    let expired = expires_at.is_some_and(|at| js_millis(at).is_some_and(|at| at <= now_millis));
    match (revoked_at.is_some(), expired) {
        (true, _) => ("REVOKED", "Revoked"),
        (false, true) => ("EXPIRED", "Expired"),
        (false, false) => ("ACTIVE", "Active"),
    }
}

#[cfg(target_arch = "wasm32")]
fn js_millis(timestamp: &str) -> Option<f64> {
    Some(js_sys::Date::parse(timestamp)).filter(|m| !m.is_nan())
}

#[cfg(not(target_arch = "wasm32"))]
fn js_millis(_timestamp: &str) -> Option<f64> {
    None
}

#[cfg(target_arch = "wasm32")]
fn now_millis() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(target_arch = "wasm32"))]
fn now_millis() -> f64 {
    0.0
}

#[component]
pub fn ApiTokensSection() -> impl IntoView {
    let auth = use_auth();
    let paging = Paging::new();
    let tokens = LocalResource::new(move || {
        let variables = api_tokens::Variables { first: Some(PAGE_SIZE), after: paging.after.get() };
        async move { auth.call::<ApiTokens>(variables).await.map(|d| d.api_tokens) }
    });
    let name = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<NewToken>);
    let create = Action::new_local(move |_: &()| async move {
        let expires_in_days = parse_days(&days.get_untracked())?;
        let variables = create_api_token::Variables { name: name.get_untracked(), expires_in_days };
        let made = auth.call::<CreateApiToken>(variables).await?.create_api_token;
        shown.set(Some(NewToken { name: made.api_token.name, secret: made.token }));
        name.set(String::new());
        days.set(String::new());
        paging.reset();
        tokens.refetch();
        Ok::<_, ApiError>(())
    });
    let create_error = action_error(create);
    let on_create = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch(());
    };
    // The token whose "Revoke" was pressed, waiting for its confirmation.
    let confirming = RwSignal::new(None::<String>);
    let revoke = Action::new_local(move |id: &String| {
        let variables = revoke_api_token::Variables { id: id.clone() };
        async move {
            auth.call::<RevokeApiToken>(variables).await?;
            confirming.set(None);
            tokens.refetch();
            Ok::<_, ApiError>(())
        }
    });
    let revoke_error = action_error(revoke);

    view! {
        <section class="card" aria-labelledby="api-tokens-title" data-testid="api-tokens">
            <h2 id="api-tokens-title">"API tokens"</h2>
            <p class="hint">
                "Scripts and integrations send a token as " <code>"Authorization: Bearer hubt_…"</code>
                ". It can do what you can, except change security settings."
            </p>
            {move || shown.get().map(|t| view! { <SecretShownOnce token=t shown/> })}
            <FormAlert error=revoke_error/>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=load_error>
                    {move || Suspend::new(async move {
                        let page = tokens.await?;
                        let now = now_millis();
                        Ok::<_, ApiError>(view! {
                            {page.nodes.is_empty().then(|| view! { <p class="hint" data-testid="api-tokens-empty">"No API tokens yet."</p> })}
                            <ul class="rows" data-testid="api-token-list">
                                {page.nodes.into_iter().map(|t| {
                                    let (wire, label) = status(t.revoked_at.as_deref(), t.expires_at.as_deref(), now);
                                    let id = StoredValue::new(t.id.clone());
                                    let name = StoredValue::new(t.name.clone());
                                    let revocable = wire != "REVOKED";
                                    let asking = move || confirming.with(|c| c.as_deref() == Some(id.get_value().as_str()));
                                    view! {
                                        <li class="row api-token" data-testid="api-token-row" data-name=t.name.clone()>
                                            <p>
                                                <strong data-testid="api-token-name">{t.name.clone()}</strong> " "
                                                <code>{t.prefix}"…"</code> " "
                                                <StatusBadge wire label/>
                                            </p>
                                            <p class="hint">
                                                <span data-testid="api-token-created">"Created " {when(&t.created_at)}</span>
                                                " · " {t.last_used_at.map(|at| format!("last used {}", when(&at))).unwrap_or_else(|| "never used".to_owned())}
                                                " · " {match (&t.revoked_at, &t.expires_at) {
                                                    (Some(at), _) => format!("revoked {}", when(at)),
                                                    (None, Some(at)) => format!("expires {}", when(at)),
                                                    (None, None) => "never expires".to_owned(),
                                                }}
                                            </p>
                                            {revocable.then(|| view! {
                                                <Show when=asking fallback=move || view! {
                                                    <p class="actions">
                                                        <button type="button" class="secondary" data-testid="api-token-revoke"
                                                            on:click=move |_| confirming.set(Some(id.get_value()))>"Revoke"</button>
                                                    </p>
                                                }>
                                                    <p class="actions confirm" role="group" aria-label="Confirm revoking">
                                                        <span>{format!("Revoke “{}”? Anything using it stops working at once.", name.get_value())}</span>
                                                        <button type="button" class="danger" data-testid="api-token-revoke-confirm"
                                                            disabled=revoke.pending()
                                                            on:click=move |_| { revoke.dispatch(id.get_value()); }>"Revoke token"</button>
                                                        <button type="button" class="link" data-testid="api-token-revoke-cancel"
                                                            on:click=move |_| confirming.set(None)>"Cancel"</button>
                                                    </p>
                                                </Show>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <Pager paging has_next=page.page_info.has_next_page end_cursor=page.page_info.end_cursor
                                total=page.total_count testid="api-token-pager"/>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            <form on:submit=on_create data-testid="api-token-form" novalidate>
                <h3>"New token"</h3>
                <Field label="Name" id="api-token-name" field="name" value=name error=create_error
                    hint="What uses it, e.g. “deploy script”."/>
                <Field label="Expires after (days)" id="api-token-days" field="expiresInDays" value=days error=create_error
                    kind="number" inputmode="numeric" optional=true hint="1 to 3650; leave empty for a token that never expires."/>
                <FormAlert error=create_error fields=&["name", "expiresInDays"]/>
                <Submit label="Create token" busy_label="Creating…" pending=create.pending() testid="api-token-create"/>
            </form>
        </section>
    }
}

/// The new secret with the warning that it is shown this once.
#[component]
fn SecretShownOnce(token: NewToken, shown: RwSignal<Option<NewToken>>) -> impl IntoView {
    view! {
        <div class="notice one-time" role="status" data-testid="api-token-secret-box">
            <p>{format!("Token “{}” created.", token.name)}</p>
            <label>"Secret"
                <input type="text" readonly prop:value=token.secret data-testid="api-token-secret" on:focus=select_all_on_focus/>
            </label>
            <p class="alert" role="alert">"Copy the secret now (select it and press Ctrl+C): Hub keeps only its hash and never shows it again."</p>
            <button type="button" class="link" data-testid="api-token-secret-done" on:click=move |_| shown.set(None)>"Done, hide the secret"</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_days, status};

    #[test]
    fn expiry_days_are_optional_whole_numbers() {
        assert_eq!(parse_days(" ").unwrap(), None);
        assert_eq!(parse_days("30").unwrap(), Some(30));
        let error = parse_days("3.5").unwrap_err();
        assert_eq!(error.fields[0].field, "expiresInDays");
    }

    #[test]
    fn revoked_tokens_say_so_whatever_their_expiry() {
        assert_eq!(status(Some("2026-01-01T00:00:00Z"), None, 0.0).0, "REVOKED");
        assert_eq!(status(None, None, 0.0).0, "ACTIVE");
    }
}
