//! The bridge sync log: one row per bridge call, accepted or refused, with the
//! project slug as sent, endpoint, status, latency and error; never a body or secret.

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

/// One call to log.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub project_slug: &'a str,
    pub endpoint: &'a str,
    pub status: u16,
    pub latency_ms: i64,
    /// `(code, message)` of a refused call.
    pub error: Option<(&'a str, String)>,
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Writes one inbound call to the log.
pub async fn record_inbound(services: &Services, call: Call<'_>) -> Result<(), AppError> {
    let (code, message) = call.error.map(|(c, m)| (Some(c.to_owned()), Some(clip(&m, 500)))).unwrap_or((None, None));
    let row = sync_log::ActiveModel {
        id: Set(Uuid::new_v4()),
        direction: Set(INBOUND.into()),
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

/// The log, newest first, optionally for one project slug (staff SUPPORT and above).
pub async fn list(
    services: &Services,
    _cap: &Cap<ReadProjects>,
    project: Option<String>,
    page: PageRequest,
) -> Result<Page<sync_log::Model>, AppError> {
    let mut query = sync_log::Entity::find();
    if let Some(slug) = project {
        query = query.filter(Column::ProjectSlug.eq(slug));
    }
    let query = query.order_by_desc(Column::CreatedAt).order_by_desc(Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}
