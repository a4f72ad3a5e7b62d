//! /preferences: how Hub shows things to the signed-in user — the time zone and
//! locale every timestamp is formatted for — and which alerts they are mailed.

mod notifications;

use crate::auth::use_auth;
use crate::components::form::{action_error, FieldNote, FormAlert, Notice, Submit};
use crate::components::list::{load_error, when_in, Loading};
use crate::error::ApiError;
use crate::gql::{preferences, update_preferences, Preferences, UpdatePreferences};
use crate::model::CurrentUser;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use notifications::NotificationsSection;

/// The zones offered besides the browser's own and the one already saved.
const COMMON_TIMEZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
];

/// The time zone select's options: the browser's zone first, then the common
/// ones, then the saved zone if it is none of those; each once.
fn timezone_choices(browser: Option<&str>, saved: &str) -> Vec<String> {
    let mut choices: Vec<String> = Vec::new();
    for zone in browser.into_iter().chain(COMMON_TIMEZONES.iter().copied()).chain([saved]) {
        if !zone.is_empty() && !choices.iter().any(|c| c == zone) {
            choices.push(zone.to_owned());
        }
    }
    choices
}

/// `Intl.DateTimeFormat().resolvedOptions().timeZone`: where this browser thinks it is.
fn browser_timezone() -> Option<String> {
    let resolved = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
    js_sys::Reflect::get(&resolved, &"timeZone".into()).ok()?.as_string().filter(|zone| !zone.is_empty())
}

#[component]
pub fn PreferencesPage() -> impl IntoView {
    view! {
        <h1>"Preferences"</h1>
        <DisplaySection/>
        <NotificationsSection/>
    }
}

/// Time zone and locale, read fresh (another tab may have changed them).
#[component]
fn DisplaySection() -> impl IntoView {
    let auth = use_auth();
    let loaded = LocalResource::new(move || async move { auth.call::<Preferences>(preferences::Variables).await });
    view! {
        <section class="card" aria-labelledby="display-title">
            <h2 id="display-title">"Time zone and language"</h2>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=load_error>
                    {move || Suspend::new(async move {
                        let data = loaded.await?;
                        Ok::<_, ApiError>(view! {
                            <DisplayForm timezone=data.me.timezone locale=data.me.locale locales=data.supported_locales/>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn DisplayForm(timezone: String, locale: String, locales: Vec<preferences::PreferencesSupportedLocales>) -> impl IntoView {
    let auth = use_auth();
    let browser = browser_timezone();
    let choices = timezone_choices(browser.as_deref(), &timezone);
    let zone = RwSignal::new(timezone.clone());
    let language = RwSignal::new(locale.clone());
    let notice = RwSignal::new(None::<String>);
    let save = Action::new_local(move |_: &()| async move {
        notice.set(None);
        let input = update_preferences::PreferencesInput { timezone: Some(zone.get_untracked()), locale: Some(language.get_untracked()) };
        let saved: CurrentUser = auth.call::<UpdatePreferences>(update_preferences::Variables { input }).await?.update_preferences.into();
        auth.update_user(move |u| *u = saved);
        notice.set(Some("Your preferences are saved: times now show in your time zone and language.".to_owned()));
        Ok::<_, ApiError>(())
    });
    let error = action_error(save);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(());
    };
    // What a time looks like with the choices on screen, before saving.
    let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    let preview = move || when_in(&now, &zone.get(), &language.get()).unwrap_or_default();

    view! {
        <form on:submit=on_submit data-testid="preferences-form" novalidate>
            <div class="field">
                <label for="pref-timezone">"Time zone"</label>
                <select id="pref-timezone" data-testid="pref-timezone" aria-describedby="pref-timezone-error"
                    prop:value=move || zone.get() on:change=move |ev| zone.set(event_target_value(&ev))>
                    {choices.into_iter().map(|z| {
                        let label = if browser.as_deref() == Some(z.as_str()) { format!("{z} (this browser)") } else { z.replace('_', " ") };
                        view! { <option value=z.clone() selected=z == timezone>{label}</option> }
                    }).collect_view()}
                </select>
                <FieldNote id="pref-timezone" field="timezone" error/>
            </div>
            <div class="field">
                <label for="pref-locale">"Language and formats"</label>
                <select id="pref-locale" data-testid="pref-locale" aria-describedby="pref-locale-error"
                    prop:value=move || language.get() on:change=move |ev| language.set(event_target_value(&ev))>
                    {locales.into_iter().map(|l| view! {
                        <option value=l.code.clone() selected=l.code == locale>{format!("{} ({})", l.name, l.code)}</option>
                    }).collect_view()}
                </select>
                <FieldNote id="pref-locale" field="locale" error/>
            </div>
            <p class="hint" aria-live="polite">"Times will look like this: " <span data-testid="pref-preview">{preview}</span></p>
            <FormAlert error fields=&["timezone", "locale"]/>
            <Notice message=notice/>
            <Submit label="Save" busy_label="Saving…" pending=save.pending() testid="pref-save"/>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::timezone_choices;

    #[test]
    fn the_browser_zone_comes_first_and_every_zone_once() {
        let choices = timezone_choices(Some("Asia/Tokyo"), "Asia/Tokyo");
        assert_eq!(choices[0], "Asia/Tokyo");
        assert_eq!(choices.iter().filter(|z| *z == "Asia/Tokyo").count(), 1);
    }

    #[test]
    fn an_uncommon_saved_zone_stays_selectable() {
        let choices = timezone_choices(None, "America/Argentina/Ushuaia");
        assert_eq!(choices[0], "UTC");
        assert_eq!(choices.last().map(String::as_str), Some("America/Argentina/Ushuaia"));
    }
}
