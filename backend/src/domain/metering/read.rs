//! Billing periods for the API: a customer's history, newest first.

use entity::{billing_period, customer};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    auth::{capability::ReadBillingPeriods, Cap},
    domain::page::{Page, PageRequest},
    error::AppError,
    Services,
};

/// `NOT_FOUND` unless the customer exists.
pub async fn ensure_customer<C: ConnectionTrait>(conn: &C, customer_id: Uuid) -> Result<(), AppError> {
    match customer::Entity::find_by_id(customer_id).one(conn).await? {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound("no such customer".into())),
    }
}

/// One page of `customer_id`'s billing periods, newest first (staff ADMIN+: any; a customer: own).
pub async fn periods(
    services: &Services,
    cap: &Cap<ReadBillingPeriods>,
    customer_id: Uuid,
    page: PageRequest,
) -> Result<Page<billing_period::Model>, AppError> {
    cap.ensure_reaches(customer_id)?;
    ensure_customer(&services.db, customer_id).await?;
    let query = billing_period::Entity::find().filter(billing_period::Column::CustomerId.eq(customer_id));
    let total = query.clone().count(&services.db).await?;
    let items = query
        .order_by_desc(billing_period::Column::PeriodStart)
        .order_by_desc(billing_period::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(&services.db)
        .await?;
    Ok(Page { items, total })
}
