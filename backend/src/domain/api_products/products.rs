//! A Store project's products per mode: name, price, Stripe price id (what a
//! cart names), inventory (never below zero; 0 is sold out).

use chrono::Utc;
use entity::{api_product, ApiMode, ApiProjectKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::{
    announce_change, projects,
    tiers::{blank_is_none, check_common, editable},
};
use crate::{
    auth::{
        capability::{ManageApiProjects, Permission},
        Cap, RequestMeta,
    },
    domain::audit,
    error::{is_unique_violation, AppError, FieldError},
    Services,
};

/// A product as the developer edits it; `id` none creates one.
#[derive(Debug, Clone)]
pub struct ProductInput {
    pub id: Option<Uuid>,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub name: String,
    pub description: Option<String>,
    pub image_url: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub inventory: i64,
    pub stripe_price_id: Option<String>,
    pub sort_order: i32,
}

fn validate(input: &mut ProductInput) -> Result<(), AppError> {
    input.name = input.name.trim().to_owned();
    input.currency = input.currency.trim().to_lowercase();
    input.stripe_price_id = blank_is_none(input.stripe_price_id.take());
    input.description = blank_is_none(input.description.take());
    input.image_url = blank_is_none(input.image_url.take());
    let mut fields = Vec::new();
    check_common(&mut fields, "name", &input.name, input.price_minor, &input.currency, input.stripe_price_id.as_deref());
    if input.inventory < 0 {
        fields.push(FieldError::new("inventory", "must not be negative"));
    }
    if input.description.as_ref().is_some_and(|d| d.chars().count() > 2000) {
        fields.push(FieldError::new("description", "must be at most 2000 characters"));
    }
    if input.image_url.as_ref().is_some_and(|u| !(u.starts_with("https://") || u.starts_with("http://")) || u.len() > 2048) {
        fields.push(FieldError::new("imageUrl", "must be an http(s) URL of at most 2048 characters"));
    }
    AppError::check_fields(fields)
}

/// Creates or changes a product of a Store project.
pub async fn upsert(
    services: &Services,
    cap: &Cap<ManageApiProjects>,
    mut input: ProductInput,
    meta: &RequestMeta,
) -> Result<api_product::Model, AppError> {
    validate(&mut input)?;
    let txn = crate::db::begin_write(&services.db).await?;
    let project = editable(&txn, cap, input.project_id, input.mode, ApiProjectKind::Store).await?;
    let now = Utc::now();
    let mut row = match input.id {
        Some(id) => {
            let found = api_product::Entity::find_by_id(id).one(&txn).await?;
            let found = found.filter(|p| p.project_id == project.id && p.mode == input.mode);
            found.ok_or_else(|| AppError::NotFound("no such product".into()))?.into()
        }
        None => api_product::ActiveModel {
            id: Set(Uuid::new_v4()),
            project_id: Set(project.id),
            mode: Set(input.mode),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.name = Set(input.name.clone());
    row.description = Set(input.description.clone());
    row.image_url = Set(input.image_url.clone());
    row.price_minor = Set(input.price_minor);
    row.currency = Set(input.currency.clone());
    row.inventory = Set(input.inventory);
    row.stripe_price_id = Set(input.stripe_price_id.clone());
    row.sort_order = Set(input.sort_order);
    row.updated_at = Set(now);
    // `save` would UPDATE a new row whose id is already set.
    let saved = if input.id.is_none() { row.insert(&txn).await } else { row.update(&txn).await };
    let product = saved.map_err(|err| {
        if is_unique_violation(&err) {
            AppError::Conflict("another product of this mode has this name or Stripe price".into())
        } else {
            err.into()
        }
    })?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_product.saved", meta)
        .target("api_product", product.id)
        .details(json!({ "projectId": project.id, "mode": product.mode, "name": product.name, "inventory": product.inventory }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, project.id);
    Ok(product)
}

/// Deletes a product.
pub async fn delete(
    services: &Services,
    cap: &Cap<ManageApiProjects>,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<api_product::Model, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let product = api_product::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound("no such product".into()))?;
    projects::reachable(&txn, cap, product.project_id).await?;
    api_product::Entity::delete_by_id(product.id).exec(&txn).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_product.deleted", meta)
        .target("api_product", product.id)
        .details(json!({ "projectId": product.project_id, "mode": product.mode, "name": product.name }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, product.project_id);
    Ok(product)
}

/// A project's products of `mode`, in display order.
pub async fn of_project<C: ConnectionTrait>(conn: &C, project_id: Uuid, mode: ApiMode) -> Result<Vec<api_product::Model>, AppError> {
    Ok(api_product::Entity::find()
        .filter(api_product::Column::ProjectId.eq(project_id))
        .filter(api_product::Column::Mode.eq(mode))
        .order_by_asc(api_product::Column::SortOrder)
        .order_by_asc(api_product::Column::Name)
        .all(conn)
        .await?)
}

/// Products of a project the capability reaches.
pub async fn list<P: Permission>(
    services: &Services,
    cap: &Cap<P>,
    project_id: Uuid,
    mode: ApiMode,
) -> Result<Vec<api_product::Model>, AppError> {
    let project = projects::reachable(&services.db, cap, project_id).await?;
    of_project(&services.db, project.id, mode).await
}
