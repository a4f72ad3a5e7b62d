//! The project registry: staff register child projects; the HMAC secret is shown
//! once, stored encrypted with the master key and never logged or audited.

use chrono::{DateTime, Utc};
use entity::project::{self, Column};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{
        capability::{ManageProjects, ReadProjects},
        tokens, Cap, RequestMeta,
    },
    domain::{
        audit,
        page::{Page, PageRequest},
    },
    error::{is_unique_violation, AppError, FieldError},
    Services,
};

/// The prefix of public project keys.
pub const PROJECT_KEY_PREFIX: &str = "pk_";
/// The prefix of project secrets.
pub const SECRET_PREFIX: &str = "psk_";

/// What a new project (or a rotation) answers, once.
#[derive(Debug, Clone)]
pub struct ProjectSecret {
    pub project: project::Model,
    pub secret: String,
}

/// A project as staff see it.
pub type ProjectView = project::Model;

/// A new project's fields.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub slug: String,
    pub name: String,
    pub base_url: String,
}

/// Checks a slug: 3 to 64 of `a-z`, `0-9` and `-`.
pub fn valid_slug(slug: &str) -> bool {
    (3..=64).contains(&slug.len()) && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn validate(input: &NewProject) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if !valid_slug(&input.slug) {
        errors.push(FieldError::new("slug", "must be 3 to 64 of a-z, 0-9 and -"));
    }
    let name = input.name.trim();
    if name.is_empty() || name.len() > 200 {
        errors.push(FieldError::new("name", "must be 1 to 200 characters"));
    }
    let url = input.base_url.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 500 || url.contains(char::is_whitespace) || url.split("//").nth(1).is_none_or(str::is_empty) {
        errors.push(FieldError::new("baseUrl", "must be an http or https URL"));
    }
    AppError::check_fields(errors)
}

/// Registers a project (MANAGER and above); answers its key and secret, once.
pub async fn register(
    services: &Services,
    cap: &Cap<ManageProjects>,
    input: NewProject,
    meta: &RequestMeta,
) -> Result<ProjectSecret, AppError> {
    validate(&input)?;
    let secret = tokens::generate(SECRET_PREFIX);
    let now = Utc::now();
    let row = project::ActiveModel {
        id: Set(Uuid::new_v4()),
        slug: Set(input.slug.clone()),
        name: Set(input.name.trim().to_owned()),
        base_url: Set(input.base_url.trim().trim_end_matches('/').to_owned()),
        project_key: Set(tokens::generate(PROJECT_KEY_PREFIX)),
        secret_encrypted: Set(services.master_key.encrypt(secret.as_bytes())),
        last_heartbeat_at: Set(None),
        last_heartbeat: Set(None),
        last_ping_at: Set(None),
        last_ping_ok: Set(None),
        last_ping_status: Set(None),
        last_ping_latency_ms: Set(None),
        last_ping_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = crate::db::begin_write(&services.db).await?;
    let project = row.insert(&txn).await.map_err(|err| {
        if is_unique_violation(&err) {
            AppError::Conflict("a project with this slug already exists".into())
        } else {
            err.into()
        }
    })?;
    let entry = audit::Entry::new(Some(cap.user_id()), "project.registered", meta)
        .target("project", project.id)
        .details(json!({ "slug": project.slug, "name": project.name, "baseUrl": project.base_url }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    Ok(ProjectSecret { project, secret })
}

/// Replaces a project's secret (MANAGER and above); answers the new one, once.
pub async fn rotate_secret(
    services: &Services,
    cap: &Cap<ManageProjects>,
    slug: &str,
    meta: &RequestMeta,
) -> Result<ProjectSecret, AppError> {
    // Read before the transaction (see `orders::remote_commands::queue`): the
    // update below is by primary key, so nothing is lost if the row changed since.
    let found = project::Entity::find().filter(Column::Slug.eq(slug)).one(&services.db).await?;
    let found = found.ok_or_else(|| AppError::NotFound("no such project".into()))?;
    let txn = crate::db::begin_write(&services.db).await?;
    let secret = tokens::generate(SECRET_PREFIX);
    let mut row: project::ActiveModel = found.into();
    row.secret_encrypted = Set(services.master_key.encrypt(secret.as_bytes()));
    row.updated_at = Set(Utc::now());
    let project = row.update(&txn).await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "project.secret_rotated", meta).target("project", project.id);
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    Ok(ProjectSecret { project, secret })
}

/// Projects by slug (staff SUPPORT and above).
pub async fn list(services: &Services, _cap: &Cap<ReadProjects>, page: PageRequest) -> Result<Page<ProjectView>, AppError> {
    let query = project::Entity::find().order_by_asc(Column::Slug);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// One project by slug (staff SUPPORT and above).
pub async fn find(services: &Services, _cap: &Cap<ReadProjects>, slug: &str) -> Result<Option<ProjectView>, AppError> {
    Ok(project::Entity::find().filter(Column::Slug.eq(slug)).one(&services.db).await?)
}

/// A project whose last heartbeat is older than this is STALE.
pub const HEARTBEAT_STALE_AFTER_SECS: i64 = 600;

/// Whether a project's heartbeats are coming in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeartbeatState {
    /// No heartbeat yet.
    Never,
    /// The last one came within [`HEARTBEAT_STALE_AFTER_SECS`].
    Live,
    /// The last one is older.
    Stale,
}

/// The heartbeat state of `project` at `now`.
pub fn heartbeat_state(project: &ProjectView, now: DateTime<Utc>) -> HeartbeatState {
    match project.last_heartbeat_at {
        None => HeartbeatState::Never,
        Some(at) if (now - at).num_seconds() <= HEARTBEAT_STALE_AFTER_SECS => HeartbeatState::Live,
        Some(_) => HeartbeatState::Stale,
    }
}

/// The `health.status` of a project's last heartbeat, if any.
pub fn health_status(project: &ProjectView) -> Option<String> {
    let heartbeat = project.last_heartbeat.as_ref()?;
    heartbeat.pointer("/health/status").and_then(|v| v.as_str()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn project(last: Option<DateTime<Utc>>) -> ProjectView {
        let now = Utc::now();
        project::Model {
            id: Uuid::nil(),
            slug: "p".into(),
            name: "P".into(),
            base_url: "https://p.example".into(),
            project_key: "pk_".into(),
            secret_encrypted: String::new(),
            last_heartbeat_at: last,
            last_heartbeat: None,
            last_ping_at: None,
            last_ping_ok: None,
            last_ping_status: None,
            last_ping_latency_ms: None,
            last_ping_error: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn heartbeats_go_stale_after_ten_minutes() {
        let now = Utc::now();
        assert_eq!(heartbeat_state(&project(None), now), HeartbeatState::Never);
        assert_eq!(heartbeat_state(&project(Some(now - Duration::seconds(600))), now), HeartbeatState::Live);
        assert_eq!(heartbeat_state(&project(Some(now - Duration::seconds(601))), now), HeartbeatState::Stale);
    }
}
