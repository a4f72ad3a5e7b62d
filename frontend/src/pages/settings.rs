//! /settings (ADMIN+): system settings grouped by category, edited in place
//! and saved in one `updateSettings`. Strings, numbers and booleans get
//! matching inputs; other JSON is edited raw. `system.*` is read-only.

use crate::auth::use_auth;
use crate::components::form::{action_error, sentence, Field, FormAlert, Notice, Submit};
use crate::components::list::{load_error, Loading};
use crate::error::ApiError;
use crate::gql::{settings, update_settings, Settings, UpdateSettings};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::{Map, Value};

/// One editable row: the original value and the text in its input.
#[derive(Clone)]
struct Draft {
    key: String,
    original: Value,
    text: RwSignal<String>,
}

fn category(key: &str) -> &str {
    key.split_once('.').map(|(c, _)| c).unwrap_or(key)
}

fn to_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads the input back with the type of the original value.
fn from_text(original: &Value, text: &str) -> Result<Value, String> {
    match original {
        Value::String(_) => Ok(Value::String(text.to_owned())),
        Value::Number(_) => text.trim().parse::<serde_json::Number>().map(Value::Number).map_err(|_| "must be a number".to_owned()),
        Value::Bool(_) => Ok(Value::Bool(text == "true")),
        _ => serde_json::from_str(text).map_err(|_| "must be valid JSON".to_owned()),
    }
}

/// Collects the changed rows into `{"key": value}`; bad input → field errors.
fn changes(drafts: &[Draft]) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    let mut bad = Vec::new();
    for d in drafts.iter().filter(|d| category(&d.key) != "system") {
        match from_text(&d.original, &d.text.get_untracked()) {
            Ok(v) if v != d.original => {
                out.insert(d.key.clone(), v);
            }
            Ok(_) => {}
            Err(m) => bad.push(crate::error::FieldError { field: d.key.clone(), message: m }),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(ApiError { fields: bad, ..ApiError::invalid("Please correct the highlighted settings.") })
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let auth = use_auth();
    let list = LocalResource::new(move || async move { auth.call::<Settings>(settings::Variables).await });
    let notice = RwSignal::new(None::<String>);
    let drafts = StoredValue::new(Vec::<Draft>::new());
    let new_key = RwSignal::new(String::new());
    let new_value = RwSignal::new(String::new());

    let save = Action::new_local(move |_: &()| {
        let collected = changes(&drafts.get_value());
        let key = new_key.get_untracked().trim().to_owned();
        let raw = new_value.get_untracked();
        async move {
            notice.set(None);
            let mut values = collected?;
            if !key.is_empty() {
                // Valid JSON is taken as such; anything else as a string.
                let value = serde_json::from_str(&raw).unwrap_or(Value::String(raw));
                values.insert(key.clone(), value);
            }
            if values.is_empty() {
                return Err(ApiError::invalid("Nothing changed."));
            }
            let n = values.len();
            let sent = auth.call::<UpdateSettings>(update_settings::Variables { values: Value::Object(values) }).await;
            if let Err(mut e) = sent {
                // The server names the bad key; the new one's input is `newKey`.
                e.fields.iter_mut().filter(|f| !key.is_empty() && f.field == key).for_each(|f| f.field = "newKey".to_owned());
                return Err(e);
            }
            new_key.set(String::new());
            new_value.set(String::new());
            notice.set(Some(format!("Saved {n} setting(s).")));
            list.refetch();
            Ok(())
        }
    });
    let error = action_error(save);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(());
    };

    view! {
        <h1>"Settings"</h1>
        <form on:submit=on_submit novalidate data-testid="settings-form">
            <Transition fallback=Loading>
                <ErrorBoundary fallback=load_error>
                    {move || Suspend::new(async move {
                        let rows = list.await?.settings;
                        let made: Vec<Draft> = rows.into_iter()
                            .map(|s| Draft { text: RwSignal::new(to_text(&s.value)), key: s.key, original: s.value })
                            .collect();
                        drafts.set_value(made.clone());
                        let mut groups: Vec<(String, Vec<Draft>)> = Vec::new();
                        for d in made {
                            let c = category(&d.key).to_owned();
                            match groups.last_mut() {
                                Some((last, items)) if *last == c => items.push(d),
                                _ => groups.push((c, vec![d])),
                            }
                        }
                        Ok::<_, ApiError>(view! {
                            {groups.is_empty().then(|| view! { <p class="card hint">"No settings yet."</p> })}
                            {groups.into_iter().map(|(c, items)| view! {
                                <fieldset class="card" data-testid="settings-group">
                                    <legend><h2>{c}</h2></legend>
                                    {items.into_iter().map(|d| view! { <SettingRow draft=d error/> }).collect_view()}
                                </fieldset>
                            }).collect_view()}
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            <section class="card" aria-labelledby="new-setting-title">
                <h2 id="new-setting-title">"Add a setting"</h2>
                <Field label="Key (category.key)" id="new-setting-key" field="newKey" value=new_key error optional=true/>
                <Field label="Value (JSON, or plain text)" id="new-setting-value" field="newValue" value=new_value error optional=true/>
            </section>
            <FormAlert error fields=&["newKey", "newValue"]/>
            <Notice message=notice/>
            <Submit label="Save settings" busy_label="Saving…" pending=save.pending() testid="settings-save"/>
        </form>
    }
}

#[component]
fn SettingRow(draft: Draft, #[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    let readonly = category(&draft.key) == "system";
    let key = draft.key.clone();
    let id = format!("setting-{}", draft.key.replace('.', "-"));
    let text = draft.text;
    let message = {
        let key = key.clone();
        // Exact key match: `a.b` must not pick up the message for `c.b`.
        Memo::new(move |_| error.with(|e| e.as_ref().and_then(|e| e.fields.iter().find(|f| f.field == key)).map(|f| sentence(&f.message))))
    };
    let input = match &draft.original {
        Value::Bool(_) => view! {
            <input type="checkbox" id=id.clone() disabled=readonly prop:checked=move || text.get() == "true"
                on:change=move |ev| text.set(event_target_checked(&ev).to_string())/>
        }
        .into_any(),
        Value::Number(_) => view! { <input type="number" step="any" id=id.clone() readonly=readonly bind:value=text/> }.into_any(),
        Value::String(_) => view! { <input type="text" id=id.clone() readonly=readonly bind:value=text/> }.into_any(),
        _ => view! { <textarea id=id.clone() rows="3" readonly=readonly bind:value=text></textarea> }.into_any(),
    };
    view! {
        <div class="field" data-testid="setting-row" data-key=key.clone()>
            <label for=id.clone()>{key.clone()} {readonly.then_some(" (read-only)")}</label>
            {input}
            {move || message.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inputs_are_read_back_with_the_original_type() {
        assert_eq!(from_text(&json!(3), "4.5"), Ok(json!(4.5)));
        assert!(from_text(&json!(3), "four").is_err());
        assert_eq!(from_text(&json!(true), "false"), Ok(json!(false)));
        assert_eq!(from_text(&json!("a"), "42"), Ok(json!("42")));
        assert_eq!(from_text(&json!({"a": 1}), r#"{"a": 2}"#), Ok(json!({"a": 2})));
        assert!(from_text(&json!([1]), "[1,").is_err());
    }

    #[test]
    fn categories_come_before_the_first_dot() {
        assert_eq!(category("mail.smtp.host"), "mail");
        assert_eq!(category("plain"), "plain");
        assert_eq!(to_text(&json!("x")), "x");
        assert_eq!(to_text(&json!(2)), "2");
    }
}
