//! First-run setup: creates the first OWNER, once. A row in `system_settings` with a
//! primary key makes a second setup fail even when two race on PostgreSQL.

use chrono::Utc;
use entity::{system_setting, user, AccountKind, StaffRole};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::{accounts, sessions, SessionTokens};
use crate::{
    auth::RequestMeta,
    domain::audit,
    error::{is_unique_violation, AppError},
    Services,
};

const SETUP_DONE_KEY: &str = "system.setup_completed_at";

/// True until the first staff account exists.
pub async fn required(services: &Services) -> Result<bool, AppError> {
    let staff = user::Entity::find().filter(user::Column::Kind.eq(AccountKind::Staff)).count(&services.db).await?;
    Ok(staff == 0)
}

/// Creates the first OWNER and signs them in; `CONFLICT` once any staff exists.
pub async fn setup(services: &Services, email: &str, name: &str, password: &str, meta: &RequestMeta) -> Result<SessionTokens, AppError> {
    let done = || AppError::Conflict("setup has already been completed".into());
    if !required(services).await? {
        return Err(done());
    }
    let (email, name, hash) = accounts::validate_new(email, name, password).await?;
    let owner = create_first_owner(services, email, name, hash, meta).await?.ok_or_else(done)?;
    sessions::open(services, owner, meta).await
}

/// Inserts the guard row and the OWNER in one transaction; `None` when another
/// setup got there first.
pub async fn create_first_owner(
    services: &Services,
    email: super::Email,
    name: String,
    password_hash: String,
    meta: &RequestMeta,
) -> Result<Option<user::Model>, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let guard = system_setting::ActiveModel {
        key: Set(SETUP_DONE_KEY.into()),
        value: Set(serde_json::json!(Utc::now().to_rfc3339())),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await;
    match guard {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let owner = accounts::insert(
        &txn,
        accounts::NewAccount { email, name, password_hash: Some(password_hash), kind: AccountKind::Staff, role: Some(StaffRole::Owner) },
    )
    .await?;
    audit::record(&txn, audit::Entry::new(Some(owner.id), "setup.completed", meta).target("user", owner.id)).await?;
    txn.commit().await?;
    Ok(Some(owner))
}
