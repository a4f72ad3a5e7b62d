//! Reading and changing customer records. Every read goes through one joined
//! query (`customers` ⋈ `users`) and every function applies the capability's scope.

use std::collections::HashMap;

use chrono::Utc;
use entity::{customer, user, CustomerStatus};
use sea_orm::{
    sea_query::{Expr, Func, LikeExpr},
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{parse_company, parse_notes, parse_phone, CustomerView};
use crate::{
    auth::{
        capability::{ReadCustomers, UpdateCustomers},
        Cap, RequestMeta,
    },
    domain::{
        audit,
        identity::parse_name,
        page::{Page, PageRequest},
    },
    error::AppError,
    Services,
};

/// `customers` joined with their `users` row, selecting the fields of [`CustomerView`].
fn joined() -> Select<customer::Entity> {
    let to_user = customer::Entity::belongs_to(user::Entity).from(customer::Column::Id).to(user::Column::Id).into();
    customer::Entity::find()
        .select_only()
        .columns([
            customer::Column::Id,
            customer::Column::Company,
            customer::Column::Phone,
            customer::Column::Status,
            customer::Column::Notes,
            customer::Column::CreatedAt,
            customer::Column::UpdatedAt,
        ])
        .column(user::Column::Email)
        .column(user::Column::Name)
        .join(JoinType::InnerJoin, to_user)
}

/// Notes are for staff; a customer reading their own record gets none.
fn for_viewer(mut view: CustomerView, cap: &Cap<ReadCustomers>) -> CustomerView {
    if cap.customer_scope().is_some() {
        view.notes = None;
    }
    view
}

async fn load<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<CustomerView, AppError> {
    joined()
        .filter(customer::Column::Id.eq(id))
        .into_model::<CustomerView>()
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound("no such customer".into()))
}

/// One customer: staff any, a customer only their own (anyone else's is `NOT_FOUND`).
pub async fn get(services: &Services, cap: &Cap<ReadCustomers>, id: Uuid) -> Result<CustomerView, AppError> {
    cap.ensure_reaches(id)?;
    Ok(for_viewer(load(&services.db, id).await?, cap))
}

/// Customers by id for DataLoaders; ids outside the capability's scope are left out.
pub async fn by_ids(services: &Services, cap: &Cap<ReadCustomers>, ids: &[Uuid]) -> Result<HashMap<Uuid, CustomerView>, AppError> {
    let ids: Vec<Uuid> = ids.iter().copied().filter(|id| cap.ensure_reaches(*id).is_ok()).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = joined().filter(customer::Column::Id.is_in(ids)).into_model::<CustomerView>().all(&services.db).await?;
    Ok(rows.into_iter().map(|v| (v.id, for_viewer(v, cap))).collect())
}

/// Filters of the customer list.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Part of the name, e-mail address or company, any case.
    pub search: Option<String>,
    pub status: Option<CustomerStatus>,
}

/// `%text%` for LIKE with `\` escaping the wildcards a person may type.
fn contains_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    format!("%{escaped}%")
}

/// Customers, newest first (staff only: a customer is `FORBIDDEN` from the list).
pub async fn list(
    services: &Services,
    cap: &Cap<ReadCustomers>,
    filter: CustomerFilter,
    page: PageRequest,
) -> Result<Page<CustomerView>, AppError> {
    if cap.customer_scope().is_some() {
        return Err(AppError::Forbidden("customers may read only their own record".into()));
    }
    let mut query = joined();
    if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if search.chars().count() > 200 {
            return Err(AppError::invalid("search", "must be at most 200 characters"));
        }
        // LOWER on both sides: SQLite's LIKE ignores case only for ASCII, PostgreSQL's never.
        let pattern = contains_pattern(search);
        let like = |col: Expr| Func::lower(col).like(LikeExpr::new(pattern.clone()).escape('\\'));
        query = query.filter(
            Condition::any()
                .add(like(Expr::col((user::Entity, user::Column::Name))))
                .add(like(Expr::col((user::Entity, user::Column::Email))))
                .add(like(Expr::col((customer::Entity, customer::Column::Company)))),
        );
    }
    if let Some(status) = filter.status {
        query = query.filter(customer::Column::Status.eq(status));
    }
    let total = query.clone().count(&services.db).await?;
    let items = query
        .order_by_desc(customer::Column::CreatedAt)
        .order_by_desc(customer::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .into_model::<CustomerView>()
        .all(&services.db)
        .await?;
    Ok(Page { items, total })
}

/// What `update` may change; `None` leaves a field as it is, an empty string
/// clears company, phone or notes.
#[derive(Debug, Clone, Default)]
pub struct CustomerChanges {
    pub name: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub status: Option<CustomerStatus>,
    pub notes: Option<String>,
}

/// Changes a customer's record (and their name on the account); audited with
/// the values before and after.
pub async fn update(
    services: &Services,
    cap: &Cap<UpdateCustomers>,
    id: Uuid,
    changes: CustomerChanges,
    meta: &RequestMeta,
) -> Result<CustomerView, AppError> {
    let mut fields = Vec::new();
    let name = changes.name.as_deref().map(|n| parse_name("name", n)).transpose().map_err(|e| fields.push(e)).ok().flatten();
    let company = changes.company.as_deref().map(|c| parse_company(Some(c))).transpose().map_err(|e| fields.push(e)).ok().flatten();
    let phone = changes.phone.as_deref().map(|p| parse_phone(Some(p))).transpose().map_err(|e| fields.push(e)).ok().flatten();
    let notes = changes.notes.as_deref().map(|n| parse_notes(Some(n))).transpose().map_err(|e| fields.push(e)).ok().flatten();
    AppError::check_fields(fields)?;

    let txn = crate::db::begin_write(&services.db).await?;
    // Concurrent updates take turns, so each audit entry's "before" is accurate.
    super::lock(&txn, id).await?;
    let before = load(&txn, id).await?;
    let now = Utc::now();
    if let Some(name) = name {
        user::ActiveModel { id: Set(id), name: Set(name), updated_at: Set(now), ..Default::default() }.update(&txn).await?;
    }
    // Only the columns given are written, so concurrent edits of other fields survive.
    let mut record = customer::ActiveModel { id: Set(id), updated_at: Set(now), ..Default::default() };
    if let Some(company) = company {
        record.company = Set(company);
    }
    if let Some(phone) = phone {
        record.phone = Set(phone);
    }
    if let Some(notes) = notes {
        record.notes = Set(notes);
    }
    if let Some(status) = changes.status {
        record.status = Set(status);
    }
    record.update(&txn).await?;
    let after = load(&txn, id).await?;
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "customer.updated", meta).target("customer", id).details(json!({
            "before": snapshot(&before),
            "after": snapshot(&after),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

fn snapshot(v: &CustomerView) -> serde_json::Value {
    json!({ "name": v.name, "company": v.company, "phone": v.phone, "status": v.status.to_value(), "notes": v.notes })
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(contains_pattern("50%_Off\\"), "%50\\%\\_off\\\\%");
    }
}
