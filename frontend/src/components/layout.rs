//! The frame of every signed-in page, and the gate in front of it.
//!
//! All routes except /login, /setup and /accept-invitation are children of
//! this layout, so "requires a session" is decided in exactly one place.

use crate::auth::{use_auth, AuthState};
use crate::components::alerts::{AlertBell, ToastRegion};
use crate::components::guard::{is_admin, is_staff, is_staff_or_customer, RequireRole};
use crate::gql::{logout, Logout};
use crate::live::alerts::AlertFeed;
use crate::model::AccountKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = encodeURIComponent)]
    fn encode_uri_component(text: &str) -> String;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Loading,
    SignedIn,
    SignedOut,
}

/// Session gate plus header, nav and the current page.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let auth = use_auth();
    // A memo so that refreshing the token does not rebuild the page below.
    let phase = Memo::new(move |_| match (auth.setup_required.get(), auth.state()) {
        // The app-level setup redirect is on its way.
        (Some(true), _) => Phase::Loading,
        (_, AuthState::SignedIn(_)) => Phase::SignedIn,
        (_, AuthState::SignedOut) => Phase::SignedOut,
        (_, AuthState::Unknown) => Phase::Loading,
    });
    let navigate = use_navigate();
    let location = use_location();
    // Someone who deep-links while signed out comes back here after login;
    // someone who logs out (or whose session ends) starts from the dashboard.
    let was_signed_in = StoredValue::new(false);
    Effect::new(move |_| match phase.get() {
        Phase::SignedIn => was_signed_in.set_value(true),
        Phase::SignedOut => {
            let path = location.pathname.get_untracked();
            let search = location.search.get_untracked();
            let target = if was_signed_in.get_value() || (path == "/" && search.is_empty()) {
                "/login".to_owned()
            } else {
                let here = if search.is_empty() { path } else { format!("{path}?{search}") };
                format!("/login?next={}", encode_uri_component(&here))
            };
            navigate(&target, NavigateOptions { replace: true, ..Default::default() });
        }
        Phase::Loading => {}
    });

    move || match phase.get() {
        Phase::SignedIn => EitherOf3::A(view! { <SignedInFrame/> }),
        Phase::Loading => EitherOf3::B(view! { <p class="loading" aria-busy="true">"Loading…"</p> }),
        Phase::SignedOut => EitherOf3::C(()),
    }
}

/// Header, page and alert toasts. Owns the live alert feed, so it lives
/// exactly as long as the session is shown.
#[component]
fn SignedInFrame() -> impl IntoView {
    let auth = use_auth();
    let feed = auth.user().is_some_and(|u| is_staff_or_customer(&u)).then(|| AlertFeed::provide(auth));
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Header/>
        <main id="main" class="page" tabindex="-1">
            <Outlet/>
        </main>
        {feed.map(|feed| view! { <ToastRegion feed/> })}
    }
}

#[component]
fn Header() -> impl IntoView {
    let auth = use_auth();
    let user = Memo::new(move |_| auth.user());
    let name = move || user.with(|u| u.as_ref().map(|u| u.name.clone()));
    let email = move || user.with(|u| u.as_ref().map(|u| u.email.clone()));
    let role = move || user.with(|u| u.as_ref().map(|u| u.role_label()));
    let staff = Memo::new(move |_| user.with(|u| u.as_ref().is_some_and(is_staff)));
    let customer = Memo::new(move |_| user.with(|u| u.as_ref().is_some_and(|u| u.kind == AccountKind::Customer)));
    let navigate = use_navigate();
    // On a phone-width screen the menu folds behind a button; following a link closes it.
    let menu_open = RwSignal::new(false);
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let logging_out = RwSignal::new(false);
    let log_out = move |_| {
        logging_out.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            // Whatever the server says, this tab forgets the session: a failed
            // call must not leave the user believing they are still signed in.
            let _ = auth.call::<Logout>(logout::Variables).await;
            auth.sign_out_local();
            navigate("/login", NavigateOptions { replace: true, ..Default::default() });
        });
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Hub"</a>
            <button type="button" class="menu-toggle secondary" aria-controls="main-nav" data-testid="menu-toggle"
                aria-expanded=move || menu_open.get().to_string() on:click=move |_| menu_open.update(|open| *open = !*open)>
                "Menu"
            </button>
            <nav id="main-nav" aria-label="Main" class:open=move || menu_open.get()>
                <A href="/" exact=true>"Dashboard"</A>
                // Courtesy gating only: the server scopes and checks every query.
                <Show when=move || staff.get()>
                    <A href="/customers">"Customers"</A>
                    <A href="/orders">"Orders"</A>
                    <A href="/projects">"Projects"</A>
                    <A href="/sites">"Sites"</A>
                    <A href="/sync-log">"Sync log"</A>
                    <A href="/webhooks">"Webhooks"</A>
                    <A href="/api-products">"API products"</A>
                    <A href="/insights">"Insights"</A>
                </Show>
                <Show when=move || customer.get()>
                    <A href="/orders">"My orders"</A>
                    <A href="/usage">"Usage"</A>
                    <A href="/billing">"Billing"</A>
                    <A href="/sites">"My sites"</A>
                    <A href="/api-products">"API products"</A>
                </Show>
                <RequireRole allow=is_staff_or_customer fallback=|| ()>
                    <AlertBell/>
                </RequireRole>
                <A href="/security">"Security"</A>
                <A href="/preferences">"Preferences"</A>
                <RequireRole allow=is_staff_or_customer fallback=|| ()>
                    <A href="/approvals">"Approvals"</A>
                </RequireRole>
                <RequireRole allow=is_admin fallback=|| ()>
                    <A href="/staff">"Staff"</A>
                    <A href="/settings">"Settings"</A>
                    <A href="/audit">"Audit log"</A>
                </RequireRole>
            </nav>
            <div class="who" data-testid="current-user">
                <span class="who-name" data-testid="user-name">{name}</span>
                <span class="who-email" data-testid="user-email">{email}</span>
                <span class="badge" data-testid="user-role">{role}</span>
            </div>
            <button type="button" class="secondary" data-testid="logout" on:click=log_out disabled=logging_out>
                "Log out"
            </button>
        </header>
    }
}
