//! Reading orders and their provisioning logs, scoped to what the capability
//! reaches; lists issue a fixed number of queries.

use std::collections::HashMap;

use entity::{order, provisioning_job, provisioning_log, user, OrderStatus};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
    ColumnTrait, Condition, EntityTrait, JoinType, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{find_reachable, scoped};
use crate::{
    auth::{capability::ReadOrders, Cap},
    domain::page::{Page, PageRequest},
    error::AppError,
    Services,
};

/// Filters of [`list`]; `None` leaves a filter off.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub tier: Option<String>,
    /// Part of the domain, or of the customer's name or e-mail address (any case).
    pub search: Option<String>,
}

/// One order the capability reaches; someone else's is `NOT_FOUND`.
pub async fn get(services: &Services, cap: &Cap<ReadOrders>, id: Uuid) -> Result<order::Model, AppError> {
    find_reachable(&services.db, cap, id).await
}

/// Orders, newest first, filtered and paged.
pub async fn list(
    services: &Services,
    cap: &Cap<ReadOrders>,
    filter: OrderFilter,
    page: PageRequest,
) -> Result<Page<order::Model>, AppError> {
    let mut query = scoped(cap);
    if let Some(status) = filter.status {
        query = query.filter(order::Column::Status.eq(status));
    }
    if let Some(tier) = filter.tier.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        query = query.filter(order::Column::Tier.eq(tier));
    }
    if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // LOWER(...) LIKE on both engines; the user's own `%` and `_` match literally.
        let escaped = search.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = || LikeExpr::new(format!("%{escaped}%")).escape('\\');
        let lower = |col: Expr| Expr::expr(Func::lower(col)).like(pattern());
        let users = order::Entity::belongs_to(user::Entity).from(order::Column::CustomerId).to(user::Column::Id).into();
        query = query.join(JoinType::InnerJoin, users).filter(
            Condition::any()
                .add(lower(Expr::col((order::Entity, order::Column::Domain))))
                .add(lower(Expr::col((user::Entity, user::Column::Name))))
                .add(lower(Expr::col((user::Entity, user::Column::Email)))),
        );
    }
    let query = query.order_by_desc(order::Column::CreatedAt).order_by_desc(order::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// Orders of several customers at once (newest first), for batch loading; a
/// customer's capability only ever yields their own.
pub async fn by_customers(
    services: &Services,
    cap: &Cap<ReadOrders>,
    customer_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<order::Model>>, AppError> {
    let mut out: HashMap<Uuid, Vec<order::Model>> = HashMap::new();
    if customer_ids.is_empty() {
        return Ok(out);
    }
    let orders = scoped(cap)
        .filter(order::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_desc(order::Column::CreatedAt)
        .order_by_desc(order::Column::Id)
        .all(&services.db)
        .await?;
    for order in orders {
        out.entry(order.customer_id).or_default().push(order);
    }
    Ok(out)
}

/// Orders by id, for batch loading; ids the capability does not reach are absent.
pub async fn by_ids(services: &Services, cap: &Cap<ReadOrders>, ids: &[Uuid]) -> Result<HashMap<Uuid, order::Model>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let orders = scoped(cap).filter(order::Column::Id.is_in(ids.iter().copied())).all(&services.db).await?;
    Ok(orders.into_iter().map(|o| (o.id, o)).collect())
}

/// The provisioning log lines of an order, oldest first: run by run, line by line.
pub async fn log_lines(
    services: &Services,
    cap: &Cap<ReadOrders>,
    order_id: Uuid,
    page: PageRequest,
) -> Result<Page<provisioning_log::Model>, AppError> {
    find_reachable(&services.db, cap, order_id).await?;
    let query = log_query(order_id, Order::Asc);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// The order (checked reachable) and its newest `count` log lines, oldest of
/// them first: what a progress page shows, in two queries.
pub async fn with_newest_log_lines(
    services: &Services,
    cap: &Cap<ReadOrders>,
    order_id: Uuid,
    count: u64,
) -> Result<(order::Model, Vec<provisioning_log::Model>), AppError> {
    let found = find_reachable(&services.db, cap, order_id).await?;
    let mut lines = log_query(order_id, Order::Desc).limit(count).all(&services.db).await?;
    lines.reverse();
    Ok((found, lines))
}

/// An order's log lines in log order (run by run, line by line), or reversed.
fn log_query(order_id: Uuid, direction: Order) -> sea_orm::Select<provisioning_log::Entity> {
    let jobs = provisioning_log::Entity::belongs_to(provisioning_job::Entity)
        .from(provisioning_log::Column::JobId)
        .to(provisioning_job::Column::Id)
        .into();
    provisioning_log::Entity::find()
        .join(JoinType::InnerJoin, jobs)
        .filter(provisioning_log::Column::OrderId.eq(order_id))
        .order_by(provisioning_job::Column::CreatedAt, direction.clone())
        .order_by(provisioning_job::Column::Id, direction.clone())
        .order_by(provisioning_log::Column::Seq, direction)
}
