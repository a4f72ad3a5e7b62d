//! Approval requests as tenants send them: pages listing pending approvals
//! reload when the `approvalRequested` subscription delivers one, and after
//! each reconnection (to catch up on what came meanwhile).

use crate::auth::Auth;
use crate::gql::{approval_requested, ApprovalRequested};
use crate::model::{AccountKind, CurrentUser, StaffRole};
use leptos::prelude::*;

/// Whether `user` may decide approvals, and so follow requests live: customers
/// (their own orders') and staff ADMIN and above.
pub fn may_decide(user: &CurrentUser) -> bool {
    user.kind == AccountKind::Customer || user.has_role_at_least(StaffRole::Admin)
}

/// Follows `approvalRequested` while the calling component lives; the answer
/// changes on every arrival (track it to reload). Viewers who may not decide
/// get a signal that never changes.
pub fn arrivals(auth: Auth) -> Signal<u32> {
    if !auth.user().is_some_and(|u| may_decide(&u)) {
        return Signal::stored(0);
    }
    let count = RwSignal::new(0u32);
    let bump = move || {
        let _ = count.try_update(|n| *n = n.wrapping_add(1));
    };
    let subscription = super::subscribe::<ApprovalRequested>(auth, || approval_requested::Variables, move |_| bump(), bump);
    on_cleanup(move || subscription.stop());
    count.into()
}
