//! The landing page after sign-in. Customers see their servers and agents,
//! recent alerts, usage this period and the approvals waiting for them (live);
//! staff see what needs attention and the last 30 days' insights. Every
//! section is a labelled region that loads, and fails, on its own.

mod activity;
mod approvals;
mod overview;
mod section;
mod servers;
mod usage;

use crate::auth::use_auth;
use crate::components::guard::{is_staff, RequireRole};
use leptos::prelude::*;

#[component]
fn CustomerDashboard() -> impl IntoView {
    view! {
        <div class="dashboard-grid">
            <servers::Servers/>
            <approvals::OpenApprovals/>
            <usage::UsageThisPeriod/>
            <activity::Activity/>
        </div>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let auth = use_auth();
    let first_name =
        Memo::new(move |_| auth.user().map(|u| u.name.split_whitespace().next().unwrap_or_default().to_owned()).unwrap_or_default());
    view! {
        <h1 data-testid="greeting">"Welcome, " {first_name} "!"</h1>
        <RequireRole allow=is_staff fallback=|| view! { <CustomerDashboard/> }>
            <overview::StaffOverview/>
        </RequireRole>
    }
}
