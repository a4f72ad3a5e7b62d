//! Sessions and their rotating refresh tokens. Each refresh exchanges the token for
//! a new one in the same family; presenting a spent token again means it was
//! stolen or replayed, so the whole family (the session) is revoked.

use chrono::Utc;
use entity::{refresh_token, session, user};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::SessionTokens;
use crate::{
    auth::{tokens, Actor, RequestMeta},
    domain::audit,
    error::AppError,
    Services,
};

pub const REFRESH_PREFIX: &str = "hubr_";

/// Opens a session for `account` and issues its first tokens.
pub async fn open(services: &Services, account: user::Model, meta: &RequestMeta) -> Result<SessionTokens, AppError> {
    let now = Utc::now();
    let expires_at = now + chrono::Duration::days(services.config.auth.refresh_token_ttl_days as i64);
    let txn = crate::db::begin_write(&services.db).await?;
    let session = session::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(account.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        revoke_reason: Set(None),
        ip: Set(meta.ip.clone()),
        user_agent: Set(meta.user_agent.as_ref().map(|ua| ua.chars().take(512).collect())),
    }
    .insert(&txn)
    .await?;
    let refresh = insert_refresh_token(&txn, &session).await?;
    txn.commit().await?;
    let (access_token, access_expires_at) = services.jwt.issue(account.id, session.id);
    Ok(SessionTokens { access_token, access_expires_at, refresh_token: refresh, session_expires_at: session.expires_at, user: account })
}

async fn insert_refresh_token<C: ConnectionTrait>(conn: &C, session: &session::Model) -> Result<String, AppError> {
    let raw = tokens::generate(REFRESH_PREFIX);
    refresh_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        session_id: Set(session.id),
        token_hash: Set(tokens::digest(&raw)),
        created_at: Set(Utc::now()),
        expires_at: Set(session.expires_at),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(raw)
}

/// Exchanges a refresh token for new tokens; a reused token revokes its family.
pub async fn refresh(services: &Services, raw: &str, meta: &RequestMeta) -> Result<SessionTokens, AppError> {
    let stale = || AppError::Unauthorized("the session has ended; sign in again".into());
    let Some(token) =
        refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(tokens::digest(raw.trim()))).one(&services.db).await?
    else {
        return Err(stale());
    };
    if token.used_at.is_some() {
        return Err(reuse_detected(services, token.session_id, meta).await?);
    }
    let now = Utc::now();
    let session = session::Entity::find_by_id(token.session_id).one(&services.db).await?.ok_or_else(stale)?;
    if session.revoked_at.is_some() || session.expires_at <= now || token.expires_at <= now {
        return Err(stale());
    }
    let account = user::Entity::find_by_id(session.user_id).one(&services.db).await?.ok_or_else(stale)?;
    if !account.active {
        return Err(AppError::Unauthorized("this account is deactivated".into()));
    }

    let txn = crate::db::begin_write(&services.db).await?;
    // Spend the token only if nobody spent it first (two refreshes racing).
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(token.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        txn.rollback().await?;
        return Err(reuse_detected(services, token.session_id, meta).await?);
    }
    let refresh = insert_refresh_token(&txn, &session).await?;
    txn.commit().await?;
    let (access_token, access_expires_at) = services.jwt.issue(account.id, session.id);
    Ok(SessionTokens { access_token, access_expires_at, refresh_token: refresh, session_expires_at: session.expires_at, user: account })
}

async fn reuse_detected(services: &Services, session_id: Uuid, meta: &RequestMeta) -> Result<AppError, AppError> {
    revoke(&services.db, session_id, "refresh_token_reuse").await?;
    if let Some(session) = session::Entity::find_by_id(session_id).one(&services.db).await? {
        tracing::warn!(session = %session_id, "refresh token reuse: session revoked");
        audit::security_event(services, session.user_id, "session.refresh_token_reused", meta).await?;
    }
    Ok(AppError::Unauthorized("this refresh token was already used; the session has been revoked for safety".into()))
}

/// Revokes one session (no-op when already revoked).
pub async fn revoke<C: ConnectionTrait>(conn: &C, session_id: Uuid, reason: &str) -> Result<(), AppError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(session::Column::RevokeReason, Expr::value(reason))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Revokes every session of an account, except `keep` if given.
pub async fn revoke_all<C: ConnectionTrait>(conn: &C, user_id: Uuid, keep: Option<Uuid>, reason: &str) -> Result<(), AppError> {
    let mut query = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(session::Column::RevokeReason, Expr::value(reason))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep));
    }
    query.exec(conn).await?;
    Ok(())
}

/// Signs out: ends the caller's session and the one the refresh token belongs to.
pub async fn logout(services: &Services, actor: &Actor, refresh: Option<&str>, meta: &RequestMeta) -> Result<(), AppError> {
    let mut ended = Vec::new();
    if let Ok(principal) = actor.principal() {
        if let Some(id) = principal.session_id() {
            ended.push((id, principal.user_id));
        }
    }
    if let Some(raw) = refresh {
        let found =
            refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(tokens::digest(raw.trim()))).one(&services.db).await?;
        if let Some(token) = found {
            if let Some(session) = session::Entity::find_by_id(token.session_id).one(&services.db).await? {
                ended.push((session.id, session.user_id));
            }
        }
    }
    ended.dedup();
    for (session_id, user_id) in ended {
        revoke(&services.db, session_id, "logout").await?;
        audit::security_event(services, user_id, "logout", meta).await?;
    }
    Ok(())
}
