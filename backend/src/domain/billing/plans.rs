//! The plan catalogue (seeded by the migration): every signed-in account may read
//! the active plans; ADMIN+ change names, allotments, prices and Stripe price ids.

use chrono::Utc;
use entity::plan;
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{
        capability::{ManageBilling, OwnAccount},
        Cap, RequestMeta,
    },
    domain::audit,
    error::{AppError, FieldError},
    Services,
};

/// Active plans in catalogue order.
pub async fn list_active(services: &Services, _cap: &Cap<OwnAccount>) -> Result<Vec<plan::Model>, AppError> {
    Ok(plan::Entity::find()
        .filter(plan::Column::Active.eq(true))
        .order_by_asc(plan::Column::SortOrder)
        .order_by_asc(plan::Column::Id)
        .all(&services.db)
        .await?)
}

/// Every plan, retired ones included, in catalogue order (for billing staff).
pub async fn list_all(services: &Services, _cap: &Cap<ManageBilling>) -> Result<Vec<plan::Model>, AppError> {
    Ok(plan::Entity::find().order_by_asc(plan::Column::SortOrder).order_by_asc(plan::Column::Id).all(&services.db).await?)
}

/// Loads a plan that must exist.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<plan::Model, AppError> {
    plan::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::NotFound("no such plan".into()))
}

/// What `update` may change; `None` leaves a field as it is, an empty
/// `stripe_price_id` clears it.
#[derive(Debug, Clone, Default)]
pub struct PlanChanges {
    pub name: Option<String>,
    pub token_allotment: Option<i64>,
    pub price_minor: Option<i64>,
    pub stripe_price_id: Option<String>,
    pub active: Option<bool>,
}

fn validate(changes: &PlanChanges) -> Result<(Option<String>, Option<Option<String>>), AppError> {
    let mut fields = Vec::new();
    let name = changes.name.as_deref().map(str::trim).map(str::to_owned);
    match name.as_deref().map(|n| n.chars().count()) {
        Some(0) => fields.push(FieldError::new("name", "must not be empty")),
        Some(n) if n > 128 => fields.push(FieldError::new("name", "must be at most 128 characters")),
        _ => {}
    }
    if changes.token_allotment.is_some_and(|t| t <= 0) {
        fields.push(FieldError::new("tokenAllotment", "must be greater than 0"));
    }
    if changes.price_minor.is_some_and(|p| p < 0) {
        fields.push(FieldError::new("priceMinor", "must not be negative"));
    }
    let price_id = changes.stripe_price_id.as_deref().map(str::trim).map(|p| (!p.is_empty()).then(|| p.to_owned()));
    if let Some(Some(p)) = &price_id {
        if !p.starts_with("price_") || p.len() > 128 || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            fields.push(FieldError::new("stripePriceId", "must be a Stripe price id like price_1AbC…"));
        }
    }
    AppError::check_fields(fields)?;
    Ok((name, price_id))
}

/// Changes a plan; audited with the values before and after.
pub async fn update(
    services: &Services,
    cap: &Cap<ManageBilling>,
    id: Uuid,
    changes: PlanChanges,
    meta: &RequestMeta,
) -> Result<plan::Model, AppError> {
    let (name, price_id) = validate(&changes)?;
    let txn = crate::db::begin_write(&services.db).await?;
    // Write first (the row unchanged) so concurrent updates take turns on both
    // databases and each audit entry's "before" is accurate.
    plan::Entity::update_many()
        .col_expr(plan::Column::UpdatedAt, Expr::col(plan::Column::UpdatedAt))
        .filter(plan::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let before = get(&txn, id).await?;
    // Only the columns given are written, so concurrent edits of other fields survive.
    let mut active = plan::ActiveModel { id: Set(id), updated_at: Set(Utc::now()), ..Default::default() };
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(tokens) = changes.token_allotment {
        active.token_allotment = Set(tokens);
    }
    if let Some(price) = changes.price_minor {
        active.price_minor = Set(price);
    }
    if let Some(price_id) = price_id {
        active.stripe_price_id = Set(price_id);
    }
    if let Some(on) = changes.active {
        active.active = Set(on);
    }
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "plan.updated", meta)
            .target("plan", id)
            .details(json!({ "before": snapshot(&before), "after": snapshot(&after) })),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

fn snapshot(p: &plan::Model) -> serde_json::Value {
    json!({
        "name": p.name, "tokenAllotment": p.token_allotment, "priceMinor": p.price_minor,
        "stripePriceId": p.stripe_price_id, "active": p.active,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_changes_name_their_fields() {
        let bad = PlanChanges {
            name: Some(" ".into()),
            token_allotment: Some(0),
            price_minor: Some(-1),
            stripe_price_id: Some("prod_1".into()),
            active: None,
        };
        let err = validate(&bad).unwrap_err();
        let names: Vec<_> = err.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["name", "tokenAllotment", "priceMinor", "stripePriceId"]);
        let (_, cleared) = validate(&PlanChanges { stripe_price_id: Some("".into()), ..Default::default() }).unwrap();
        assert_eq!(cleared, Some(None));
    }
}
