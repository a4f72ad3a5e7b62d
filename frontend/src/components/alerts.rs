//! The header's alert bell and the toast region, both fed by `live::alerts`.

use crate::live::alerts::{use_alert_feed, AlertFeed};
use leptos::prelude::*;
use leptos_router::components::A;

/// "Alerts" in the header, with the number of open alerts.
#[component]
pub fn AlertBell() -> impl IntoView {
    let feed = use_alert_feed();
    let open = move || feed.and_then(|feed| feed.open.get()).unwrap_or(0);
    let label = move || match open() {
        0 => "Alerts, none open".to_owned(),
        1 => "Alerts, 1 open".to_owned(),
        n => format!("Alerts, {n} open"),
    };
    view! {
        <A href="/alerts" attr:aria-label=label attr:data-testid="alert-bell">
            // The space keeps the visible text ("Alerts 2") inside the name ("Alerts, 2 open").
            "Alerts "
            <Show when=move || { open() > 0 }>
                <span class="count" data-testid="alert-count">{open}</span>
            </Show>
        </A>
    }
}

/// Arriving alerts, announced politely to screen readers and dismissable.
#[component]
pub fn ToastRegion(feed: AlertFeed) -> impl IntoView {
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || feed.toasts.get() key=|toast| toast.id.clone() let:toast>
                <div class="toast" data-severity=toast.severity.as_str() data-testid="alert-toast">
                    <p>
                        <strong>{toast.severity.label()}</strong> " · " <code>{toast.kind.clone()}</code>
                    </p>
                    <p data-testid="alert-toast-message">{toast.message.clone()}</p>
                    <p class="actions">
                        <a href="/alerts">"View alerts"</a>
                        <button type="button" class="secondary" aria-label="Dismiss alert"
                            on:click={
                                let id = toast.id.clone();
                                move |_| feed.dismiss(&id)
                            }>"Dismiss"</button>
                    </p>
                </div>
            </For>
        </div>
    }
}
