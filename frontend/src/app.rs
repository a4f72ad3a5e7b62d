//! Routes, and the one redirect that applies everywhere: a fresh install
//! goes to /setup until its first owner exists.

use crate::auth::Auth;
use crate::components::guard::{is_admin, is_customer, is_staff, is_staff_or_customer, RequireRole};
use crate::components::layout::SignedInLayout;
use crate::pages::api_products::{ApiProductsPage, ApiProjectPage};
use crate::pages::customers::{detail::CustomerDetailPage, CustomersPage};
use crate::pages::insights::{InsightsPage, ProjectInsightsPage};
use crate::pages::orders::{detail::OrderDetailPage, OrdersPage};
use crate::pages::{
    accept_invitation::AcceptInvitationPage, agents::AgentsPage, alerts::AlertsPage, approvals::ApprovalsPage, audit::AuditPage,
    billing::BillingPage, dashboard::DashboardPage, login::LoginPage, not_found::NotFoundPage, preferences::PreferencesPage,
    security::SecurityPage, set_password::SetPasswordPage, settings::SettingsPage, setup::SetupPage, staff::StaffPage,
    usage::CustomerUsagePage, usage::UsagePage, webhooks::WebhooksPage,
};
use crate::pages::{projects::ProjectsPage, sites::SitesPage, sync_log::SyncLogPage};
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{path, NavigateOptions};

#[component]
pub fn App() -> impl IntoView {
    Auth::provide();
    view! {
        <Router>
            <SetupRedirect/>
            <Routes fallback=NotFoundPage>
                // Public: reachable without a session.
                <Route path=path!("/setup") view=SetupPage/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/accept-invitation") view=AcceptInvitationPage/>
                <Route path=path!("/set-password") view=SetPasswordPage/>
                // Everything else needs a session; the layout enforces it.
                <ParentRoute path=path!("") view=SignedInLayout>
                    <Route path=path!("") view=DashboardPage/>
                    <Route path=path!("security") view=SecurityPage/>
                    <Route path=path!("preferences") view=PreferencesPage/>
                    <Route path=path!("customers") view=|| view! { <RequireRole allow=is_staff><CustomersPage/></RequireRole> }/>
                    <Route path=path!("customers/:id") view=|| view! {
                        <RequireRole allow=is_staff_or_customer><CustomerDetailPage/></RequireRole>
                    }/>
                    <Route path=path!("customers/:id/usage") view=|| view! { <RequireRole allow=is_staff><CustomerUsagePage/></RequireRole> }/>
                    <Route path=path!("webhooks") view=|| view! { <RequireRole allow=is_staff><WebhooksPage/></RequireRole> }/>
                    <Route path=path!("orders") view=OrdersPage/>
                    <Route path=path!("orders/:id") view=OrderDetailPage/>
                    <Route path=path!("orders/:id/agents") view=|| view! {
                        <RequireRole allow=is_staff_or_customer><AgentsPage/></RequireRole>
                    }/>
                    <Route path=path!("approvals") view=|| view! {
                        <RequireRole allow=is_staff_or_customer><ApprovalsPage/></RequireRole>
                    }/>
                    <Route path=path!("alerts") view=|| view! {
                        <RequireRole allow=is_staff_or_customer><AlertsPage/></RequireRole>
                    }/>
                    <Route path=path!("billing") view=|| view! { <RequireRole allow=is_customer><BillingPage/></RequireRole> }/>
                    <Route path=path!("usage") view=|| view! { <RequireRole allow=is_customer><UsagePage/></RequireRole> }/>
                    <Route path=path!("api-products") view=|| view! { <RequireRole allow=is_staff_or_customer><ApiProductsPage/></RequireRole> }/>
                    <Route path=path!("api-products/:id") view=|| view! { <RequireRole allow=is_staff_or_customer><ApiProjectPage/></RequireRole> }/>
                    <Route path=path!("projects") view=|| view! { <RequireRole allow=is_staff><ProjectsPage/></RequireRole> }/>
                    <Route path=path!("projects/:slug/insights") view=|| view! {
                        <RequireRole allow=is_staff><ProjectInsightsPage/></RequireRole>
                    }/>
                    <Route path=path!("insights") view=|| view! { <RequireRole allow=is_staff><InsightsPage/></RequireRole> }/>
                    <Route path=path!("sites") view=|| view! { <RequireRole allow=is_staff_or_customer><SitesPage/></RequireRole> }/>
                    <Route path=path!("sync-log") view=|| view! { <RequireRole allow=is_staff><SyncLogPage/></RequireRole> }/>
                    <Route path=path!("staff") view=|| view! { <RequireRole allow=is_admin><StaffPage/></RequireRole> }/>
                    <Route path=path!("settings") view=|| view! { <RequireRole allow=is_admin><SettingsPage/></RequireRole> }/>
                    <Route path=path!("audit") view=|| view! { <RequireRole allow=is_admin><AuditPage/></RequireRole> }/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sends every page to /setup while `setupRequired` is true.
#[component]
fn SetupRedirect() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if auth.setup_required.get() == Some(true) && location.pathname.get_untracked() != "/setup" {
            navigate("/setup", NavigateOptions { replace: true, ..Default::default() });
        }
    });
}
