//! Pieces every list page shares: a cursor pager for Relay connections, the
//! loading and error placeholders, and a compact timestamp.

use leptos::prelude::*;

/// How many rows a page asks for.
pub const PAGE_SIZE: i64 = 20;

/// Forward cursors plus the ones already visited, so "Previous" works too.
#[derive(Clone, Copy)]
pub struct Cursor {
    pub after: RwSignal<Option<String>>,
    back: RwSignal<Vec<Option<String>>>,
}

impl Cursor {
    pub fn new() -> Self {
        Cursor { after: RwSignal::new(None), back: RwSignal::new(Vec::new()) }
    }

    /// Back to the first page (after a filter change, say).
    pub fn reset(&self) {
        self.back.set(Vec::new());
        self.after.set(None);
    }

    fn next(&self, end: String) {
        let current = self.after.get_untracked();
        self.back.update(|b| b.push(current));
        self.after.set(Some(end));
    }

    fn previous(&self) {
        let mut back = self.back.get_untracked();
        let prev = back.pop().flatten();
        self.back.set(back);
        self.after.set(prev);
    }
}

impl Default for Cursor {
    fn default() -> Self {
        Self::new()
    }
}

/// "Previous / Next" under a list, with how many rows the list holds.
#[component]
pub fn Pager(
    cursor: Cursor,
    has_next: bool,
    end_cursor: Option<String>,
    total: i64,
    #[prop(default = "pager")] testid: &'static str,
) -> impl IntoView {
    let has_prev = cursor.back.with_untracked(|b| !b.is_empty());
    let next = move |_| {
        if let Some(end) = end_cursor.clone() {
            cursor.next(end);
        }
    };
    view! {
        <nav class="pager actions" aria-label="Pages" data-testid=testid>
            <span class="hint">{format!("{total} in total")}</span>
            {has_prev.then(|| view! {
                <button type="button" class="secondary" on:click=move |_| cursor.previous()>"Previous"</button>
            })}
            {has_next.then(|| view! {
                <button type="button" class="secondary" data-testid="next-page" on:click=next>"Next page"</button>
            })}
        </nav>
    }
}

/// "2026-11-22T01:02:03.456Z" → "2026-11-22 01:02" (UTC, as the server sent it).
pub fn short_time(stamp: &str) -> String {
    let trimmed = stamp.get(..16).unwrap_or(stamp);
    format!("{} UTC", trimmed.replace('T', " "))
}

/// The placeholder while a list loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-busy="true">"Loading…"</p> }
}

/// An `ErrorBoundary` fallback: the first error's message.
pub fn load_error(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <p class="alert" role="alert" data-testid="load-error">
            {move || errors.get().into_iter().next().map(|(_, e)| crate::components::form::sentence(&e.to_string())).unwrap_or_default()}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::short_time;

    #[test]
    fn short_time_keeps_date_and_minutes() {
        assert_eq!(short_time("2026-11-22T01:02:03.456Z"), "2026-11-22 01:02 UTC");
        assert_eq!(short_time("bad"), "bad UTC");
    }
}
