//! Turns a presented credential into an [`Actor`], re-reading the account and the
//! session (or API token) each time so that revocation and deactivation bite at once.

use chrono::Utc;
use entity::{api_token, session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::{
    actor::{Actor, Credential, Principal},
    jwt::JwtKeys,
    tokens,
};
use crate::error::AppError;

/// Prefix of integrators' API tokens; anything else is taken for an access JWT.
pub const API_TOKEN_PREFIX: &str = "hubt_";

/// Resolves `Authorization: Bearer …` (or the same value from a WebSocket
/// `connection_init`). `None` means no credential was presented.
pub async fn resolve(db: &DatabaseConnection, keys: &JwtKeys, authorization: Option<&str>) -> Result<Actor, AppError> {
    let Some(value) = authorization.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(Actor::Anonymous);
    };
    let Some(token) = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(str::trim) else {
        return Ok(Actor::Rejected("the Authorization header must be `Bearer <token>`".into()));
    };
    if token.starts_with(API_TOKEN_PREFIX) {
        api_token_actor(db, token).await
    } else {
        session_actor(db, keys, token).await
    }
}

async fn session_actor(db: &DatabaseConnection, keys: &JwtKeys, token: &str) -> Result<Actor, AppError> {
    let Some(claims) = keys.verify(token) else {
        return Ok(Actor::Rejected("the access token is invalid or has expired".into()));
    };
    let Some(session) = session::Entity::find_by_id(claims.sid).one(db).await? else {
        return Ok(Actor::Rejected("the session no longer exists".into()));
    };
    if session.revoked_at.is_some() || session.expires_at <= Utc::now() || session.user_id != claims.sub {
        return Ok(Actor::Rejected("the session has ended; sign in again".into()));
    }
    account_actor(db, claims.sub, Credential::Session(session.id)).await
}

async fn api_token_actor(db: &DatabaseConnection, token: &str) -> Result<Actor, AppError> {
    let found = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(tokens::digest(token))).one(db).await?;
    let Some(found) = found else {
        return Ok(Actor::Rejected("unknown API token".into()));
    };
    let now = Utc::now();
    if found.revoked_at.is_some() || found.expires_at.is_some_and(|at| at <= now) {
        return Ok(Actor::Rejected("the API token is revoked or expired".into()));
    }
    // Coarse last-use tracking: one write a minute at most per token.
    if found.last_used_at.is_none_or(|at| now - at > chrono::Duration::minutes(1)) {
        let mut active: api_token::ActiveModel = found.clone().into();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
    }
    account_actor(db, found.user_id, Credential::ApiToken(found.id)).await
}

async fn account_actor(db: &DatabaseConnection, user_id: uuid::Uuid, credential: Credential) -> Result<Actor, AppError> {
    match user::Entity::find_by_id(user_id).one(db).await? {
        Some(u) if u.active => {
            Ok(Actor::User(Principal { user_id: u.id, email: u.email, name: u.name, kind: u.kind, role: u.role, credential }))
        }
        Some(_) => Ok(Actor::Rejected("this account is deactivated".into())),
        None => Ok(Actor::Rejected("the account no longer exists".into())),
    }
}
