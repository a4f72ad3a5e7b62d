//! `pingProject`: a signed `GET {base}/api/health` to the child, and the outcome
//! kept on the project (when, answered 2xx or not, status, round trip, error).

use chrono::Utc;
use entity::project::{self, Column};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::outbound::{self, Endpoint};
use crate::{
    auth::{capability::ManageProjects, Cap},
    error::AppError,
    Services,
};

/// Pings a project's child (MANAGER and above) and answers the project with its
/// `last_ping_*` fields updated. An unreachable child is an outcome, not an error.
pub async fn ping(services: &Services, _cap: &Cap<ManageProjects>, slug: &str) -> Result<project::Model, AppError> {
    let found = project::Entity::find().filter(Column::Slug.eq(slug)).one(&services.db).await?;
    let found = found.ok_or_else(|| AppError::NotFound("no such project".into()))?;
    let outcome = outbound::call(services, &found, Endpoint::Health, None).await;
    let (ok, status, latency_ms, error) = match outcome {
        Ok(answer) => (true, Some(answer.status), answer.latency_ms, None),
        Err(err) => (false, err.status, err.latency_ms, Some(err.message)),
    };
    // Only the ping columns are written, so a heartbeat stored meanwhile stays.
    let mut row: project::ActiveModel = found.into();
    row.last_ping_at = Set(Some(Utc::now()));
    row.last_ping_ok = Set(Some(ok));
    row.last_ping_status = Set(status.map(i32::from));
    row.last_ping_latency_ms = Set(Some(latency_ms));
    row.last_ping_error = Set(error.map(|e| e.chars().take(500).collect()));
    Ok(row.update(&services.db).await?)
}
