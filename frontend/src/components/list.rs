//! Pieces shared by the list and detail pages: cursor paging, loading and error
//! placeholders, dates, and the status badge.

use crate::components::form::sentence;
use crate::error::{ApiError, ErrorCode};
use leptos::prelude::*;

/// Rows per page of the staff lists.
pub const PAGE_SIZE: i64 = 20;

/// Forward-only Relay cursors made two-way: the cursors of the pages already
/// passed are kept, so "Previous" returns to exactly the same page.
#[derive(Clone, Copy)]
pub struct Paging {
    pub after: RwSignal<Option<String>>,
    passed: RwSignal<Vec<Option<String>>>,
}

impl Paging {
    pub fn new() -> Self {
        Paging { after: RwSignal::new(None), passed: RwSignal::new(Vec::new()) }
    }

    pub fn next(&self, end_cursor: Option<String>) {
        let current = self.after.get_untracked();
        self.passed.update(|p| p.push(current));
        self.after.set(end_cursor);
    }

    pub fn previous(&self) {
        let mut back = None;
        self.passed.update(|p| back = p.pop());
        if let Some(after) = back {
            self.after.set(after);
        }
    }

    /// Back to page one, e.g. after a filter changed.
    pub fn reset(&self) {
        self.passed.set(Vec::new());
        self.after.set(None);
    }

    pub fn page_number(&self) -> usize {
        self.passed.with(Vec::len) + 1
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self::new()
    }
}

/// "n in total · Page n · Previous · Next" under a list.
#[component]
pub fn Pager(
    paging: Paging,
    has_next: bool,
    end_cursor: Option<String>,
    /// The list's `totalCount`, when the page shows it.
    #[prop(optional)]
    total: Option<i64>,
    #[prop(default = "pager")] testid: &'static str,
) -> impl IntoView {
    let end_cursor = StoredValue::new(end_cursor);
    let page = paging.page_number();
    view! {
        <nav class="pager actions" aria-label="Pages" data-testid=testid>
            {total.map(|total| view! { <span class="hint">{format!("{total} in total")}</span> })}
            <button type="button" class="secondary" disabled=page == 1 on:click=move |_| paging.previous()
                data-testid="page-previous">"Previous"</button>
            <span data-testid="page-number">"Page " {page}</span>
            <button type="button" class="secondary" disabled=!has_next
                on:click=move |_| paging.next(end_cursor.get_value()) data-testid="page-next">"Next"</button>
        </nav>
    }
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
            {move || errors.get().into_iter().next().map(|(_, e)| sentence(&e.to_string())).unwrap_or_default()}
        </p>
    }
}

/// A failed load: NOT_FOUND reads as "not found" (also what a customer sees
/// for somebody else's record: the server does not say it exists).
#[component]
pub fn LoadError(error: ApiError, what: &'static str) -> impl IntoView {
    let text = match error.code {
        ErrorCode::NotFound => format!("{} not found. It does not exist, or you may not see it.", sentence(what)),
        ErrorCode::Forbidden => format!("You may not see this {what}."),
        _ => sentence(&error.message),
    };
    view! {
        <p class="alert" role="alert" data-testid="load-error" data-code=format!("{:?}", error.code)>{text}</p>
    }
}

/// Shows a server timestamp to the viewer. Signed in, it is formatted by the
/// browser's `Intl.DateTimeFormat` in the user's time zone and locale
/// ("7. Dez. 2026, 18:40"); otherwise, and outside a browser, it reads
/// "2026-11-21T10:03:00Z" → "2026-11-21 10:03" (UTC).
pub fn when(timestamp: &str) -> String {
    intl::format(timestamp).unwrap_or_else(|| utc_text(timestamp))
}

/// The time zone and locale `when` formats for; `None` (signed out) goes back
/// to the UTC text. `auth` calls this whenever the session's user changes.
pub fn show_times_in(timezone_and_locale: Option<(&str, &str)>) {
    intl::set(timezone_and_locale);
}

/// `when` with an explicit time zone and locale (the preferences preview), or
/// `None` where the browser cannot format for them.
pub fn when_in(timestamp: &str, timezone: &str, locale: &str) -> Option<String> {
    intl::formatter(timezone, locale).and_then(|format| intl::apply(&format, timestamp))
}

fn utc_text(timestamp: &str) -> String {
    timestamp.get(..16).unwrap_or(timestamp).replace('T', " ")
}

/// The browser half of `when`. Every JS call goes through `Reflect`, which
/// turns a thrown error (an unknown zone is a RangeError) into an `Err`.
#[cfg(target_arch = "wasm32")]
mod intl {
    use js_sys::{Array, Date, Function, Object, Reflect};
    use std::cell::RefCell;
    use wasm_bindgen::{JsCast, JsValue};

    struct Display {
        timezone: String,
        locale: String,
        format: Function,
    }

    thread_local! {
        // One formatter for the session: building one costs far more than using it.
        static DISPLAY: RefCell<Option<Display>> = const { RefCell::new(None) };
    }

    pub fn set(preferences: Option<(&str, &str)>) {
        DISPLAY.with(|display| {
            let mut display = display.borrow_mut();
            let Some((timezone, locale)) = preferences else {
                *display = None;
                return;
            };
            if display.as_ref().is_some_and(|d| d.timezone == timezone && d.locale == locale) {
                return;
            }
            *display =
                formatter(timezone, locale).map(|format| Display { timezone: timezone.to_owned(), locale: locale.to_owned(), format });
        });
    }

    pub fn format(timestamp: &str) -> Option<String> {
        DISPLAY.with(|display| display.borrow().as_ref().and_then(|d| apply(&d.format, timestamp)))
    }

    /// `new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format`.
    pub fn formatter(timezone: &str, locale: &str) -> Option<Function> {
        let options = Object::new();
        for (key, value) in [("timeZone", timezone), ("dateStyle", "medium"), ("timeStyle", "short")] {
            Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value)).ok()?;
        }
        let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
        let constructor: Function = Reflect::get(&intl, &JsValue::from_str("DateTimeFormat")).ok()?.dyn_into().ok()?;
        let formatter = Reflect::construct(&constructor, &Array::of2(&JsValue::from_str(locale), &options)).ok()?;
        // The `format` getter answers a function bound to its formatter.
        Reflect::get(&formatter, &JsValue::from_str("format")).ok()?.dyn_into().ok()
    }

    pub fn apply(format: &Function, timestamp: &str) -> Option<String> {
        // Only full timestamps: a bare date has no time of day to convert.
        if !timestamp.contains('T') {
            return None;
        }
        let millis = Date::parse(timestamp);
        if millis.is_nan() {
            return None;
        }
        let date: JsValue = Date::new(&JsValue::from_f64(millis)).into();
        format.call1(&JsValue::NULL, &date).ok()?.as_string()
    }
}

/// Outside a browser (unit tests) there is no `Intl`: always the UTC text.
#[cfg(not(target_arch = "wasm32"))]
mod intl {
    pub struct Function;

    pub fn set(_preferences: Option<(&str, &str)>) {}

    pub fn format(_timestamp: &str) -> Option<String> {
        None
    }

    pub fn formatter(_timezone: &str, _locale: &str) -> Option<Function> {
        None
    }

    pub fn apply(_format: &Function, _timestamp: &str) -> Option<String> {
        None
    }
}

/// "1 order", "3 orders".
pub fn count_label(count: i64, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Empty strings become absent, the way the optional inputs expect.
pub fn optional(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

/// A coloured badge carrying the wire value (tests and styles key on it).
#[component]
pub fn StatusBadge(wire: &'static str, label: &'static str) -> impl IntoView {
    view! { <span class="status" data-status=wire data-testid="status">{label}</span> }
}

#[cfg(test)]
mod tests {
    use super::{count_label, when};

    #[test]
    fn when_keeps_date_and_minutes() {
        assert_eq!(when("2026-11-22T01:02:03.456Z"), "2026-11-22 01:02");
        assert_eq!(when("bad"), "bad");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count_label(1, "order"), "1 order");
        assert_eq!(count_label(3, "order"), "3 orders");
    }
}
