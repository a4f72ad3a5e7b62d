//! Orders: one tenant server a customer bought, its lifecycle ([`lifecycle`]),
//! its provisioning runs ([`provisioning`], drivers in [`driver`] and
//! [`bridge_driver`]) and the remote commands staff queue for it
//! ([`remote_commands`]).
//!
//! Customer scoping is applied here: reads filter by the capability's customer
//! and a customer reaching another customer's order gets `NOT_FOUND`.

pub mod bridge_driver;
pub mod driver;
pub mod lifecycle;
pub mod live;
pub mod manage;
pub mod provisioning;
pub mod read;
pub mod remote_commands;
pub mod validate;

use chrono::Utc;
use entity::{order, OrderStatus};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

pub(crate) use live::StatusChange;
pub use manage::{cancel, create, mark_awaiting_dns, set_automation_mode, update, NewOrder, OrderChanges};
pub(crate) use manage::{insert_paid, start_if_auto, PaidOrder};
pub use read::{by_customers, by_ids, get, list, OrderFilter};

use crate::{
    auth::{Cap, Permission},
    error::AppError,
};

/// Orders the capability may see: all for staff, a customer's own otherwise.
pub(crate) fn scoped<P: Permission>(cap: &Cap<P>) -> Select<order::Entity> {
    let query = order::Entity::find();
    match cap.customer_scope() {
        Some(customer) => query.filter(order::Column::CustomerId.eq(customer)),
        None => query,
    }
}

/// Loads one order the capability reaches; someone else's is `NOT_FOUND`.
pub(crate) async fn find_reachable<C: ConnectionTrait, P: Permission>(conn: &C, cap: &Cap<P>, id: Uuid) -> Result<order::Model, AppError> {
    let order = scoped(cap).filter(order::Column::Id.eq(id)).one(conn).await?;
    let order = order.ok_or_else(|| AppError::NotFound("no such order".into()))?;
    cap.ensure_reaches(order.customer_id)?;
    Ok(order)
}

/// Moves an order from `from` to `to`, setting `extra` columns too, only if it
/// is still in `from`: of two requests racing on one order exactly one wins, the
/// other gets `CONFLICT`. Run it first in a transaction, so that on SQLite the
/// write lock is taken before anything is read; announce the answered change
/// once the transaction has committed.
pub(crate) async fn transition<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    from: OrderStatus,
    to: OrderStatus,
    extra: Vec<(order::Column, Expr)>,
) -> Result<StatusChange, AppError> {
    lifecycle::check(from, to)?;
    let mut update = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to))
        .col_expr(order::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Status.eq(from));
    for (column, value) in extra {
        update = update.col_expr(column, value);
    }
    if update.exec(conn).await?.rows_affected == 1 {
        Ok(StatusChange { order_id: id, from, to })
    } else {
        Err(AppError::Conflict(format!("the order is no longer {}; reload it", lifecycle::name(from))))
    }
}

/// The tool slugs stored in an order's JSON column.
pub fn tools_of(order: &order::Model) -> Vec<String> {
    serde_json::from_value(order.tools.clone()).unwrap_or_default()
}
