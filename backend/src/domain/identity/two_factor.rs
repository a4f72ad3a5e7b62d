//! Turning TOTP two-factor authentication on and off, and backup codes.

use chrono::Utc;
use entity::{backup_code, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{accounts, login};
use crate::{
    auth::{capability::ManageOwnSecurity, tokens, totp, Cap, RequestMeta},
    domain::audit,
    error::AppError,
    Services,
};

/// What the person scans or types into an authenticator app.
pub struct SetupOffer {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_png_base64: String,
}

/// Offers a new secret; it takes effect only once a code from it is confirmed.
pub async fn begin_setup(services: &Services, cap: &Cap<ManageOwnSecurity>) -> Result<SetupOffer, AppError> {
    let account = accounts::get(&services.db, cap.user_id()).await?;
    if account.totp_enabled {
        return Err(AppError::Conflict("two-factor authentication is already on; turn it off first".into()));
    }
    let secret = totp::new_secret();
    let (otpauth_uri, qr_png_base64) = totp::provisioning(&secret, &account.email)?;
    let mut active: user::ActiveModel = account.into();
    active.totp_pending_secret = Set(Some(services.master_key.encrypt(secret.as_bytes())));
    active.updated_at = Set(Utc::now());
    active.update(&services.db).await?;
    Ok(SetupOffer { secret, otpauth_uri, qr_png_base64 })
}

/// Confirms the offered secret with a current code; returns ten backup codes,
/// shown this once.
pub async fn confirm_setup(
    services: &Services,
    cap: &Cap<ManageOwnSecurity>,
    code: &str,
    meta: &RequestMeta,
) -> Result<Vec<String>, AppError> {
    let account = accounts::get(&services.db, cap.user_id()).await?;
    if account.totp_enabled {
        return Err(AppError::Conflict("two-factor authentication is already on".into()));
    }
    let sealed = account.totp_pending_secret.clone().ok_or_else(|| AppError::Conflict("start two-factor setup first".into()))?;
    let secret = String::from_utf8(services.master_key.decrypt(&sealed).map_err(AppError::internal)?).map_err(AppError::internal)?;
    let step = totp::matching_step(&secret, code)?
        .ok_or_else(|| AppError::invalid("code", "does not match the current code of the authenticator"))?;

    let txn = crate::db::begin_write(&services.db).await?;
    let mut active: user::ActiveModel = account.into();
    active.totp_secret = Set(Some(sealed));
    active.totp_pending_secret = Set(None);
    active.totp_enabled = Set(true);
    active.totp_last_step = Set(Some(step as i64));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let codes = replace_backup_codes(&txn, cap.user_id()).await?;
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "two_factor.enabled", meta).target("user", cap.user_id())).await?;
    txn.commit().await?;
    audit::publish_security(services, cap.user_id(), "two_factor.enabled", meta);
    Ok(codes)
}

/// Turns two-factor off; needs a current TOTP code (not a backup code).
pub async fn disable(services: &Services, cap: &Cap<ManageOwnSecurity>, code: &str, meta: &RequestMeta) -> Result<(), AppError> {
    let account = accounts::get(&services.db, cap.user_id()).await?;
    if !account.totp_enabled {
        return Err(AppError::Conflict("two-factor authentication is not on".into()));
    }
    login::check_second_factor(services, &account, code, false).await.map_err(|e| match e {
        AppError::Unauthorized(message) => AppError::invalid("code", message),
        other => other,
    })?;
    let txn = crate::db::begin_write(&services.db).await?;
    let mut active: user::ActiveModel = account.into();
    active.totp_secret = Set(None);
    active.totp_pending_secret = Set(None);
    active.totp_enabled = Set(false);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    backup_code::Entity::delete_many().filter(backup_code::Column::UserId.eq(cap.user_id())).exec(&txn).await?;
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "two_factor.disabled", meta).target("user", cap.user_id())).await?;
    txn.commit().await?;
    audit::publish_security(services, cap.user_id(), "two_factor.disabled", meta);
    Ok(())
}

/// Replaces the backup codes with ten new ones (the old ones stop working).
pub async fn regenerate_backup_codes(
    services: &Services,
    cap: &Cap<ManageOwnSecurity>,
    meta: &RequestMeta,
) -> Result<Vec<String>, AppError> {
    let account = accounts::get(&services.db, cap.user_id()).await?;
    if !account.totp_enabled {
        return Err(AppError::Conflict("turn on two-factor authentication first".into()));
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let codes = replace_backup_codes(&txn, cap.user_id()).await?;
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "two_factor.backup_codes_regenerated", meta).target("user", cap.user_id()))
        .await?;
    txn.commit().await?;
    audit::publish_security(services, cap.user_id(), "two_factor.backup_codes_regenerated", meta);
    Ok(codes)
}

async fn replace_backup_codes<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Vec<String>, AppError> {
    backup_code::Entity::delete_many().filter(backup_code::Column::UserId.eq(user_id)).exec(conn).await?;
    let codes = tokens::backup_codes();
    let now = Utc::now();
    let rows = codes.iter().map(|code| backup_code::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        code_hash: Set(tokens::digest(&tokens::normalize_backup_code(code))),
        used_at: Set(None),
        created_at: Set(now),
    });
    backup_code::Entity::insert_many(rows).exec(conn).await?;
    Ok(codes)
}
