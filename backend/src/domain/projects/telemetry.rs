//! What children send over the bridge: heartbeats (machine, runtime, health; the
//! latest is kept on the project, and its PROJECT_HEARTBEAT_STALE alert is
//! resolved) and site telemetry windows (one row per project, site and window
//! start; a re-sent window replaces the earlier one; too many errors in one
//! raise SITE_ERRORS, a clean one resolves it).

use chrono::{DateTime, Utc};
use entity::{alert, licensed_site, project, site_stat, AlertSeverity};
use sea_orm::{sea_query::OnConflict, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::{
    domain::{
        alerts::{self, NewAlert},
        insights::rollups::{self, SiteDay, SiteSums},
    },
    error::{AppError, FieldError},
    Services,
};

/// The counters every telemetry window carries.
pub const METRICS: [&str; 5] = ["orders_count", "new_users_count", "revenue_paise", "requests_count", "errors_count"];

fn object_or_null(body: &Map<String, Value>, field: &str, errors: &mut Vec<FieldError>) -> Value {
    match body.get(field) {
        None | Some(Value::Null) => Value::Null,
        Some(value @ Value::Object(_)) => value.clone(),
        Some(_) => {
            errors.push(FieldError::new(field, "must be an object"));
            Value::Null
        }
    }
}

fn as_object(body: &Value) -> Result<&Map<String, Value>, AppError> {
    body.as_object().ok_or_else(|| AppError::invalid("body", "must be a JSON object"))
}

/// Stores a heartbeat's machine, runtime and health as the project's latest.
pub async fn record_heartbeat(services: &Services, project: project::Model, body: &Value) -> Result<(), AppError> {
    let body = as_object(body)?;
    let mut errors = Vec::new();
    let snapshot = json!({
        "machine": object_or_null(body, "machine", &mut errors),
        "runtime": object_or_null(body, "runtime", &mut errors),
        "health": object_or_null(body, "health", &mut errors),
    });
    AppError::check_fields(errors)?;
    let now = Utc::now();
    let key = alerts::project_stale_key(project.id);
    let mut row: project::ActiveModel = project.into();
    row.last_heartbeat = Set(Some(snapshot));
    row.last_heartbeat_at = Set(Some(now));
    row.updated_at = Set(now);
    let txn = crate::db::begin_write(&services.db).await?;
    row.update(&txn).await?;
    alerts::resolve_by_key(&txn, &key).await?;
    txn.commit().await?;
    Ok(())
}

fn time(body: &Map<String, Value>, field: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    let parsed = body.get(field).and_then(Value::as_str).and_then(|s| DateTime::parse_from_rfc3339(s).ok());
    if parsed.is_none() {
        errors.push(FieldError::new(field, "must be an RFC 3339 time"));
    }
    parsed.map(|t| t.with_timezone(&Utc))
}

/// A validated telemetry window.
#[derive(Debug, Clone)]
pub struct SiteWindow {
    pub site_uuid: Uuid,
    pub site_slug: String,
    pub vendor_id: i64,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub metrics: Value,
}

/// Checks a site-stats payload; errors name fields such as `metrics.orders_count`.
pub fn validate_window(body: &Value) -> Result<SiteWindow, AppError> {
    let body = as_object(body)?;
    let mut errors = Vec::new();
    let site_uuid = body.get("site_uuid").and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok());
    if site_uuid.is_none() {
        errors.push(FieldError::new("site_uuid", "must be a UUID"));
    }
    let site_slug = body.get("site_slug").and_then(Value::as_str).unwrap_or_default().to_owned();
    if site_slug.trim().is_empty() || site_slug.len() > 128 {
        errors.push(FieldError::new("site_slug", "must be 1 to 128 characters"));
    }
    let vendor_id = body.get("vendor_id").and_then(Value::as_i64).filter(|v| *v >= 0);
    if vendor_id.is_none() {
        errors.push(FieldError::new("vendor_id", "must be a non-negative integer"));
    }
    let window_start = time(body, "window_start", &mut errors);
    let window_end = time(body, "window_end", &mut errors);
    if let (Some(start), Some(end)) = (window_start, window_end) {
        if start >= end {
            errors.push(FieldError::new("window_end", "must be after window_start"));
        }
    }
    let mut metrics = Map::new();
    match body.get("metrics").and_then(Value::as_object) {
        None => errors.push(FieldError::new("metrics", "must be an object")),
        Some(given) => {
            for name in METRICS {
                match given.get(name).and_then(Value::as_i64).filter(|v| *v >= 0) {
                    Some(v) => drop(metrics.insert(name.to_owned(), v.into())),
                    None => errors.push(FieldError::new(format!("metrics.{name}"), "must be an integer ≥ 0")),
                }
            }
        }
    }
    AppError::check_fields(errors)?;
    Ok(SiteWindow {
        site_uuid: site_uuid.expect("checked"),
        site_slug,
        vendor_id: vendor_id.expect("checked"),
        window_start: window_start.expect("checked"),
        window_end: window_end.expect("checked"),
        metrics: Value::Object(metrics),
    })
}

/// Stores a telemetry window for the project, replacing a re-sent one.
pub async fn record_site_stats(services: &Services, project: &project::Model, body: &Value) -> Result<(), AppError> {
    let window = validate_window(body)?;
    use site_stat::Column;
    let row = site_stat::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project.id),
        site_uuid: Set(window.site_uuid),
        site_slug: Set(window.site_slug.clone()),
        vendor_id: Set(window.vendor_id),
        window_start: Set(window.window_start),
        window_end: Set(window.window_end),
        metrics: Set(window.metrics.clone()),
        payload: Set(body.clone()),
        updated_at: Set(Utc::now()),
    };
    let replace = [Column::SiteSlug, Column::VendorId, Column::WindowEnd, Column::Metrics, Column::Payload, Column::UpdatedAt];
    let txn = crate::db::begin_write(&services.db).await?;
    // The day's rollup moves by new minus the window this one replaces. On
    // PostgreSQL the project row is locked first, so two copies of one window
    // never both read "nothing replaced" (SQLite's BEGIN IMMEDIATE serialises).
    project::Entity::find_by_id(project.id).lock_exclusive().one(&txn).await?;
    let replaced = site_stat::Entity::find()
        .filter(Column::ProjectId.eq(project.id))
        .filter(Column::SiteUuid.eq(window.site_uuid))
        .filter(Column::WindowStart.eq(window.window_start))
        .one(&txn)
        .await?;
    let old = replaced.map(|r| SiteSums::of_window(&r.metrics)).unwrap_or_default();
    site_stat::Entity::insert(row)
        .on_conflict(OnConflict::columns([Column::ProjectId, Column::SiteUuid, Column::WindowStart]).update_columns(replace).to_owned())
        .exec_without_returning(&txn)
        .await?;
    let day = SiteDay {
        project_id: project.id,
        site_uuid: window.site_uuid,
        day: rollups::day_number(window.window_start),
        vendor_id: window.vendor_id,
        site_slug: &window.site_slug,
    };
    rollups::add_site(&txn, day, SiteSums::of_window(&window.metrics).minus(old)).await?;
    let raised = check_errors(&txn, services.config.alerts.site_errors_per_report, project, &window).await?;
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    Ok(())
}

/// SITE_ERRORS when one window carries at least `threshold` errors (for the
/// site's customer when the site is one of this project's licensed sites, else
/// staff only); a window under the line resolves it.
async fn check_errors<C: ConnectionTrait>(
    conn: &C,
    threshold: i64,
    project: &project::Model,
    window: &SiteWindow,
) -> Result<Option<alert::Model>, AppError> {
    let errors = window.metrics.get("errors_count").and_then(Value::as_i64).unwrap_or(0);
    let key = alerts::site_errors_key(window.site_uuid);
    if errors < threshold.max(1) {
        alerts::resolve_by_key(conn, &key).await?;
        return Ok(None);
    }
    let site =
        licensed_site::Entity::find_by_id(window.site_uuid).filter(licensed_site::Column::ProjectId.eq(project.id)).one(conn).await?;
    let requests = window.metrics.get("requests_count").and_then(Value::as_i64).unwrap_or(0);
    let alert = NewAlert {
        alert_type: alerts::SITE_ERRORS,
        severity: AlertSeverity::Warning,
        customer_id: site.as_ref().map(|s| s.customer_id),
        subject: Some(("site", window.site_uuid.to_string())),
        message: format!(
            "Site {} on {} reported {errors} errors in {requests} requests between {} and {}.",
            window.site_slug,
            project.name,
            window.window_start.to_rfc3339(),
            window.window_end.to_rfc3339()
        ),
        dedupe_key: Some(key),
    };
    alerts::raise(conn, alert).await
}
