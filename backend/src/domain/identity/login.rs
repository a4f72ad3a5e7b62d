//! Signing in: password first, then (when enabled) a TOTP or backup code against a
//! short-lived pending token.

use chrono::Utc;
use entity::{backup_code, pending_login, user};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::{accounts, sessions, SessionTokens};
use crate::{
    auth::{password, tokens, totp, RequestMeta},
    domain::audit,
    error::AppError,
    Services,
};

pub const PENDING_PREFIX: &str = "hubp_";
/// Wrong codes allowed against one pending token before it is spent.
pub const MAX_CODE_ATTEMPTS: i32 = 5;

pub enum LoginOutcome {
    Session(Box<SessionTokens>),
    TwoFactorRequired { pending_token: String },
}

fn bad_credentials() -> AppError {
    AppError::Unauthorized("invalid e-mail address or password".into())
}

/// Checks e-mail and password. Unknown accounts cost the same time as known ones.
pub async fn login(services: &Services, email: &str, password_input: &str, meta: &RequestMeta) -> Result<LoginOutcome, AppError> {
    let account = accounts::find_by_email(&services.db, email).await?;
    let stored = account.as_ref().and_then(|a| a.password_hash.clone());
    let ok = password::verify(password_input.to_owned(), stored).await?;
    let account = match account {
        Some(account) if ok => account,
        Some(account) => {
            audit::security_event(services, account.id, "login.failed", meta).await?;
            return Err(bad_credentials());
        }
        None => return Err(bad_credentials()),
    };
    if !account.active {
        return Err(AppError::Unauthorized("this account is deactivated".into()));
    }
    if account.totp_enabled {
        let raw = tokens::generate(PENDING_PREFIX);
        let now = Utc::now();
        pending_login::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(account.id),
            token_hash: Set(tokens::digest(&raw)),
            attempts: Set(0),
            created_at: Set(now),
            expires_at: Set(now + chrono::Duration::seconds(services.config.auth.pending_login_ttl_secs as i64)),
            used_at: Set(None),
        }
        .insert(&services.db)
        .await?;
        return Ok(LoginOutcome::TwoFactorRequired { pending_token: raw });
    }
    let user_id = account.id;
    let tokens = sessions::open(services, account, meta).await?;
    audit::security_event(services, user_id, "login.succeeded", meta).await?;
    Ok(LoginOutcome::Session(Box::new(tokens)))
}

/// Completes a sign-in with a TOTP code or a backup code.
pub async fn verify_two_factor(
    services: &Services,
    pending_token: &str,
    code: &str,
    meta: &RequestMeta,
) -> Result<SessionTokens, AppError> {
    let expired = || AppError::Unauthorized("this sign-in attempt has expired; sign in again".into());
    let pending = pending_login::Entity::find()
        .filter(pending_login::Column::TokenHash.eq(tokens::digest(pending_token.trim())))
        .one(&services.db)
        .await?
        .ok_or_else(expired)?;
    if pending.used_at.is_some() || pending.expires_at <= Utc::now() || pending.attempts >= MAX_CODE_ATTEMPTS {
        return Err(expired());
    }
    pending_login::Entity::update_many()
        .col_expr(pending_login::Column::Attempts, Expr::col(pending_login::Column::Attempts).add(1))
        .filter(pending_login::Column::Id.eq(pending.id))
        .exec(&services.db)
        .await?;
    let account = accounts::get(&services.db, pending.user_id).await?;
    if !account.active {
        return Err(AppError::Unauthorized("this account is deactivated".into()));
    }
    let method = match check_second_factor(services, &account, code, true).await {
        Ok(method) => method,
        Err(err) => {
            audit::security_event(services, account.id, "login.second_factor_failed", meta).await?;
            return Err(err);
        }
    };
    let claimed = pending_login::Entity::update_many()
        .col_expr(pending_login::Column::UsedAt, Expr::value(Utc::now()))
        .filter(pending_login::Column::Id.eq(pending.id))
        .filter(pending_login::Column::UsedAt.is_null())
        .exec(&services.db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(expired());
    }
    let user_id = account.id;
    let tokens = sessions::open(services, account, meta).await?;
    audit::security_event(services, user_id, method, meta).await?;
    Ok(tokens)
}

/// Checks a TOTP code (refusing one whose time step was already used) or, when
/// `allow_backup`, a single-use backup code. Returns the audit action to record.
pub async fn check_second_factor(
    services: &Services,
    account: &user::Model,
    code: &str,
    allow_backup: bool,
) -> Result<&'static str, AppError> {
    let wrong = || AppError::Unauthorized("the code is not valid".into());
    let trimmed = code.trim();
    if trimmed.len() == 6 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        let sealed = account.totp_secret.as_deref().ok_or_else(wrong)?;
        let secret = String::from_utf8(services.master_key.decrypt(sealed).map_err(AppError::internal)?).map_err(AppError::internal)?;
        let step = totp::matching_step(&secret, trimmed)?.ok_or_else(wrong)? as i64;
        consume_totp_step(services, account.id, step).await?;
        return Ok("login.succeeded_totp");
    }
    if !allow_backup {
        return Err(wrong());
    }
    let normalized = tokens::normalize_backup_code(trimmed);
    if normalized.len() != 12 {
        return Err(wrong());
    }
    let used = backup_code::Entity::update_many()
        .col_expr(backup_code::Column::UsedAt, Expr::value(Utc::now()))
        .filter(backup_code::Column::UserId.eq(account.id))
        .filter(backup_code::Column::CodeHash.eq(tokens::digest(&normalized)))
        .filter(backup_code::Column::UsedAt.is_null())
        .exec(&services.db)
        .await?;
    if used.rows_affected == 1 {
        Ok("login.succeeded_backup_code")
    } else {
        Err(wrong())
    }
}

/// Records `step` as the last accepted one, atomically; an equal or older step is a replay.
pub async fn consume_totp_step(services: &Services, user_id: Uuid, step: i64) -> Result<(), AppError> {
    let accepted = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::TotpLastStep.is_null().or(user::Column::TotpLastStep.lt(step)))
        .exec(&services.db)
        .await?;
    if accepted.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::Unauthorized("this code was already used; wait for the next one".into()))
    }
}
