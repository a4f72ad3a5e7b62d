//! The frame of every dashboard region: a card labelled by its heading, with
//! a link to the page that shows everything, and its content loading (and
//! failing) on its own.

use crate::components::list::{load_error, Loading};
use leptos::prelude::*;
use leptos_router::components::A;

/// A labelled region (`aria-labelledby` its `<h2>`); `more` is (href, text).
#[component]
pub fn Section(id: &'static str, title: &'static str, more: Option<(&'static str, &'static str)>, children: Children) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="card dashboard-section" aria-labelledby=labelled_by data-testid=id>
            <header class="dashboard-section-head">
                <h2 id=heading>{title}</h2>
                {more.map(|(href, text)| view! { <A href=href attr:data-testid=format!("{id}-more")>{text}</A> })}
            </header>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=load_error>{children()}</ErrorBoundary>
            </Transition>
        </section>
    }
}

/// "45 %" for a known figure.
pub fn percent(value: Option<f64>) -> Option<String> {
    value.filter(|v| v.is_finite()).map(|v| format!("{v:.0} %"))
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percents_round_and_skip_unknowns() {
        assert_eq!(percent(Some(49.6)).as_deref(), Some("50 %"));
        assert_eq!(percent(None), None);
        assert_eq!(percent(Some(f64::NAN)), None);
    }
}
