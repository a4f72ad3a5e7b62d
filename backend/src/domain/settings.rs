//! System settings (spec 001 §4.12): `category.key` → JSON value, read and bulk
//! changed by ADMIN+. The `system` category is reserved for Hub itself (it holds
//! the first-run setup guard) and cannot be changed through here.

use chrono::Utc;
use entity::system_setting;
use sea_orm::{sea_query::OnConflict, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{json, Value};

use crate::{
    auth::{capability::ManageSettings, Cap, RequestMeta},
    domain::{audit, audit_log::prefix_like},
    error::{AppError, FieldError},
    Services,
};

const RESERVED_CATEGORY: &str = "system";
const MAX_KEYS_PER_UPDATE: usize = 200;
const MAX_KEY_LEN: usize = 128;

/// A category name: `[a-z][a-z0-9_]*`.
fn is_category(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A setting key: `^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$`.
pub fn is_key(key: &str) -> bool {
    let Some((category, rest)) = key.split_once('.') else { return false };
    key.len() <= MAX_KEY_LEN
        && is_category(category)
        && rest.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

/// All settings, by key; only one category's when `category` is given.
pub async fn list(services: &Services, _cap: &Cap<ManageSettings>, category: Option<&str>) -> Result<Vec<system_setting::Model>, AppError> {
    let mut query = system_setting::Entity::find().order_by_asc(system_setting::Column::Key);
    if let Some(category) = category {
        if !is_category(category) {
            return Err(AppError::invalid("category", "must be a category name ([a-z][a-z0-9_]*)"));
        }
        query = query.filter(system_setting::Column::Key.like(prefix_like(&format!("{category}."))));
    }
    Ok(query.all(&services.db).await?)
}

/// Upserts every `"category.key": value` of `values` in one transaction; a null
/// value removes the setting. Returns the settings as they now stand.
pub async fn update(
    services: &Services,
    cap: &Cap<ManageSettings>,
    values: Value,
    meta: &RequestMeta,
) -> Result<Vec<system_setting::Model>, AppError> {
    let Value::Object(values) = values else {
        return Err(AppError::invalid("values", "must be an object of \"category.key\": value"));
    };
    if values.is_empty() || values.len() > MAX_KEYS_PER_UPDATE {
        return Err(AppError::invalid("values", format!("must hold 1 to {MAX_KEYS_PER_UPDATE} settings")));
    }
    let bad: Vec<FieldError> = values
        .keys()
        .filter(|k| !is_key(k))
        .map(|k| FieldError::new(k.as_str(), "is not a setting key (category.key, lower-case letters, digits, _ and .)"))
        .collect();
    AppError::check_fields(bad)?;
    if let Some(prices) = values.get(crate::domain::metering::prices::SETTING).filter(|v| !v.is_null()) {
        AppError::check_fields(crate::domain::metering::prices::validate(prices))?;
    }
    if let Some(reserved) = values.keys().find(|k| k.split_once('.').is_some_and(|(c, _)| c == RESERVED_CATEGORY)) {
        return Err(AppError::Forbidden(format!("`{reserved}`: the `{RESERVED_CATEGORY}` category is reserved")));
    }

    let now = Utc::now();
    let (removed, kept): (Vec<_>, Vec<_>) = values.into_iter().partition(|(_, v)| v.is_null());
    let removed: Vec<String> = removed.into_iter().map(|(k, _)| k).collect();
    let changed: Vec<String> = kept.iter().map(|(k, _)| k.clone()).collect();
    let txn = crate::db::begin_write(&services.db).await?;
    if !kept.is_empty() {
        let rows =
            kept.into_iter().map(|(key, value)| system_setting::ActiveModel { key: Set(key), value: Set(value), updated_at: Set(now) });
        system_setting::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(system_setting::Column::Key)
                    .update_columns([system_setting::Column::Value, system_setting::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    if !removed.is_empty() {
        system_setting::Entity::delete_many().filter(system_setting::Column::Key.is_in(removed.clone())).exec(&txn).await?;
    }
    // Key names only: values may be credentials (SMTP passwords, API keys).
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "settings.updated", meta).details(json!({ "changed": changed, "removed": removed })),
    )
    .await?;
    txn.commit().await?;
    list(services, cap, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for good in ["email.smtp_host", "hub.a.b", "docker.registry2", "a.b"] {
            assert!(is_key(good), "{good}");
        }
        for bad in ["email", "Email.host", "email.", "email._x", ".x", "1a.b", "email.Host", "e-mail.x", "email.x-y", "email.9"] {
            assert!(!is_key(bad), "{bad}");
        }
    }
}
