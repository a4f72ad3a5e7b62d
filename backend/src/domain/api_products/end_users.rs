//! A project's end users per mode, with their tier and this period's count
//! (read from `api_usage_counters`, which only the usage check writes); the
//! developer may set a user's tier.

use std::collections::HashMap;

use chrono::Utc;
use entity::{api_end_user, api_tier, api_usage_counter, ApiMode};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{announce_change, projects};
use crate::{
    auth::{
        capability::{ManageApiProjects, ReadApiProjects},
        Cap, RequestMeta,
    },
    domain::{
        audit,
        page::{Page, PageRequest},
    },
    error::AppError,
    Services,
};

/// An end user and the calls admitted in their current period.
#[derive(Debug, Clone)]
pub struct EndUserView {
    pub user: api_end_user::Model,
    /// Calls counted in the period that contains now (0 when none yet).
    pub usage_count: i64,
    /// The tier the last call of this period was counted under.
    pub counted_tier: Option<String>,
}

/// End users of a project's mode, newest first, with this period's counts.
pub async fn list(
    services: &Services,
    cap: &Cap<ReadApiProjects>,
    project_id: Uuid,
    mode: ApiMode,
    page: PageRequest,
) -> Result<Page<EndUserView>, AppError> {
    let project = projects::reachable(&services.db, cap, project_id).await?;
    let query =
        api_end_user::Entity::find().filter(api_end_user::Column::ProjectId.eq(project.id)).filter(api_end_user::Column::Mode.eq(mode));
    let total = query.clone().count(&services.db).await?;
    let users = query
        .order_by_desc(api_end_user::Column::CreatedAt)
        .order_by_desc(api_end_user::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(&services.db)
        .await?;
    let now = Utc::now();
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let counters = if ids.is_empty() {
        Vec::new()
    } else {
        api_usage_counter::Entity::find()
            .filter(api_usage_counter::Column::EndUserId.is_in(ids))
            .filter(api_usage_counter::Column::PeriodStart.lte(now))
            .filter(api_usage_counter::Column::PeriodEnd.gt(now))
            .all(&services.db)
            .await?
    };
    let mut current: HashMap<Uuid, api_usage_counter::Model> = HashMap::new();
    for counter in counters {
        // Of overlapping periods (a plan change mid-month), the latest started wins.
        if current.get(&counter.end_user_id).is_none_or(|c| c.period_start < counter.period_start) {
            current.insert(counter.end_user_id, counter);
        }
    }
    let items = users
        .into_iter()
        .map(|user| {
            let counter = current.remove(&user.id);
            EndUserView { usage_count: counter.as_ref().map_or(0, |c| c.count), counted_tier: counter.map(|c| c.tier_name), user }
        })
        .collect();
    Ok(Page { items, total })
}

/// The end user `external_id` of a project's mode, created when new.
pub async fn find_or_create<C: ConnectionTrait>(
    conn: &C,
    project_id: Uuid,
    mode: ApiMode,
    external_id: &str,
) -> Result<api_end_user::Model, AppError> {
    let now = Utc::now();
    let row = api_end_user::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        mode: Set(mode),
        external_id: Set(external_id.to_owned()),
        email: Set(None),
        tier_name: Set(None),
        stripe_customer_id: Set(None),
        stripe_subscription_id: Set(None),
        current_period_start: Set(None),
        current_period_end: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let conflict = OnConflict::columns([api_end_user::Column::ProjectId, api_end_user::Column::Mode, api_end_user::Column::ExternalId])
        .do_nothing()
        .to_owned();
    api_end_user::Entity::insert(row).on_conflict(conflict).exec_without_returning(conn).await?;
    find(conn, project_id, mode, external_id).await?.ok_or_else(|| AppError::internal(anyhow::anyhow!("end user vanished after insert")))
}

/// The end user `external_id` of a project's mode, if known.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    project_id: Uuid,
    mode: ApiMode,
    external_id: &str,
) -> Result<Option<api_end_user::Model>, AppError> {
    Ok(api_end_user::Entity::find()
        .filter(api_end_user::Column::ProjectId.eq(project_id))
        .filter(api_end_user::Column::Mode.eq(mode))
        .filter(api_end_user::Column::ExternalId.eq(external_id))
        .one(conn)
        .await?)
}

/// Sets (or with none clears) an end user's tier; the tier must exist in the user's mode.
pub async fn set_tier(
    services: &Services,
    cap: &Cap<ManageApiProjects>,
    end_user_id: Uuid,
    tier_name: Option<String>,
    meta: &RequestMeta,
) -> Result<api_end_user::Model, AppError> {
    let tier_name = tier_name.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let txn = crate::db::begin_write(&services.db).await?;
    let user =
        api_end_user::Entity::find_by_id(end_user_id).one(&txn).await?.ok_or_else(|| AppError::NotFound("no such end user".into()))?;
    projects::reachable(&txn, cap, user.project_id).await?;
    if let Some(name) = &tier_name {
        let tier = api_tier::Entity::find()
            .filter(api_tier::Column::ProjectId.eq(user.project_id))
            .filter(api_tier::Column::Mode.eq(user.mode))
            .filter(api_tier::Column::Name.eq(name.as_str()))
            .one(&txn)
            .await?;
        if tier.is_none() {
            return Err(AppError::invalid("tierName", "is not a tier of this project's mode"));
        }
    }
    let previous = user.tier_name.clone();
    let mut row: api_end_user::ActiveModel = user.into();
    row.tier_name = Set(tier_name);
    row.updated_at = Set(Utc::now());
    let user = row.update(&txn).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_end_user.tier_set", meta)
        .target("api_end_user", user.id)
        .details(json!({ "projectId": user.project_id, "from": previous, "to": user.tier_name }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, user.project_id);
    Ok(user)
}
