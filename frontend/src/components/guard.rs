//! Role gating for staff pages, in the spirit of leptos_router's
//! `ProtectedRoute` but driven by a predicate over the signed-in user.
//!
//! This only decides what the browser shows. The server checks every
//! operation again; a hidden button is a courtesy, not a permission.

use crate::auth::use_auth;
use crate::model::{CurrentUser, StaffRole};
use leptos::either::Either;
use leptos::prelude::*;

/// Renders `children` when the signed-in user satisfies `allow`, otherwise
/// `fallback` (by default a "no access" message).
///
/// ```ignore
/// <Route path=path!("staff") view=|| view! {
///     <RequireRole allow=|u| u.has_role_at_least(StaffRole::Owner)><StaffPage/></RequireRole>
/// }/>
/// ```
#[component]
pub fn RequireRole(
    allow: fn(&CurrentUser) -> bool,
    children: ChildrenFn,
    #[prop(optional, into)] fallback: Option<ViewFn>,
) -> impl IntoView {
    let auth = use_auth();
    // A memo, so a token refresh (same user, new token) does not re-render.
    let allowed = Memo::new(move |_| auth.user().as_ref().is_some_and(allow));
    let fallback = fallback.unwrap_or_else(|| ViewFn::from(|| view! { <NoAccess/> }));
    move || {
        if allowed.get() {
            Either::Left(children())
        } else {
            Either::Right(fallback.run())
        }
    }
}

/// Predicate for `RequireRole`: any staff member, whatever the role.
pub fn is_staff(user: &CurrentUser) -> bool {
    user.has_role_at_least(StaffRole::Support)
}

/// Predicate for `RequireRole`: ADMIN and above.
pub fn is_admin(user: &CurrentUser) -> bool {
    user.has_role_at_least(StaffRole::Admin)
}

/// Predicate for `RequireRole`: any staff member, or a customer (pages whose
/// data the server narrows to the customer's own).
pub fn is_staff_or_customer(user: &CurrentUser) -> bool {
    is_staff(user) || user.kind == crate::model::AccountKind::Customer
}

/// Predicate for `RequireRole`: customers only (their own billing).
pub fn is_customer(user: &CurrentUser) -> bool {
    user.kind == crate::model::AccountKind::Customer
}

#[component]
fn NoAccess() -> impl IntoView {
    view! {
        <section class="card" data-testid="no-access">
            <h1>"No access"</h1>
            <p role="alert">"Your role does not allow you to open this page."</p>
        </section>
    }
}
