//! Staff management: list, change name or role, deactivate, reactivate.
//! Deactivation ends the person's sessions and API tokens at once, and the last
//! active OWNER can be neither demoted nor deactivated. ADMIN and above may
//! reactivate; an OWNER's account only an OWNER (it would hand back OWNER rights).

use chrono::Utc;
use entity::{api_token, user, AccountKind, StaffRole};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{parse_name, sessions};
use crate::{
    auth::{
        capability::{ManageStaff, ReactivateStaff, ViewStaff},
        Cap, RequestMeta,
    },
    domain::{
        audit,
        page::{Page, PageRequest},
    },
    error::AppError,
    Services,
};

/// Staff accounts, oldest first.
pub async fn list(services: &Services, _cap: &Cap<ViewStaff>, page: PageRequest) -> Result<Page<user::Model>, AppError> {
    let query = user::Entity::find()
        .filter(user::Column::Kind.eq(AccountKind::Staff))
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// What `update` may change; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct StaffChanges {
    pub name: Option<String>,
    pub role: Option<StaffRole>,
}

async fn get_staff<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<user::Model, AppError> {
    match user::Entity::find_by_id(id).one(conn).await? {
        Some(u) if u.kind == AccountKind::Staff => Ok(u),
        _ => Err(AppError::NotFound("no such staff member".into())),
    }
}

/// Active OWNERs other than `except`. Their rows stay locked (PostgreSQL) until the
/// transaction ends, so two OWNERs demoting each other at once cannot both pass.
async fn other_active_owners<C: ConnectionTrait>(conn: &C, except: Uuid) -> Result<usize, AppError> {
    let owners = user::Entity::find()
        .filter(user::Column::Kind.eq(AccountKind::Staff))
        .filter(user::Column::Role.eq(StaffRole::Owner))
        .filter(user::Column::Active.eq(true))
        .lock_exclusive()
        .all(conn)
        .await?;
    Ok(owners.iter().filter(|o| o.id != except).count())
}

/// Changes a staff member's name and/or role.
pub async fn update(
    services: &Services,
    cap: &Cap<ManageStaff>,
    id: Uuid,
    changes: StaffChanges,
    meta: &RequestMeta,
) -> Result<user::Model, AppError> {
    let name = changes.name.as_deref().map(|n| parse_name("name", n)).transpose()?;
    let txn = crate::db::begin_write(&services.db).await?;
    let member = get_staff(&txn, id).await?;
    let demoting_owner = member.role == Some(StaffRole::Owner) && changes.role.is_some_and(|r| r != StaffRole::Owner);
    if demoting_owner && member.active && other_active_owners(&txn, id).await? == 0 {
        return Err(AppError::Conflict("the last active OWNER cannot be given another role".into()));
    }
    let before = (member.name.clone(), member.role);
    let mut active: user::ActiveModel = member.into();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(role) = changes.role {
        active.role = Set(Some(role));
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "staff.updated", meta).target("user", id).details(serde_json::json!({
            "before": { "name": before.0, "role": before.1 },
            "after": { "name": updated.name, "role": updated.role },
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deactivates a staff member: their sessions and API tokens stop working at once.
pub async fn deactivate(services: &Services, cap: &Cap<ManageStaff>, id: Uuid, meta: &RequestMeta) -> Result<user::Model, AppError> {
    if id == cap.user_id() {
        return Err(AppError::Conflict("you cannot deactivate yourself".into()));
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let member = get_staff(&txn, id).await?;
    if !member.active {
        return Ok(member);
    }
    if member.role == Some(StaffRole::Owner) && other_active_owners(&txn, id).await? == 0 {
        return Err(AppError::Conflict("the last active OWNER cannot be deactivated".into()));
    }
    let mut active: user::ActiveModel = member.into();
    active.active = Set(false);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    sessions::revoke_all(&txn, id, None, "deactivated").await?;
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::UserId.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "staff.deactivated", meta).target("user", id)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Reactivates a deactivated staff member with the role they had: they sign in
/// again with their password (sessions and tokens ended at deactivation stay
/// ended). An active member is answered unchanged.
pub async fn reactivate(services: &Services, cap: &Cap<ReactivateStaff>, id: Uuid, meta: &RequestMeta) -> Result<user::Model, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let member = get_staff(&txn, id).await?;
    let caller_is_owner = cap.principal().staff_role() == Some(StaffRole::Owner);
    if member.role == Some(StaffRole::Owner) && !caller_is_owner {
        return Err(AppError::Forbidden("only an OWNER may reactivate an OWNER".into()));
    }
    if member.active {
        return Ok(member);
    }
    let mut active: user::ActiveModel = member.into();
    active.active = Set(true);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "staff.reactivated", meta)
            .target("user", id)
            .details(serde_json::json!({ "role": updated.role })),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}
