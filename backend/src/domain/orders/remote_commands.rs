//! Remote commands: staff (SUPPORT and above) queue them for an order's server;
//! the server's heartbeat collects them, each exactly once, unless a webhook
//! delivered it first (see `domain/webhooks`).

use chrono::Utc;
use entity::{remote_command, OrderStatus, RemoteCommandKind, RemoteCommandStatus};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::find_reachable;
use crate::{
    auth::{
        capability::{ManageContainers, ReadOrders},
        Cap, RequestMeta,
    },
    domain::{
        audit,
        page::{Page, PageRequest},
        webhooks,
    },
    error::AppError,
    Services,
};

/// The largest `args` accepted, serialized.
pub const MAX_ARGS_BYTES: usize = 4 * 1024;

/// Queues a command for the order's server (not for a CANCELLED order).
pub async fn queue(
    services: &Services,
    cap: &Cap<ManageContainers>,
    order_id: Uuid,
    command: RemoteCommandKind,
    args: Option<serde_json::Value>,
    meta: &RequestMeta,
) -> Result<remote_command::Model, AppError> {
    let args = args.unwrap_or_else(|| json!({}));
    if !args.is_object() {
        return Err(AppError::invalid("args", "must be a JSON object"));
    }
    if args.to_string().len() > MAX_ARGS_BYTES {
        return Err(AppError::invalid("args", format!("must be at most {MAX_ARGS_BYTES} bytes as JSON")));
    }
    // Read before the transaction: on SQLite a transaction that reads and then
    // writes fails (SQLITE_BUSY_SNAPSHOT) when another connection wrote in between.
    let order = find_reachable(&services.db, cap, order_id).await?;
    if order.status == OrderStatus::Cancelled {
        return Err(AppError::Conflict("the order is CANCELLED; its server takes no commands".into()));
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let queued = remote_command::ActiveModel {
        id: Set(Uuid::new_v4()),
        order_id: Set(order_id),
        command: Set(command),
        args: Set(args),
        status: Set(RemoteCommandStatus::Queued),
        created_by: Set(cap.user_id()),
        created_at: Set(Utc::now()),
        delivered_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let details = json!({ "orderId": order_id, "command": command, "args": queued.args });
    let entry = audit::Entry::new(Some(cap.user_id()), "remote_command.queued", meta).target("remote_command", queued.id).details(details);
    audit::record(&txn, entry).await?;
    webhooks::enqueue(&txn, order_id, webhooks::Event::command_queued(&queued)).await?;
    txn.commit().await?;
    webhooks::wake(services);
    Ok(queued)
}

/// An order's commands, newest first.
pub async fn list(
    services: &Services,
    cap: &Cap<ReadOrders>,
    order_id: Uuid,
    page: PageRequest,
) -> Result<Page<remote_command::Model>, AppError> {
    find_reachable(&services.db, cap, order_id).await?;
    let query = remote_command::Entity::find()
        .filter(remote_command::Column::OrderId.eq(order_id))
        .order_by_desc(remote_command::Column::CreatedAt)
        .order_by_desc(remote_command::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// Marks the order's QUEUED commands DELIVERED and returns them, oldest first.
/// One `UPDATE … RETURNING` statement: of two racing heartbeats, each command
/// goes to exactly one. The caller (the tenant API) has authenticated the order.
pub async fn take_pending(services: &Services, order_id: Uuid) -> Result<Vec<remote_command::Model>, AppError> {
    let mut update = remote_command::Entity::update_many()
        .col_expr(remote_command::Column::Status, Expr::value(RemoteCommandStatus::Delivered))
        .col_expr(remote_command::Column::DeliveredAt, Expr::value(Utc::now()))
        .filter(remote_command::Column::OrderId.eq(order_id))
        .filter(remote_command::Column::Status.eq(RemoteCommandStatus::Queued))
        .into_query();
    update.returning_all();
    let rows = services.db.query_all(&update).await?;
    let mut taken = rows.iter().map(|row| remote_command::Model::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
    taken.sort_by_key(|c| (c.created_at, c.id));
    Ok(taken)
}
