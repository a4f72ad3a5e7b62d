//! The bridge sync log: one row per bridge call in either direction, accepted or
//! refused, with the project slug, endpoint, status, latency and error; never a
//! body or secret.

use chrono::Utc;
use entity::sync_log::{self, Column};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::{
    auth::{capability::ReadProjects, Cap},
    domain::page::{Page, PageRequest},
    error::AppError,
    Services,
};

/// The direction of calls from child projects to Hub.
pub const INBOUND: &str = "INBOUND";
/// The direction of calls from Hub to child projects.
pub const OUTBOUND: &str = "OUTBOUND";

/// Which way a logged call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => INBOUND,
            Direction::Outbound => OUTBOUND,
        }
    }
}

/// One call to log.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub project_slug: &'a str,
    pub endpoint: &'a str,
    /// The HTTP status; 0 when an outbound call got no answer at all.
    pub status: u16,
    pub latency_ms: i64,
    /// `(code, message)` of a refused or failed call.
    pub error: Option<(&'a str, String)>,
}

/// Filters of [`list`]; `None` leaves a filter off.
#[derive(Debug, Clone, Default)]
pub struct SyncLogFilter {
    /// A project slug, as logged.
    pub project: Option<String>,
    pub direction: Option<Direction>,
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Writes one call to the log.
pub async fn record(services: &Services, direction: Direction, call: Call<'_>) -> Result<(), AppError> {
    let (code, message) = call.error.map(|(c, m)| (Some(clip(c, 32)), Some(clip(&m, 500)))).unwrap_or((None, None));
    let row = sync_log::ActiveModel {
        id: Set(Uuid::new_v4()),
        direction: Set(direction.as_str().into()),
        project_slug: Set(clip(call.project_slug, 128)),
        endpoint: Set(clip(call.endpoint, 255)),
        status: Set(i32::from(call.status)),
        latency_ms: Set(call.latency_ms),
        error_code: Set(code),
        error_message: Set(message),
        created_at: Set(Utc::now()),
    };
    row.insert(&services.db).await?;
    Ok(())
}

/// Writes one inbound call to the log.
pub async fn record_inbound(services: &Services, call: Call<'_>) -> Result<(), AppError> {
    record(services, Direction::Inbound, call).await
}

/// The log, newest first, optionally for one project slug and one direction
/// (staff SUPPORT and above).
pub async fn list(
    services: &Services,
    _cap: &Cap<ReadProjects>,
    filter: SyncLogFilter,
    page: PageRequest,
) -> Result<Page<sync_log::Model>, AppError> {
    let mut query = sync_log::Entity::find();
    if let Some(slug) = filter.project.filter(|s| !s.is_empty()) {
        query = query.filter(Column::ProjectSlug.eq(slug));
    }
    if let Some(direction) = filter.direction {
        query = query.filter(Column::Direction.eq(direction.as_str()));
    }
    let query = query.order_by_desc(Column::CreatedAt).order_by_desc(Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}
