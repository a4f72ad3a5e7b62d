//! A SaaS project's tiers per mode. `name` is what `X-User-Plan` carries, so it
//! is slug-like; `usage_limit` none is unlimited. Saving a tier announces the
//! change so the usage check forgets the limits it cached.

use chrono::Utc;
use entity::{api_project, api_tier, ApiMode, ApiProjectKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::{announce_change, projects};
use crate::{
    auth::{
        capability::{ManageApiProjects, Permission},
        Cap, RequestMeta,
    },
    domain::audit,
    error::{AppError, FieldError},
    Services,
};

/// A tier as the developer edits it; `(project, mode, name)` picks the row.
#[derive(Debug, Clone)]
pub struct TierInput {
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub name: String,
    pub display_name: String,
    pub price_minor: i64,
    pub currency: String,
    pub usage_limit: Option<i64>,
    pub stripe_price_id: Option<String>,
    pub features: Vec<String>,
    pub popular: bool,
    pub sort_order: i32,
}

/// `free`, `pro`, `team-2`: lower-case letters, digits, `-` and `_`, 1–64, starting with a letter or digit.
pub fn valid_tier_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Checks of what tiers and products share: display name, price, currency, Stripe price id.
pub(super) fn check_common(
    fields: &mut Vec<FieldError>,
    name_field: &str,
    name: &str,
    price_minor: i64,
    currency: &str,
    price_id: Option<&str>,
) {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        fields.push(FieldError::new(name_field, "must be 1 to 120 characters"));
    }
    if price_minor < 0 {
        fields.push(FieldError::new("priceMinor", "must not be negative"));
    }
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_lowercase()) {
        fields.push(FieldError::new("currency", "must be a three-letter ISO 4217 code in lower case, e.g. eur"));
    }
    if let Some(id) = price_id {
        if !id.starts_with("price_") || id.len() > 255 || id.chars().any(char::is_whitespace) {
            fields.push(FieldError::new("stripePriceId", "must be a Stripe price id (price_…)"));
        }
    }
}

/// An empty optional string is none.
pub(super) fn blank_is_none(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn validate(input: &mut TierInput) -> Result<(), AppError> {
    input.name = input.name.trim().to_owned();
    input.currency = input.currency.trim().to_lowercase();
    input.stripe_price_id = blank_is_none(input.stripe_price_id.take());
    let mut fields = Vec::new();
    if !valid_tier_name(&input.name) {
        fields.push(FieldError::new("name", "must be 1–64 lower-case letters, digits, - or _ (the X-User-Plan value)"));
    }
    check_common(&mut fields, "displayName", &input.display_name, input.price_minor, &input.currency, input.stripe_price_id.as_deref());
    if input.usage_limit.is_some_and(|l| l < 0) {
        fields.push(FieldError::new("usageLimit", "must not be negative (leave it empty for unlimited)"));
    }
    if input.price_minor > 0 && input.stripe_price_id.is_none() && input.mode == ApiMode::Live {
        fields.push(FieldError::new("stripePriceId", "a paid live tier needs its Stripe price"));
    }
    if input.features.len() > 30 || input.features.iter().any(|f| f.trim().is_empty() || f.chars().count() > 200) {
        fields.push(FieldError::new("features", "at most 30 features of 1 to 200 characters"));
    }
    AppError::check_fields(fields)
}

/// The project of `project_id`, reachable, of `kind`, with `mode` in use.
pub(super) async fn editable<C: ConnectionTrait>(
    conn: &C,
    cap: &Cap<ManageApiProjects>,
    project_id: Uuid,
    mode: ApiMode,
    kind: ApiProjectKind,
) -> Result<api_project::Model, AppError> {
    let project = projects::reachable(conn, cap, project_id).await?;
    if project.kind != kind {
        let what = match kind {
            ApiProjectKind::Saas => "tiers belong to SaaS projects; a Store project has products",
            ApiProjectKind::Store => "products belong to Store projects; a SaaS project has tiers",
        };
        return Err(AppError::invalid("projectId", what));
    }
    projects::ensure_mode(&project, mode)?;
    Ok(project)
}

/// Creates or replaces the tier `(project, mode, name)`.
pub async fn upsert(
    services: &Services,
    cap: &Cap<ManageApiProjects>,
    mut input: TierInput,
    meta: &RequestMeta,
) -> Result<api_tier::Model, AppError> {
    validate(&mut input)?;
    let txn = crate::db::begin_write(&services.db).await?;
    let project = editable(&txn, cap, input.project_id, input.mode, ApiProjectKind::Saas).await?;
    let existing = api_tier::Entity::find()
        .filter(api_tier::Column::ProjectId.eq(project.id))
        .filter(api_tier::Column::Mode.eq(input.mode))
        .filter(api_tier::Column::Name.eq(input.name.as_str()))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let features = json!(input.features.iter().map(|f| f.trim()).collect::<Vec<_>>());
    let is_new = existing.is_none();
    let mut row = match existing {
        Some(found) => found.into(),
        None => api_tier::ActiveModel {
            id: Set(Uuid::new_v4()),
            project_id: Set(project.id),
            mode: Set(input.mode),
            name: Set(input.name.clone()),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.display_name = Set(input.display_name.trim().to_owned());
    row.price_minor = Set(input.price_minor);
    row.currency = Set(input.currency.clone());
    row.usage_limit = Set(input.usage_limit);
    row.stripe_price_id = Set(input.stripe_price_id.clone());
    row.features = Set(features);
    row.popular = Set(input.popular);
    row.sort_order = Set(input.sort_order);
    row.updated_at = Set(now);
    // `save` would UPDATE a new row whose id is already set.
    let tier = if is_new { row.insert(&txn).await? } else { row.update(&txn).await? };
    let entry = audit::Entry::new(Some(cap.user_id()), "api_tier.saved", meta)
        .target("api_tier", tier.id)
        .details(json!({ "projectId": project.id, "mode": tier.mode, "name": tier.name, "usageLimit": tier.usage_limit }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, project.id);
    Ok(tier)
}

/// Deletes a tier (end users on it keep the name; the usage check no longer finds it).
pub async fn delete(services: &Services, cap: &Cap<ManageApiProjects>, id: Uuid, meta: &RequestMeta) -> Result<api_tier::Model, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let tier = api_tier::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound("no such tier".into()))?;
    projects::reachable(&txn, cap, tier.project_id).await?;
    api_tier::Entity::delete_by_id(tier.id).exec(&txn).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_tier.deleted", meta)
        .target("api_tier", tier.id)
        .details(json!({ "projectId": tier.project_id, "mode": tier.mode, "name": tier.name }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, tier.project_id);
    Ok(tier)
}

/// A project's tiers of `mode`, in display order.
pub async fn of_project<C: ConnectionTrait>(conn: &C, project_id: Uuid, mode: ApiMode) -> Result<Vec<api_tier::Model>, AppError> {
    Ok(api_tier::Entity::find()
        .filter(api_tier::Column::ProjectId.eq(project_id))
        .filter(api_tier::Column::Mode.eq(mode))
        .order_by_asc(api_tier::Column::SortOrder)
        .order_by_asc(api_tier::Column::PriceMinor)
        .order_by_asc(api_tier::Column::Name)
        .all(conn)
        .await?)
}

/// Tiers of a project the capability reaches.
pub async fn list<P: Permission>(
    services: &Services,
    cap: &Cap<P>,
    project_id: Uuid,
    mode: ApiMode,
) -> Result<Vec<api_tier::Model>, AppError> {
    let project = projects::reachable(&services.db, cap, project_id).await?;
    of_project(&services.db, project.id, mode).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_names_are_plan_header_values() {
        for ok in ["free", "pro", "team-2", "0", "a_b"] {
            assert!(valid_tier_name(ok), "{ok}");
        }
        for bad in ["", "Pro", "-pro", "pro plan", "pró", &"x".repeat(65)] {
            assert!(!valid_tier_name(bad), "{bad}");
        }
    }
}
