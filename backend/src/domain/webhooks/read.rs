//! Reading deliveries: who may read the order may read its deliveries and their
//! attempts (a customer: their own orders', read-only). Without an order, staff
//! see every order's deliveries and a customer those of their own orders — the
//! owner filter is part of the SQL. Secrets are never read here.

use std::collections::HashMap;

use entity::{
    order, webhook_attempt,
    webhook_delivery::{self, Column as D},
    WebhookDeliveryStatus,
};
use sea_orm::{sea_query::Query, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    auth::{capability::ReadOrders, Cap},
    domain::{
        orders::find_reachable,
        page::{Page, PageRequest},
    },
    error::AppError,
    Services,
};

/// A delivery with its attempts, oldest attempt first.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub delivery: webhook_delivery::Model,
    pub attempts: Vec<webhook_attempt::Model>,
}

/// Deliveries newest first, of one order or (`None`) of every order the
/// capability reaches, optionally of one status; the page's attempts come in
/// one more query, not one per delivery. Another customer's order is `NOT_FOUND`.
pub async fn list(
    services: &Services,
    cap: &Cap<ReadOrders>,
    order_id: Option<Uuid>,
    status: Option<WebhookDeliveryStatus>,
    page: PageRequest,
) -> Result<Page<DeliveryView>, AppError> {
    let mut query = webhook_delivery::Entity::find();
    if let Some(order_id) = order_id {
        find_reachable(&services.db, cap, order_id).await?;
        query = query.filter(D::OrderId.eq(order_id));
    }
    if let Some(customer) = cap.customer_scope() {
        let own_orders =
            Query::select().column(order::Column::Id).from(order::Entity).and_where(order::Column::CustomerId.eq(customer)).to_owned();
        query = query.filter(D::OrderId.in_subquery(own_orders));
    }
    if let Some(status) = status {
        query = query.filter(D::Status.eq(status));
    }
    let query = query.order_by_desc(D::CreatedAt).order_by_desc(D::Id);
    let total = query.clone().count(&services.db).await?;
    let deliveries = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    let mut attempts = attempts_of(&services.db, deliveries.iter().map(|d| d.id).collect()).await?;
    let items = deliveries
        .into_iter()
        .map(|delivery| DeliveryView { attempts: attempts.remove(&delivery.id).unwrap_or_default(), delivery })
        .collect();
    Ok(Page { items, total })
}

/// The attempts of these deliveries, oldest first, in one query.
pub(crate) async fn attempts_of<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, Vec<webhook_attempt::Model>>, AppError> {
    let mut by_delivery: HashMap<Uuid, Vec<webhook_attempt::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by_delivery);
    }
    let rows = webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.is_in(ids))
        .order_by_asc(webhook_attempt::Column::StartedAt)
        .order_by_asc(webhook_attempt::Column::Id)
        .all(conn)
        .await?;
    for row in rows {
        by_delivery.entry(row.delivery_id).or_default().push(row);
    }
    Ok(by_delivery)
}
