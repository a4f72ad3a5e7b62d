//! The landing page after sign-in. A placeholder that greets the user until
//! the customer, order and alert summaries arrive.

use crate::auth::use_auth;
use crate::components::guard::{is_staff, RequireRole};
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let auth = use_auth();
    let first_name =
        Memo::new(move |_| auth.user().map(|u| u.name.split_whitespace().next().unwrap_or_default().to_owned()).unwrap_or_default());
    view! {
        <section class="card">
            <h1 data-testid="greeting">"Welcome, " {first_name} "!"</h1>
            <p>"This is your Hub dashboard."</p>
            <RequireRole allow=is_staff fallback=|| ()>
                <p class="hint">"Customers, orders and alerts will show up here."</p>
            </RequireRole>
        </section>
    }
}
