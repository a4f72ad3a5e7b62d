//! Accounts: creating them, reading one's own, changing one's password.

use chrono::Utc;
use entity::{user, AccountKind, StaffRole};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{parse_name, preferences, sessions, Email};
use crate::{
    auth::{
        capability::{ManageOwnSecurity, OwnAccount},
        password, Cap, RequestMeta,
    },
    domain::audit,
    error::{is_unique_violation, AppError},
    Services,
};

/// Validated fields of a new account.
pub struct NewAccount {
    pub email: Email,
    pub name: String,
    pub password_hash: Option<String>,
    pub kind: AccountKind,
    pub role: Option<StaffRole>,
}

/// Inserts an account; a taken e-mail address is `CONFLICT`.
pub async fn insert<C: ConnectionTrait>(conn: &C, new: NewAccount) -> Result<user::Model, AppError> {
    let now = Utc::now();
    let model = user::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(new.email.as_str().to_owned()),
        name: Set(new.name),
        password_hash: Set(new.password_hash),
        kind: Set(new.kind),
        role: Set(new.role),
        active: Set(true),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        timezone: Set(preferences::DEFAULT_TIMEZONE.to_owned()),
        locale: Set(preferences::DEFAULT_LOCALE.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    model.insert(conn).await.map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict("an account with this e-mail address already exists".into())
        } else {
            e.into()
        }
    })
}

/// Finds an account by e-mail address (any case).
pub async fn find_by_email<C: ConnectionTrait>(conn: &C, email: &str) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find().filter(user::Column::Email.eq(email.trim().to_lowercase())).one(conn).await?)
}

/// Loads an account that must exist.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::NotFound("no such account".into()))
}

/// The caller's own account.
pub async fn me(services: &Services, cap: &Cap<OwnAccount>) -> Result<user::Model, AppError> {
    get(&services.db, cap.user_id()).await
}

/// Validates name, e-mail and password of a new account, naming each bad field.
pub async fn validate_new(email: &str, name: &str, password_input: &str) -> Result<(Email, String, String), AppError> {
    let mut fields = Vec::new();
    let email = Email::parse("email", email).map_err(|e| fields.push(e)).ok();
    let name = parse_name("name", name).map_err(|e| fields.push(e)).ok();
    if let Some(err) = password::validate("password", password_input) {
        fields.push(err);
    }
    AppError::check_fields(fields)?;
    let hash = password::hash(password_input.to_owned()).await?;
    Ok((email.expect("checked"), name.expect("checked"), hash))
}

/// Changes the caller's password after checking the current one; every other
/// session of the account is signed out.
pub async fn change_password(
    services: &Services,
    cap: &Cap<ManageOwnSecurity>,
    current: &str,
    new_password: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let account = get(&services.db, cap.user_id()).await?;
    if !password::verify(current.to_owned(), account.password_hash.clone()).await? {
        return Err(AppError::invalid("currentPassword", "is not your current password"));
    }
    if let Some(err) = password::validate("newPassword", new_password) {
        return AppError::check_fields(vec![err]);
    }
    let hash = password::hash(new_password.to_owned()).await?;
    let mut active: user::ActiveModel = account.into();
    active.password_hash = Set(Some(hash));
    active.updated_at = Set(Utc::now());
    active.update(&services.db).await?;
    sessions::revoke_all(&services.db, cap.user_id(), cap.principal().session_id(), "password_changed").await?;
    audit::security_event(services, cap.user_id(), "password.changed", meta).await
}
