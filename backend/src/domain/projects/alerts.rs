//! Alerts a child project posts over the signed bridge
//! (`POST /api/internal/saas/alerts`, spec 002 §3.1): `severity`, `type`,
//! `message`, optionally the `site_uuid` it concerns and a `dedupe_key`.
//! The alert is for staff only, unless it names one of this project's
//! licensed sites: then the site's customer sees it too. A project can thus
//! never address a customer it does not serve, nor take the name of an alert
//! type Hub raises itself, nor close another project's alert (its dedupe keys
//! are namespaced by project).

use entity::{alert, licensed_site, project, AlertSeverity};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    domain::alerts::{self, NewAlert, MAX_MESSAGE_CHARS, RESERVED},
    error::{AppError, FieldError},
    Services,
};

/// The subject of a child's alert that names no site of its own.
pub const PROJECT_ALERT_SUBJECT: &str = "project";
const MAX_DEDUPE_KEY: usize = 128;

/// A checked alert from a child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildAlert {
    pub severity: AlertSeverity,
    pub alert_type: String,
    pub message: String,
    pub site_uuid: Option<Uuid>,
    pub dedupe_key: Option<String>,
}

fn text<'a>(body: &'a Map<String, Value>, field: &str, errors: &mut Vec<FieldError>) -> Option<&'a str> {
    match body.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.push(FieldError::new(field, "must be a string"));
            None
        }
    }
}

/// Checks the body; every problem is a field error.
pub fn validate(body: &Value) -> Result<ChildAlert, AppError> {
    let body = body.as_object().ok_or_else(|| AppError::invalid("body", "must be a JSON object"))?;
    let mut errors = Vec::new();
    let severity = match text(body, "severity", &mut errors).map(str::to_ascii_uppercase).as_deref() {
        Some("INFO") => Some(AlertSeverity::Info),
        Some("WARNING") => Some(AlertSeverity::Warning),
        Some("CRITICAL") => Some(AlertSeverity::Critical),
        _ => {
            errors.push(FieldError::new("severity", "must be INFO, WARNING or CRITICAL"));
            None
        }
    };
    let alert_type = text(body, "type", &mut errors).unwrap_or_default().to_owned();
    let type_ok = (1..=64).contains(&alert_type.len())
        && alert_type.starts_with(|c: char| c.is_ascii_uppercase())
        && alert_type.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !type_ok {
        errors.push(FieldError::new("type", "must be an upper-case name such as DISK_FULL ([A-Z][A-Z0-9_]*, at most 64)"));
    } else if RESERVED.contains(&alert_type.as_str()) {
        errors.push(FieldError::new("type", "is one of Hub's own alert types"));
    }
    let message = text(body, "message", &mut errors).unwrap_or_default().trim().to_owned();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        errors.push(FieldError::new("message", format!("must be 1 to {MAX_MESSAGE_CHARS} characters")));
    }
    let site_uuid = text(body, "site_uuid", &mut errors)
        .and_then(|s| Uuid::parse_str(s).map_err(|_| errors.push(FieldError::new("site_uuid", "must be a UUID"))).ok());
    let dedupe_key = text(body, "dedupe_key", &mut errors).map(str::to_owned);
    if dedupe_key.as_ref().is_some_and(|k| k.is_empty() || k.len() > MAX_DEDUPE_KEY || !k.bytes().all(|b| b.is_ascii_graphic())) {
        errors.push(FieldError::new("dedupe_key", format!("must be 1 to {MAX_DEDUPE_KEY} printable characters without spaces")));
    }
    AppError::check_fields(errors)?;
    Ok(ChildAlert { severity: severity.expect("checked"), alert_type, message, site_uuid, dedupe_key })
}

/// Raises the child's alert and announces it; answers the new alert, or
/// `None` when an open alert with the same dedupe key exists.
pub async fn post(services: &Services, project: &project::Model, body: &Value) -> Result<Option<alert::Model>, AppError> {
    let child = validate(body)?;
    let site = match child.site_uuid {
        Some(id) => licensed_site::Entity::find_by_id(id).filter(licensed_site::Column::ProjectId.eq(project.id)).one(&services.db).await?,
        None => None,
    };
    let alert = NewAlert {
        alert_type: &child.alert_type,
        severity: child.severity,
        customer_id: site.as_ref().map(|s| s.customer_id),
        subject: Some(match &site {
            Some(site) => ("site", site.id.to_string()),
            None => (PROJECT_ALERT_SUBJECT, project.slug.clone()),
        }),
        message: format!("{}: {}", project.name, child.message),
        dedupe_key: child.dedupe_key.map(|key| format!("bridge:{}:{key}", project.id)),
    };
    let txn = crate::db::begin_write(&services.db).await?;
    let raised = alerts::raise(&txn, alert).await?;
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    Ok(raised)
}
