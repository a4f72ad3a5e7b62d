//! A customer's API projects: created with their kind (SAAS or STORE, locked)
//! and a TEST key set whose secret is answered once; renamed; promoted to LIVE
//! once (a LIVE key set beside TEST, the TEST tiers or products copied).

use chrono::Utc;
use entity::{api_key, api_product, api_project, api_tier, ApiMode, ApiProjectKind};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{announce_change, keys, keys::IssuedKey};
use crate::{
    auth::{
        capability::{ManageApiProjects, Permission, ReadApiProjects},
        Cap, RequestMeta,
    },
    domain::{
        audit,
        page::{Page, PageRequest},
    },
    error::{AppError, FieldError},
    Services,
};

/// A new project and its TEST key, whose secret is shown this once.
#[derive(Debug, Clone)]
pub struct CreatedProject {
    pub project: api_project::Model,
    pub key: IssuedKey,
}

/// What `promote` made: the project (now live) and its LIVE key, shown once.
pub type Promoted = CreatedProject;

const MAX_NAME: usize = 120;

fn parse_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::new("name", "must not be empty"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(FieldError::new("name", format!("must be at most {MAX_NAME} characters")));
    }
    Ok(name.to_owned())
}

/// The project `id` if the capability reaches it; anyone else's is `NOT_FOUND`.
pub async fn reachable<C: ConnectionTrait, P: Permission>(conn: &C, cap: &Cap<P>, id: Uuid) -> Result<api_project::Model, AppError> {
    let found = api_project::Entity::find_by_id(id).one(conn).await?;
    let project = found.ok_or_else(|| AppError::NotFound("no such API project".into()))?;
    cap.ensure_reaches(project.customer_id)?;
    Ok(project)
}

/// A mode is usable once it exists: TEST always, LIVE after promotion.
pub fn ensure_mode(project: &api_project::Model, mode: ApiMode) -> Result<(), AppError> {
    if mode == ApiMode::Live && project.live_at.is_none() {
        return Err(AppError::Conflict("this project is not live yet; promote it first".into()));
    }
    Ok(())
}

/// Creates a project of the signed-in customer with its TEST key set.
pub async fn create(
    services: &Services,
    cap: &Cap<ManageApiProjects>,
    name: &str,
    kind: ApiProjectKind,
    meta: &RequestMeta,
) -> Result<CreatedProject, AppError> {
    let customer_id = cap.customer_scope().ok_or_else(|| AppError::Forbidden("only a customer owns API projects".into()))?;
    let name = parse_name(name)?;
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    let project = api_project::ActiveModel {
        id: Set(Uuid::new_v4()),
        customer_id: Set(customer_id),
        name: Set(name),
        kind: Set(kind),
        live_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let key = keys::issue(&txn, project.id, ApiMode::Test, None).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_project.created", meta)
        .target("api_project", project.id)
        .details(json!({ "name": project.name, "kind": project.kind }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, project.id);
    Ok(CreatedProject { project, key })
}

/// Renames a project; its kind never changes.
pub async fn rename(
    services: &Services,
    cap: &Cap<ManageApiProjects>,
    id: Uuid,
    name: &str,
    meta: &RequestMeta,
) -> Result<api_project::Model, AppError> {
    let name = parse_name(name)?;
    let txn = crate::db::begin_write(&services.db).await?;
    let project = reachable(&txn, cap, id).await?;
    let mut row: api_project::ActiveModel = project.into();
    row.name = Set(name);
    row.updated_at = Set(Utc::now());
    let project = row.update(&txn).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_project.updated", meta)
        .target("api_project", project.id)
        .details(json!({ "name": project.name }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    Ok(project)
}

/// Takes a project live, once: a LIVE key set beside TEST, and the TEST tiers
/// (SaaS) or products (Store) copied to LIVE without their Stripe price ids
/// (test-mode prices do not exist in live mode). A second call is `CONFLICT`.
pub async fn promote(services: &Services, cap: &Cap<ManageApiProjects>, id: Uuid, meta: &RequestMeta) -> Result<Promoted, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let project = reachable(&txn, cap, id).await?;
    let now = Utc::now();
    // Conditional: of two concurrent promotions exactly one finds live_at empty.
    let claimed = api_project::Entity::update_many()
        .col_expr(api_project::Column::LiveAt, Expr::value(now))
        .col_expr(api_project::Column::UpdatedAt, Expr::value(now))
        .filter(api_project::Column::Id.eq(project.id))
        .filter(api_project::Column::LiveAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(AppError::Conflict("this project is already live".into()));
    }
    let key = keys::issue(&txn, project.id, ApiMode::Live, None).await?;
    let copied = match project.kind {
        ApiProjectKind::Saas => {
            let tiers = api_tier::Entity::find()
                .filter(api_tier::Column::ProjectId.eq(project.id))
                .filter(api_tier::Column::Mode.eq(ApiMode::Test))
                .all(&txn)
                .await?;
            let n = tiers.len();
            for tier in tiers {
                let live = api_tier::Model {
                    id: Uuid::new_v4(),
                    mode: ApiMode::Live,
                    stripe_price_id: None,
                    created_at: now,
                    updated_at: now,
                    ..tier
                };
                api_tier::ActiveModel::from(live).insert(&txn).await?;
            }
            n
        }
        ApiProjectKind::Store => {
            let products = api_product::Entity::find()
                .filter(api_product::Column::ProjectId.eq(project.id))
                .filter(api_product::Column::Mode.eq(ApiMode::Test))
                .all(&txn)
                .await?;
            let n = products.len();
            for product in products {
                let live = api_product::Model {
                    id: Uuid::new_v4(),
                    mode: ApiMode::Live,
                    stripe_price_id: None,
                    created_at: now,
                    updated_at: now,
                    ..product
                };
                api_product::ActiveModel::from(live).insert(&txn).await?;
            }
            n
        }
    };
    let entry = audit::Entry::new(Some(cap.user_id()), "api_project.promoted", meta)
        .target("api_project", project.id)
        .details(json!({ "copied": copied }));
    audit::record(&txn, entry).await?;
    let project =
        api_project::Entity::find_by_id(project.id).one(&txn).await?.ok_or_else(|| AppError::NotFound("no such API project".into()))?;
    txn.commit().await?;
    announce_change(services, project.id);
    Ok(Promoted { project, key })
}

/// One project (staff SUPPORT+: any; a customer: their own).
pub async fn get(services: &Services, cap: &Cap<ReadApiProjects>, id: Uuid) -> Result<api_project::Model, AppError> {
    reachable(&services.db, cap, id).await
}

/// Projects, newest first (staff: all; a customer: their own).
pub async fn list(services: &Services, cap: &Cap<ReadApiProjects>, page: PageRequest) -> Result<Page<api_project::Model>, AppError> {
    let mut query = api_project::Entity::find();
    if let Some(customer_id) = cap.customer_scope() {
        query = query.filter(api_project::Column::CustomerId.eq(customer_id));
    }
    let total = query.clone().count(&services.db).await?;
    let items = query
        .order_by_desc(api_project::Column::CreatedAt)
        .order_by_desc(api_project::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(&services.db)
        .await?;
    Ok(Page { items, total })
}

/// The publishable key of a project's mode, if the mode has keys.
pub async fn publishable_key<C: ConnectionTrait>(conn: &C, project_id: Uuid, mode: ApiMode) -> Result<Option<String>, AppError> {
    let key = api_key::Entity::find()
        .filter(api_key::Column::ProjectId.eq(project_id))
        .filter(api_key::Column::Mode.eq(mode))
        .order_by_asc(api_key::Column::CreatedAt)
        .one(conn)
        .await?;
    Ok(key.map(|k| k.publishable_key))
}
