//! Reading the audit log (ADMIN+); `audit` writes it. Each page loads its actors
//! in one more query, never one per row.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{audit_event, user};
use sea_orm::{sea_query::LikeExpr, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    auth::{capability::ReadAuditLog, Cap},
    domain::page::{Page, PageRequest},
    error::AppError,
    Services,
};

/// `LIKE 'prefix%'` with `%`, `_` and `\` in the prefix taken literally.
pub(crate) fn prefix_like(prefix: &str) -> LikeExpr {
    let mut pattern = String::with_capacity(prefix.len() + 2);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    LikeExpr::new(pattern).escape('\\')
}

/// Which entries to read; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Exact action, e.g. `agent.deployed`; ending in `.` matches the whole family (`login.`).
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    /// Inclusive lower bound on the time.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound on the time.
    pub to: Option<DateTime<Utc>>,
}

/// An entry with the account that acted, if any (and if it still exists).
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub event: audit_event::Model,
    pub actor: Option<user::Model>,
}

/// Audit entries, newest first.
pub async fn list(
    services: &Services,
    _cap: &Cap<ReadAuditLog>,
    filter: AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditEntry>, AppError> {
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from > to {
            return Err(AppError::invalid("from", "must not be after `to`"));
        }
    }
    let mut query = audit_event::Entity::find();
    if let Some(action) = filter.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        query = match action.strip_suffix('.') {
            Some(family) => query.filter(audit_event::Column::Action.like(prefix_like(&format!("{family}.")))),
            None => query.filter(audit_event::Column::Action.eq(action)),
        };
    }
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_event::Column::ActorId.eq(actor));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_event::Column::CreatedAt.lt(to));
    }
    let query = query.order_by_desc(audit_event::Column::CreatedAt).order_by_desc(audit_event::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let events = query.offset(page.offset).limit(page.limit).all(&services.db).await?;

    let mut actor_ids: Vec<Uuid> = events.iter().filter_map(|e| e.actor_id).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let actors: HashMap<Uuid, user::Model> = if actor_ids.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find().filter(user::Column::Id.is_in(actor_ids)).all(&services.db).await?.into_iter().map(|u| (u.id, u)).collect()
    };
    let items = events
        .into_iter()
        .map(|event| {
            let actor = event.actor_id.and_then(|id| actors.get(&id).cloned());
            AuditEntry { event, actor }
        })
        .collect();
    Ok(Page { items, total })
}
