//! Command approvals (spec 001 §4.9, §5, §6): a tenant's agent asks before running
//! a gated command; staff ADMIN+ or the owning customer approve or deny it once,
//! within 24 hours, after which it expires.

pub mod decide;
pub mod live;
pub mod read;
pub mod request;

pub use decide::{decide, expire_stale, Decision};
pub use live::may_see;
pub use read::{get, list};
pub use request::{request, ApprovalRequest, APPROVAL_TTL_HOURS};

use entity::order;
use sea_orm::{sea_query::Query, ColumnTrait};
use uuid::Uuid;

/// `SELECT id FROM orders WHERE customer_id = ?`: the owner filter for approvals.
pub(crate) fn orders_of(customer_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select().column(order::Column::Id).from(order::Entity).and_where(order::Column::CustomerId.eq(customer_id)).to_owned()
}
