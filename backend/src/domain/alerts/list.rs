//! Reading alerts: newest first, filtered, and replaying the ones a live viewer
//! missed. A customer sees only alerts raised about them (`customer_id`); staff
//! who may read alerts see all.

use entity::{alert, AlertSeverity};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

use crate::{
    auth::{Cap, Permission},
    domain::page::{Page, PageRequest},
    error::AppError,
    Services,
};

/// The most alerts one `replay_after` answers; a viewer further behind should
/// page the `alerts` query instead.
pub const MAX_REPLAY: u64 = 500;

/// What `list` keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlertFilter {
    /// `Some(false)`: only alerts nobody acknowledged; `Some(true)`: only acknowledged ones.
    pub acknowledged: Option<bool>,
    /// `Some(true)`: only open alerts, neither acknowledged nor resolved (their
    /// condition cleared by itself); `Some(false)`: only the closed ones.
    pub open: Option<bool>,
    /// Only alerts of exactly this severity.
    pub severity: Option<AlertSeverity>,
}

/// Whether the holder of `cap` may see `alert`: the one visibility rule for
/// queries, acknowledgements and live streams alike.
pub fn may_see<P: Permission>(cap: &Cap<P>, alert: &alert::Model) -> bool {
    match cap.customer_scope() {
        None => true,
        Some(customer) => alert.customer_id == Some(customer),
    }
}

/// How serious a severity is, for "this severity or higher": INFO < WARNING < CRITICAL.
pub fn rank(severity: AlertSeverity) -> u8 {
    match severity {
        AlertSeverity::Info => 0,
        AlertSeverity::Warning => 1,
        AlertSeverity::Critical => 2,
    }
}

/// The severities at least as serious as `min`.
fn at_least(min: AlertSeverity) -> Vec<AlertSeverity> {
    [AlertSeverity::Info, AlertSeverity::Warning, AlertSeverity::Critical].into_iter().filter(|s| rank(*s) >= rank(min)).collect()
}

/// Alerts the capability reaches.
pub(crate) fn visible<P: Permission>(cap: &Cap<P>) -> Select<alert::Entity> {
    let query = alert::Entity::find();
    match cap.customer_scope() {
        Some(customer) => query.filter(alert::Column::CustomerId.eq(customer)),
        None => query,
    }
}

/// Alerts, newest first (by `created_at`, then `id`).
pub async fn list<P: Permission>(
    services: &Services,
    cap: &Cap<P>,
    filter: AlertFilter,
    page: PageRequest,
) -> Result<Page<alert::Model>, AppError> {
    let mut query = visible(cap);
    if let Some(acknowledged) = filter.acknowledged {
        query =
            query.filter(if acknowledged { alert::Column::AcknowledgedAt.is_not_null() } else { alert::Column::AcknowledgedAt.is_null() });
    }
    if let Some(open) = filter.open {
        let is_open = Condition::all().add(alert::Column::AcknowledgedAt.is_null()).add(alert::Column::ResolvedAt.is_null());
        query = query.filter(if open { is_open } else { is_open.not() });
    }
    if let Some(severity) = filter.severity {
        query = query.filter(alert::Column::Severity.eq(severity));
    }
    let query = query.order_by_desc(alert::Column::CreatedAt).order_by_desc(alert::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// One alert the capability reaches; `NOT_FOUND` when missing or not visible.
pub async fn get<P: Permission>(services: &Services, cap: &Cap<P>, id: Uuid) -> Result<alert::Model, AppError> {
    visible(cap).filter(alert::Column::Id.eq(id)).one(&services.db).await?.ok_or_else(|| AppError::NotFound("no such alert".into()))
}

/// The visible alerts of `min_severity` or higher raised after alert `after`
/// (which must be visible itself, else `NOT_FOUND`), oldest first by
/// `(created_at, id)`, at most [`MAX_REPLAY`]: what a viewer who last saw
/// `after` has missed.
pub async fn replay_after<P: Permission>(
    services: &Services,
    cap: &Cap<P>,
    after: Uuid,
    min_severity: Option<AlertSeverity>,
) -> Result<Vec<alert::Model>, AppError> {
    let last = get(services, cap, after).await?;
    let later = Condition::any()
        .add(alert::Column::CreatedAt.gt(last.created_at))
        .add(Condition::all().add(alert::Column::CreatedAt.eq(last.created_at)).add(alert::Column::Id.gt(last.id)));
    let mut query = visible(cap).filter(later);
    if let Some(min) = min_severity {
        query = query.filter(alert::Column::Severity.is_in(at_least(min)));
    }
    let items = query.order_by_asc(alert::Column::CreatedAt).order_by_asc(alert::Column::Id).limit(MAX_REPLAY).all(&services.db).await?;
    Ok(items)
}
