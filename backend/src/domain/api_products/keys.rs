//! A project's secret keys per mode: listed by hint only, created, revoked at
//! once, rotated (the new secret shown once; the old one keeps working until
//! now + `api_products.rotation_grace_hours`). Secrets are stored as SHA-256.
//! Also: who a developer's `Authorization: Bearer sk_…` is ([`authenticate`]).

use chrono::{DateTime, Duration, Utc};
use entity::{api_key, api_project, ApiMode};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::{announce_change, projects, secrets};
use crate::{
    auth::{capability::ManageApiProjects, Cap, RequestMeta},
    domain::audit,
    error::AppError,
    Services,
};

/// A key as stored, with its secret: answered once, never again.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    pub key: api_key::Model,
    pub secret: String,
}

/// Where a key stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Active,
    /// Rotated away; works until `expires_at`.
    Expiring,
    Expired,
    Revoked,
}

pub fn status(key: &api_key::Model, now: DateTime<Utc>) -> KeyStatus {
    match (key.revoked_at, key.expires_at) {
        (Some(_), _) => KeyStatus::Revoked,
        (None, Some(at)) if at <= now => KeyStatus::Expired,
        (None, Some(_)) => KeyStatus::Expiring,
        (None, None) => KeyStatus::Active,
    }
}

/// Inserts a fresh secret for `mode`, under `publishable` (or a new publishable key).
pub async fn issue<C: ConnectionTrait>(
    conn: &C,
    project_id: Uuid,
    mode: ApiMode,
    publishable: Option<String>,
) -> Result<IssuedKey, AppError> {
    let pair = secrets::key_pair(mode);
    let key = api_key::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        mode: Set(mode),
        publishable_key: Set(publishable.unwrap_or(pair.publishable)),
        secret_hash: Set(secrets::hash(&pair.secret)),
        secret_hint: Set(secrets::hint(&pair.secret)),
        expires_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(IssuedKey { key, secret: pair.secret })
}

/// A project's keys of `mode`, newest first (hints only).
pub async fn list(
    services: &Services,
    cap: &Cap<ManageApiProjects>,
    project_id: Uuid,
    mode: ApiMode,
) -> Result<Vec<api_key::Model>, AppError> {
    let project = projects::reachable(&services.db, cap, project_id).await?;
    let keys = api_key::Entity::find()
        .filter(api_key::Column::ProjectId.eq(project.id))
        .filter(api_key::Column::Mode.eq(mode))
        .order_by_desc(api_key::Column::CreatedAt)
        .order_by_desc(api_key::Column::Id)
        .all(&services.db)
        .await?;
    Ok(keys)
}

/// Another secret for the mode's publishable key (LIVE only once the project is live).
pub async fn create(
    services: &Services,
    cap: &Cap<ManageApiProjects>,
    project_id: Uuid,
    mode: ApiMode,
    meta: &RequestMeta,
) -> Result<IssuedKey, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let project = projects::reachable(&txn, cap, project_id).await?;
    projects::ensure_mode(&project, mode)?;
    let publishable = projects::publishable_key(&txn, project.id, mode).await?;
    let issued = issue(&txn, project.id, mode, publishable).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_key.created", meta)
        .target("api_key", issued.key.id)
        .details(json!({ "projectId": project.id, "mode": mode, "hint": issued.key.secret_hint }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, project.id);
    Ok(issued)
}

async fn reachable_key<C: ConnectionTrait>(conn: &C, cap: &Cap<ManageApiProjects>, id: Uuid) -> Result<api_key::Model, AppError> {
    let key = api_key::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::NotFound("no such API key".into()))?;
    projects::reachable(conn, cap, key.project_id).await?;
    Ok(key)
}

/// Revokes a key at once (revoking again answers it unchanged).
pub async fn revoke(services: &Services, cap: &Cap<ManageApiProjects>, id: Uuid, meta: &RequestMeta) -> Result<api_key::Model, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let key = reachable_key(&txn, cap, id).await?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    let mut row: api_key::ActiveModel = key.into();
    row.revoked_at = Set(Some(Utc::now()));
    let key = row.update(&txn).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_key.revoked", meta)
        .target("api_key", key.id)
        .details(json!({ "projectId": key.project_id, "hint": key.secret_hint }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, key.project_id);
    Ok(key)
}

/// Replaces an active key: a new secret under the same publishable key (shown
/// once); the old one works until now + the rotation grace. Only an active key
/// rotates (`CONFLICT` otherwise).
pub async fn rotate(services: &Services, cap: &Cap<ManageApiProjects>, id: Uuid, meta: &RequestMeta) -> Result<IssuedKey, AppError> {
    let grace = Duration::hours(i64::from(services.config.api_products.rotation_grace_hours));
    let txn = crate::db::begin_write(&services.db).await?;
    let old = reachable_key(&txn, cap, id).await?;
    if status(&old, Utc::now()) != KeyStatus::Active {
        return Err(AppError::Conflict("only an active key can be rotated".into()));
    }
    let (project_id, mode, publishable) = (old.project_id, old.mode, old.publishable_key.clone());
    let mut row: api_key::ActiveModel = old.into();
    let expires_at = Utc::now() + grace;
    row.expires_at = Set(Some(expires_at));
    let old = row.update(&txn).await?;
    let issued = issue(&txn, project_id, mode, Some(publishable)).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "api_key.rotated", meta)
        .target("api_key", old.id)
        .details(json!({ "projectId": project_id, "newKeyId": issued.key.id, "oldExpiresAt": expires_at }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    announce_change(services, project_id);
    Ok(issued)
}

/// What a valid secret key opens.
#[derive(Debug, Clone)]
pub struct KeyHolder {
    pub project: api_project::Model,
    pub mode: ApiMode,
    pub key_id: Uuid,
}

/// The project and mode of `Authorization: Bearer sk_…`: by hash, not revoked,
/// not past its grace. Anything else is `UNAUTHORIZED`.
pub async fn authenticate(services: &Services, authorization: Option<&str>) -> Result<KeyHolder, AppError> {
    let refused = || AppError::Unauthorized("a valid secret key is required (Authorization: Bearer sk_…)".into());
    let secret = authorization.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).ok_or_else(refused)?;
    let mode = secrets::secret_mode(secret).ok_or_else(refused)?;
    let now = Utc::now();
    let key = api_key::Entity::find()
        .filter(api_key::Column::SecretHash.eq(secrets::hash(secret)))
        .filter(api_key::Column::RevokedAt.is_null())
        .filter(Condition::any().add(api_key::Column::ExpiresAt.is_null()).add(api_key::Column::ExpiresAt.gt(now)))
        .one(&services.db)
        .await?
        .filter(|k| k.mode == mode)
        .ok_or_else(refused)?;
    let project = api_project::Entity::find_by_id(key.project_id).one(&services.db).await?.ok_or_else(refused)?;
    Ok(KeyHolder { project, mode, key_id: key.id })
}
