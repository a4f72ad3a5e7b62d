//! Form building blocks that keep every page accessible the same way:
//! a `<label>` for each input, errors announced with `role="alert"` and tied
//! to their input with `aria-describedby`.

use crate::error::ApiError;
use leptos::prelude::*;

/// The error of the last run of an action, if it failed.
pub fn action_error<I, T>(action: Action<I, Result<T, ApiError>>) -> Signal<Option<ApiError>>
where
    I: 'static,
    T: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}

/// A labelled input whose server-side message (from `extensions.fields`)
/// appears right under it. `field` is the GraphQL argument name the backend
/// reports, and doubles as the input's `name`.
#[component]
pub fn Field(
    label: &'static str,
    /// Unique in the page; also the prefix of the error's id.
    id: &'static str,
    field: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    /// Moves focus here when the field appears (e.g. the 2FA step), so
    /// keyboard and screen-reader users land where the next input goes.
    #[prop(optional)]
    autofocus: bool,
    /// Not required (company, phone, …).
    #[prop(optional)]
    optional: bool,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    if autofocus {
        input.on_load(|el| {
            // After this frame the element is in the document and focusable.
            request_animation_frame(move || {
                let _ = el.focus();
            });
        });
    }
    let message = Memo::new(move |_| error.with(|e| e.as_ref().and_then(|e| e.field_message(field)).map(sentence)));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let ids: Vec<&str> = [hint.map(|_| hint_id.as_str()), message.with(Option::is_some).then_some(error_id.as_str())]
                .into_iter()
                .flatten()
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                node_ref=input
                id=id
                name=field
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                required=!optional
                bind:value=value
                aria-invalid=move || message.with(Option::is_some).then_some("true")
                aria-describedby=described_by
            />
            {move || {
                message
                    .get()
                    .map(|m| {
                        view! {
                            <p class="field-error" id=error_id.clone() role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// The form-level message of a failed submit (wrong password, network, …).
/// `fields` lists the inputs the form shows: when the server's field messages
/// all belong to them, they already sit next to their inputs and the alert
/// only points there.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<ApiError>>, #[prop(optional)] fields: &'static [&'static str]) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let text = if e.fields_all_among(fields) { "Please correct the highlighted fields.".to_owned() } else { sentence(&e.message) };
            view! {
                <p class="alert" role="alert" data-testid="form-error">
                    {text}
                </p>
            }
        })
    }
}

/// Server messages tend to start lower-case ("must be at least…"); under a
/// label they read better as a sentence.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A success note that screen readers announce politely.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <p class="notice" role="status" data-testid="notice">
                    {m}
                </p>
            }
        })
    }
}

/// A submit button that says so while the request runs.
#[component]
pub fn Submit(
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <button type="submit" class="primary" disabled=pending data-testid=testid>
            {move || if pending.get() { busy_label } else { label }}
        </button>
    }
}

/// The server's message for `field`, for inputs `Field` does not cover
/// (textareas, selects, checkboxes). Give the input
/// `aria-describedby="{id}-error"`.
#[component]
pub fn FieldNote(#[prop(into)] id: String, field: &'static str, #[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    move || {
        error.with(|e| e.as_ref().and_then(|e| e.field_message(field)).map(sentence)).map(|m| {
            view! {
                <p class="field-error" id=format!("{id}-error") role="alert">
                    {m}
                </p>
            }
        })
    }
}

/// `on:focus` of a read-only field holding a secret shown once: selects it
/// all, ready to copy.
pub fn select_all_on_focus(ev: leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
        input.select();
    }
}
