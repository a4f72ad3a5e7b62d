//! Who sees approval requests live: the rule of [`super::read`] (staff all, a
//! customer those of their own orders) applied to an event, which carries its
//! order's customer so that no read is needed.

use uuid::Uuid;

use crate::auth::{Cap, Permission};

/// Whether the holder of `cap` may see approvals of orders owned by `customer_id`.
pub fn may_see<P: Permission>(cap: &Cap<P>, customer_id: Uuid) -> bool {
    cap.customer_scope().is_none_or(|own| own == customer_id)
}
