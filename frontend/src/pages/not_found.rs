//! Shown for any path no route matches. Public on purpose: a wrong link
//! should say "not found", not bounce a signed-out visitor to /login.

use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="auth-shell">
            <section class="card" data-testid="not-found">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <p>
                    <a href="/">"Go to the dashboard"</a>
                </p>
            </section>
        </main>
    }
}
