//! Reading approvals; a customer sees only those of their own orders.

use entity::{command_approval, ApprovalStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::orders_of;
use crate::{
    auth::{capability::ReadApprovals, Cap},
    domain::page::{Page, PageRequest},
    error::AppError,
    Services,
};

/// Approvals, newest request first, optionally of one status.
pub async fn list(
    services: &Services,
    cap: &Cap<ReadApprovals>,
    status: Option<ApprovalStatus>,
    page: PageRequest,
) -> Result<Page<command_approval::Model>, AppError> {
    let mut query = command_approval::Entity::find();
    if let Some(status) = status {
        query = query.filter(command_approval::Column::Status.eq(status));
    }
    if let Some(customer) = cap.customer_scope() {
        query = query.filter(command_approval::Column::OrderId.in_subquery(orders_of(customer)));
    }
    let query = query.order_by_desc(command_approval::Column::RequestedAt).order_by_asc(command_approval::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// One approval; `NOT_FOUND` when missing or another customer's.
pub async fn get(services: &Services, cap: &Cap<ReadApprovals>, id: Uuid) -> Result<command_approval::Model, AppError> {
    let mut query = command_approval::Entity::find_by_id(id);
    if let Some(customer) = cap.customer_scope() {
        query = query.filter(command_approval::Column::OrderId.in_subquery(orders_of(customer)));
    }
    query.one(&services.db).await?.ok_or_else(|| AppError::NotFound("no such approval".into()))
}
