//! Which alerts the signed-in user is mailed: on or off, the lowest severity,
//! and alert types mailed whatever their severity. Invitations and password
//! links are always mailed.

use crate::auth::use_auth;
use crate::components::form::{action_error, FieldNote, FormAlert, Notice, Submit};
use crate::domain::AlertSeverity;
use crate::error::ApiError;
use crate::gql::{notification_settings, update_notification_settings, NotificationSettings, UpdateNotificationSettings};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// "DISK_FULL, site_errors" → ["DISK_FULL", "SITE_ERRORS"]: split on commas
/// and spaces, upper-cased, empties dropped (the server checks the names).
fn parse_types(text: &str) -> Vec<String> {
    text.split([',', ' ', '\n']).map(|t| t.trim().to_ascii_uppercase()).filter(|t| !t.is_empty()).collect()
}

#[component]
pub fn NotificationsSection() -> impl IntoView {
    let auth = use_auth();
    let enabled = RwSignal::new(true);
    let severity = RwSignal::new(AlertSeverity::Critical);
    let types = RwSignal::new(String::new());
    let loaded = RwSignal::new(None::<Result<(), ApiError>>);
    let notice = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        let result = auth.call::<NotificationSettings>(notification_settings::Variables).await.map(|d| {
            let s = d.notification_settings;
            enabled.set(s.email_enabled);
            severity.set(s.min_severity);
            types.set(s.alert_types.join(", "));
        });
        let _ = loaded.try_set(Some(result));
    });
    let save = Action::new_local(move |_: &()| async move {
        notice.set(None);
        let input = update_notification_settings::NotificationSettingsInput {
            email_enabled: Some(enabled.get_untracked()),
            min_severity: Some(severity.get_untracked()),
            alert_types: Some(parse_types(&types.get_untracked())),
        };
        let saved = auth.call::<UpdateNotificationSettings>(update_notification_settings::Variables { input }).await?;
        types.set(saved.update_notification_settings.alert_types.join(", "));
        notice.set(Some("Your notification settings are saved.".to_owned()));
        Ok::<_, ApiError>(())
    });
    let error = action_error(save);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(());
    };

    view! {
        <section class="card" aria-labelledby="notifications-title">
            <h2 id="notifications-title">"E-mail notifications"</h2>
            {move || match loaded.get() {
                None => view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(())) => view! {
                    <form on:submit=on_submit data-testid="notification-settings-form" novalidate>
                        <label class="check">
                            <input type="checkbox" data-testid="notify-email" bind:checked=enabled/>
                            " Mail me about alerts"
                        </label>
                        <div class="field">
                            <label for="notify-severity">"Mail alerts at least this severe"</label>
                            <select id="notify-severity" data-testid="notify-severity"
                                prop:value=move || severity.get().as_str()
                                on:change=move |ev| if let Some(s) = AlertSeverity::parse(&event_target_value(&ev)) { severity.set(s) }>
                                {AlertSeverity::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="notify-types">"Also mail these alert types, whatever their severity"</label>
                            <input id="notify-types" data-testid="notify-types" placeholder="e.g. TENANT_OFFLINE, STORAGE_QUOTA"
                                aria-describedby="notify-types-error" bind:value=types/>
                            <FieldNote id="notify-types" field="alertTypes" error/>
                        </div>
                        <FormAlert error fields=&["alertTypes"]/>
                        <Notice message=notice/>
                        <Submit label="Save" busy_label="Saving…" pending=save.pending() testid="notify-save"/>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_types;

    #[test]
    fn types_are_split_and_upper_cased() {
        assert_eq!(parse_types("disk_full, SITE_ERRORS  tenant_offline,,"), ["DISK_FULL", "SITE_ERRORS", "TENANT_OFFLINE"]);
        assert!(parse_types(" , ").is_empty());
    }
}
