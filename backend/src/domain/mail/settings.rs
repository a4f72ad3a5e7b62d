//! Per-account notification settings: whether alerts are mailed at all, from
//! which severity, and which alert types besides. Without a saved row an
//! account gets the defaults (mail on, CRITICAL only), so CRITICAL alerts reach
//! everybody who has not opted out.

use std::collections::HashMap;

use chrono::Utc;
use entity::{alert, notification_setting, AlertSeverity};
use sea_orm::{sea_query::OnConflict, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::{
    auth::{capability::OwnAccount, Cap},
    error::{AppError, FieldError},
    Services,
};

/// At most this many chosen alert types.
pub const MAX_ALERT_TYPES: usize = 50;

/// One account's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub email_enabled: bool,
    pub min_severity: AlertSeverity,
    pub alert_types: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self { email_enabled: true, min_severity: AlertSeverity::Critical, alert_types: Vec::new() }
    }
}

impl Settings {
    /// Whether this account wants a mail about `alert`.
    pub fn wants(&self, alert: &alert::Model) -> bool {
        self.email_enabled && (rank(alert.severity) >= rank(self.min_severity) || self.alert_types.contains(&alert.alert_type))
    }

    fn from_row(row: notification_setting::Model) -> Self {
        let alert_types = serde_json::from_value(row.alert_types).unwrap_or_default();
        Self { email_enabled: row.email_enabled, min_severity: row.min_severity, alert_types }
    }
}

/// A change to one's settings; `None` keeps a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub email_enabled: Option<bool>,
    pub min_severity: Option<AlertSeverity>,
    pub alert_types: Option<Vec<String>>,
}

fn rank(severity: AlertSeverity) -> u8 {
    match severity {
        AlertSeverity::Info => 0,
        AlertSeverity::Warning => 1,
        AlertSeverity::Critical => 2,
    }
}

/// The settings of each of `users` (defaults for those without a row).
pub async fn of_users<C: ConnectionTrait>(conn: &C, users: &[Uuid]) -> Result<HashMap<Uuid, Settings>, AppError> {
    let rows = notification_setting::Entity::find().filter(notification_setting::Column::UserId.is_in(users.to_vec())).all(conn).await?;
    let mut found: HashMap<Uuid, Settings> = rows.into_iter().map(|row| (row.user_id, Settings::from_row(row))).collect();
    for user in users {
        found.entry(*user).or_default();
    }
    Ok(found)
}

/// The holder's own settings.
pub async fn get(services: &Services, cap: &Cap<OwnAccount>) -> Result<Settings, AppError> {
    let row = notification_setting::Entity::find_by_id(cap.user_id()).one(&services.db).await?;
    Ok(row.map(Settings::from_row).unwrap_or_default())
}

/// Changes the holder's own settings; answers them as saved. Alert types are
/// upper-case names (`A-Z`, `0-9`, `_`, at most 64 characters), each once.
pub async fn update(services: &Services, cap: &Cap<OwnAccount>, change: Change) -> Result<Settings, AppError> {
    if let Some(types) = &change.alert_types {
        AppError::check_fields(check_alert_types(types))?;
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let current = notification_setting::Entity::find_by_id(cap.user_id()).one(&txn).await?;
    let current = current.map(Settings::from_row).unwrap_or_default();
    let next = Settings {
        email_enabled: change.email_enabled.unwrap_or(current.email_enabled),
        min_severity: change.min_severity.unwrap_or(current.min_severity),
        alert_types: change.alert_types.unwrap_or(current.alert_types),
    };
    let row = notification_setting::ActiveModel {
        user_id: Set(cap.user_id()),
        email_enabled: Set(next.email_enabled),
        min_severity: Set(next.min_severity),
        alert_types: Set(serde_json::json!(next.alert_types)),
        updated_at: Set(Utc::now()),
    };
    use notification_setting::Column as S;
    let upsert = OnConflict::column(S::UserId).update_columns([S::EmailEnabled, S::MinSeverity, S::AlertTypes, S::UpdatedAt]).to_owned();
    notification_setting::Entity::insert(row).on_conflict(upsert).exec_without_returning(&txn).await?;
    txn.commit().await?;
    Ok(next)
}

fn check_alert_types(types: &[String]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if types.len() > MAX_ALERT_TYPES {
        errors.push(FieldError::new("alertTypes", format!("at most {MAX_ALERT_TYPES} alert types")));
    }
    for (i, name) in types.iter().enumerate() {
        let well_formed = (1..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            errors.push(FieldError::new(format!("alertTypes[{i}]"), "must be an alert type such as WEBHOOK_ENDPOINT_DISABLED"));
        } else if types[..i].contains(name) {
            errors.push(FieldError::new(format!("alertTypes[{i}]"), "is listed twice"));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(alert_type: &str, severity: AlertSeverity) -> alert::Model {
        alert::Model {
            id: Uuid::nil(),
            alert_type: alert_type.into(),
            severity,
            customer_id: None,
            subject_type: None,
            subject_id: None,
            message: String::new(),
            dedupe_key: None,
            created_at: Utc::now(),
            acknowledged_by: None,
            acknowledged_at: None,
            notified_at: None,
            resolved_at: None,
        }
    }

    #[test]
    fn critical_alerts_reach_everybody_who_has_not_opted_out() {
        let defaults = Settings::default();
        assert!(defaults.wants(&alert("X", AlertSeverity::Critical)));
        assert!(!defaults.wants(&alert("X", AlertSeverity::Warning)));
        let chosen = Settings { alert_types: vec!["QUOTA".into()], ..Settings::default() };
        assert!(chosen.wants(&alert("QUOTA", AlertSeverity::Info)));
        assert!(!chosen.wants(&alert("OTHER", AlertSeverity::Info)));
        let off = Settings { email_enabled: false, ..chosen };
        assert!(!off.wants(&alert("QUOTA", AlertSeverity::Critical)));
        let warnings = Settings { min_severity: AlertSeverity::Warning, ..Settings::default() };
        assert!(warnings.wants(&alert("X", AlertSeverity::Warning)) && !warnings.wants(&alert("X", AlertSeverity::Info)));
    }

    #[test]
    fn alert_types_are_checked_field_by_field() {
        assert!(check_alert_types(&["A_1".into(), "WEBHOOK_ENDPOINT_DISABLED".into()]).is_empty());
        let errors = check_alert_types(&["ok".into(), "A".into(), "A".into(), String::new()]);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["alertTypes[0]", "alertTypes[2]", "alertTypes[3]"]);
        assert_eq!(check_alert_types(&vec!["A".to_owned(); 51]).first().map(|e| e.field.as_str()), Some("alertTypes"));
    }
}
