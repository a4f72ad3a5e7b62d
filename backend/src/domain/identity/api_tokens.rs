//! Integrators' API tokens: created and revoked by their owner, shown once, stored
//! as digests, acting with the owner's permissions (but never changing security
//! settings, which need an interactive session).

use chrono::Utc;
use entity::api_token;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::{
    auth::{
        authenticate::API_TOKEN_PREFIX,
        capability::{ManageOwnSecurity, OwnAccount},
        tokens, Cap, RequestMeta,
    },
    domain::{
        audit,
        page::{Page, PageRequest},
    },
    error::{AppError, FieldError},
    Services,
};

/// Creates a token named `name`, optionally expiring after `expires_in_days`
/// (1–3650). Returns it with the secret, shown this once.
pub async fn create(
    services: &Services,
    cap: &Cap<ManageOwnSecurity>,
    name: &str,
    expires_in_days: Option<i32>,
    meta: &RequestMeta,
) -> Result<(api_token::Model, String), AppError> {
    let mut fields = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        fields.push(FieldError::new("name", "must be 1 to 100 characters"));
    }
    if expires_in_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        fields.push(FieldError::new("expiresInDays", "must be between 1 and 3650"));
    }
    AppError::check_fields(fields)?;
    let raw = tokens::generate(API_TOKEN_PREFIX);
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    let created = api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(cap.user_id()),
        name: Set(name.to_owned()),
        token_hash: Set(tokens::digest(&raw)),
        prefix: Set(raw.chars().take(12).collect()),
        created_at: Set(now),
        last_used_at: Set(None),
        expires_at: Set(expires_in_days.map(|d| now + chrono::Duration::days(d as i64))),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "api_token.created", meta).target("api_token", created.id)).await?;
    txn.commit().await?;
    audit::publish_security(services, cap.user_id(), "api_token.created", meta);
    Ok((created, raw))
}

/// The caller's tokens, newest first.
pub async fn list(services: &Services, cap: &Cap<OwnAccount>, page: PageRequest) -> Result<Page<api_token::Model>, AppError> {
    let query = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(cap.user_id()))
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_asc(api_token::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// Revokes one of the caller's tokens; someone else's token is `NOT_FOUND`.
pub async fn revoke(services: &Services, cap: &Cap<ManageOwnSecurity>, id: Uuid, meta: &RequestMeta) -> Result<api_token::Model, AppError> {
    let found = api_token::Entity::find_by_id(id)
        .filter(api_token::Column::UserId.eq(cap.user_id()))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such API token".into()))?;
    if found.revoked_at.is_some() {
        return Ok(found);
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let mut active: api_token::ActiveModel = found.into();
    active.revoked_at = Set(Some(Utc::now()));
    let revoked = active.update(&txn).await?;
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "api_token.revoked", meta).target("api_token", id)).await?;
    txn.commit().await?;
    audit::publish_security(services, cap.user_id(), "api_token.revoked", meta);
    Ok(revoked)
}
