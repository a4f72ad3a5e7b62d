//! The viewer's alerts as they happen: one `alerts` subscription per tab,
//! resumed with `after` across reconnections so nothing raised meanwhile is
//! missed or shown twice; a toast for each arrival; the open-alert count in
//! the header.

use crate::auth::Auth;
use crate::domain::AlertSeverity;
use crate::gql::{alert_stream, open_alert_count, AlertStream, OpenAlertCount};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How long a toast stays unless dismissed.
const TOAST_SECS: u64 = 10;
/// Toasts on screen at once; older ones make room.
const MAX_TOASTS: usize = 4;

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: String,
    pub kind: String,
    pub severity: AlertSeverity,
    pub message: String,
}

#[derive(Clone, Copy)]
pub struct AlertFeed {
    /// Toasts on screen, oldest first.
    pub toasts: RwSignal<Vec<Toast>>,
    /// Unacknowledged alerts the viewer may see; `None` until counted.
    pub open: RwSignal<Option<i64>>,
    /// Bumped on every arrival, so an open alerts list can reload.
    pub arrivals: RwSignal<u32>,
}

/// The feed the signed-in layout provides (absent for viewers without alerts).
pub fn use_alert_feed() -> Option<AlertFeed> {
    use_context::<AlertFeed>()
}

impl AlertFeed {
    /// Subscribes for the lifetime of the calling component and provides the feed.
    pub fn provide(auth: Auth) -> AlertFeed {
        let feed = AlertFeed { toasts: RwSignal::new(Vec::new()), open: RwSignal::new(None), arrivals: RwSignal::new(0) };
        let last_seen = StoredValue::new(None::<String>);
        let subscription = super::subscribe::<AlertStream>(
            auth,
            move || alert_stream::Variables { after: last_seen.try_get_value().flatten() },
            move |data| {
                let alert = data.alerts;
                last_seen.set_value(Some(alert.id.clone()));
                feed.arrive(Toast { id: alert.id, kind: alert.type_, severity: alert.severity, message: alert.message });
            },
            move || feed.recount(auth),
        );
        on_cleanup(move || subscription.stop());
        provide_context(feed);
        feed
    }

    fn arrive(&self, toast: Toast) {
        let id = toast.id.clone();
        let _ = self.toasts.try_update(|toasts| push_toast(toasts, toast, MAX_TOASTS));
        let _ = self.open.try_update(|open| *open = open.map(|n| n + 1));
        let _ = self.arrivals.try_update(|n| *n += 1);
        let feed = *self;
        set_timeout(move || feed.dismiss(&id), Duration::from_secs(TOAST_SECS));
    }

    pub fn dismiss(&self, id: &str) {
        let _ = self.toasts.try_update(|toasts| toasts.retain(|t| t.id != id));
    }

    /// Counts the open alerts again (after connecting, or acknowledging one).
    pub fn recount(&self, auth: Auth) {
        let open = self.open;
        spawn_local(async move {
            if let Ok(data) = auth.call::<OpenAlertCount>(open_alert_count::Variables).await {
                let _ = open.try_set(Some(data.alerts.total_count));
            }
        });
    }
}

/// Appends `toast` unless it is already shown, keeping at most `max`.
fn push_toast(toasts: &mut Vec<Toast>, toast: Toast, max: usize) {
    if toasts.iter().any(|t| t.id == toast.id) {
        return;
    }
    toasts.push(toast);
    let extra = toasts.len().saturating_sub(max);
    toasts.drain(..extra);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toast(id: &str) -> Toast {
        Toast { id: id.into(), kind: "TENANT_OFFLINE".into(), severity: AlertSeverity::Warning, message: "m".into() }
    }

    #[test]
    fn toasts_keep_the_newest_and_never_repeat_one() {
        let mut toasts = Vec::new();
        for id in ["a", "b", "a", "c", "d"] {
            push_toast(&mut toasts, toast(id), 3);
        }
        let ids: Vec<_> = toasts.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "d"]);
    }
}
