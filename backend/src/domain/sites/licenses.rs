//! Licences: a customer's right to up to `max_sites` sites on one child project,
//! under a plan, until an optional expiry. MANAGER and above create them and
//! change their status; staff read all, a customer their own.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{customer, license, project, LicenseStatus};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

use super::{find_license, scoped_licenses, LicenseView};
use crate::{
    auth::{
        capability::{ManageLicenses, ReadSites},
        tokens, Cap, RequestMeta,
    },
    domain::{
        audit,
        page::{Page, PageRequest},
    },
    error::{AppError, FieldError},
    Services,
};

/// The prefix of licence keys.
pub const LICENSE_KEY_PREFIX: &str = "lic_";
/// The most sites one licence may allow.
pub const MAX_SITES_LIMIT: i32 = 10_000;

/// A new licence's fields.
#[derive(Debug, Clone)]
pub struct NewLicense {
    pub customer_id: Uuid,
    pub project_slug: String,
    pub plan: String,
    pub max_sites: i32,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Filters of [`list`]; `None` leaves a filter off.
#[derive(Debug, Clone, Default)]
pub struct LicenseFilter {
    pub customer_id: Option<Uuid>,
    pub project_slug: Option<String>,
    pub status: Option<LicenseStatus>,
}

/// The id of the project with `slug`, if there is one.
pub(crate) async fn project_id(services: &Services, slug: &str) -> Result<Option<Uuid>, AppError> {
    let found = project::Entity::find().filter(project::Column::Slug.eq(slug)).one(&services.db).await?;
    Ok(found.map(|p| p.id))
}

/// Slug and name of each project among `ids`, in one query.
pub(crate) async fn project_names(
    services: &Services,
    ids: impl Iterator<Item = Uuid>,
) -> Result<HashMap<Uuid, (String, String)>, AppError> {
    let mut ids: Vec<Uuid> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let projects = project::Entity::find().filter(project::Column::Id.is_in(ids)).all(&services.db).await?;
    Ok(projects.into_iter().map(|p| (p.id, (p.slug, p.name))).collect())
}

async fn views(services: &Services, licenses: Vec<license::Model>) -> Result<Vec<LicenseView>, AppError> {
    let names = project_names(services, licenses.iter().map(|l| l.project_id)).await?;
    Ok(licenses
        .into_iter()
        .map(|license| {
            let (project_slug, project_name) = names.get(&license.project_id).cloned().unwrap_or_default();
            LicenseView { license, project_slug, project_name }
        })
        .collect())
}

async fn view(services: &Services, license: license::Model) -> Result<LicenseView, AppError> {
    Ok(views(services, vec![license]).await?.remove(0))
}

async fn validate(services: &Services, input: &NewLicense) -> Result<(Uuid, String), AppError> {
    let mut errors = Vec::new();
    let plan = input.plan.trim().to_owned();
    if plan.is_empty() || plan.chars().count() > 64 {
        errors.push(FieldError::new("plan", "must be 1 to 64 characters"));
    }
    if !(1..=MAX_SITES_LIMIT).contains(&input.max_sites) {
        errors.push(FieldError::new("maxSites", format!("must be between 1 and {MAX_SITES_LIMIT}")));
    }
    if input.expires_at.is_some_and(|at| at <= Utc::now()) {
        errors.push(FieldError::new("expiresAt", "must be in the future"));
    }
    if customer::Entity::find_by_id(input.customer_id).one(&services.db).await?.is_none() {
        errors.push(FieldError::new("customerId", "no such customer"));
    }
    let project = project_id(services, input.project_slug.trim()).await?;
    if project.is_none() {
        errors.push(FieldError::new("projectSlug", "no such project"));
    }
    AppError::check_fields(errors)?;
    Ok((project.expect("checked"), plan))
}

/// Creates a licence (MANAGER and above) with a fresh `lic_…` key.
pub async fn create(
    services: &Services,
    cap: &Cap<ManageLicenses>,
    input: NewLicense,
    meta: &RequestMeta,
) -> Result<LicenseView, AppError> {
    let (project_id, plan) = validate(services, &input).await?;
    let now = Utc::now();
    let row = license::ActiveModel {
        id: Set(Uuid::new_v4()),
        key: Set(tokens::generate(LICENSE_KEY_PREFIX)),
        customer_id: Set(input.customer_id),
        project_id: Set(project_id),
        plan: Set(plan),
        max_sites: Set(input.max_sites),
        sites_used: Set(0),
        status: Set(LicenseStatus::Active),
        expires_at: Set(input.expires_at),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = crate::db::begin_write(&services.db).await?;
    let license = row.insert(&txn).await?;
    let details = json!({ "customerId": license.customer_id, "project": input.project_slug.trim(), "plan": license.plan, "maxSites": license.max_sites });
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "license.created", meta).target("license", license.id).details(details))
        .await?;
    txn.commit().await?;
    view(services, license).await
}

/// Suspends, revokes or reactivates a licence (MANAGER and above). Its sites stay
/// as they are; a licence that is not ACTIVE takes no new sites.
pub async fn set_status(
    services: &Services,
    cap: &Cap<ManageLicenses>,
    id: Uuid,
    status: LicenseStatus,
    meta: &RequestMeta,
) -> Result<LicenseView, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let updated = license::Entity::update_many()
        .col_expr(license::Column::Status, Expr::value(status))
        .col_expr(license::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(license::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AppError::NotFound("no such licence".into()));
    }
    let entry =
        audit::Entry::new(Some(cap.user_id()), "license.status_changed", meta).target("license", id).details(json!({ "status": status }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    view(services, find_license(&services.db, cap, id).await?).await
}

/// Licences, newest first, filtered and paged (staff: all; a customer: own).
pub async fn list(
    services: &Services,
    cap: &Cap<ReadSites>,
    filter: LicenseFilter,
    page: PageRequest,
) -> Result<Page<LicenseView>, AppError> {
    let mut query = scoped_licenses(cap);
    if let Some(customer) = filter.customer_id {
        query = query.filter(license::Column::CustomerId.eq(customer));
    }
    if let Some(slug) = filter.project_slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        match project_id(services, slug).await? {
            Some(id) => query = query.filter(license::Column::ProjectId.eq(id)),
            None => return Ok(Page { items: Vec::new(), total: 0 }),
        }
    }
    if let Some(status) = filter.status {
        query = query.filter(license::Column::Status.eq(status));
    }
    let query = query.order_by_desc(license::Column::CreatedAt).order_by_desc(license::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items: views(services, items).await?, total })
}
