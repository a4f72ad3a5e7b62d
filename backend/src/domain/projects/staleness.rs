//! The `heartbeat-check` job's look at child projects: one that heartbeated
//! once but has been silent longer than `alerts.project_stale_after_secs`
//! raises PROJECT_HEARTBEAT_STALE (staff only: a project is Hub's own
//! business, not a customer's); its next heartbeat resolves it.

use chrono::{DateTime, Duration, Utc};
use entity::{project, AlertSeverity};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    domain::alerts::{self, NewAlert},
    error::AppError,
    Services,
};

/// Raises the alert for every stale project; answers (stale, raised).
pub async fn check_stale(services: &Services, now: DateTime<Utc>) -> Result<(usize, usize), AppError> {
    let after = Duration::seconds(i64::try_from(services.config.alerts.project_stale_after_secs.max(1)).unwrap_or(900));
    let txn = crate::db::begin_write(&services.db).await?;
    let stale = project::Entity::find().filter(project::Column::LastHeartbeatAt.lt(now - after)).all(&txn).await?;
    let mut raised = Vec::new();
    for project in &stale {
        let Some(last) = project.last_heartbeat_at else { continue };
        let alert = NewAlert {
            alert_type: alerts::PROJECT_HEARTBEAT_STALE,
            severity: AlertSeverity::Warning,
            customer_id: None,
            subject: Some(("project", project.slug.clone())),
            message: format!(
                "Project {} ({}) has not sent a heartbeat for {} minutes (last at {}).",
                project.name,
                project.slug,
                (now - last).num_minutes(),
                last.to_rfc3339()
            ),
            dedupe_key: Some(alerts::project_stale_key(project.id)),
        };
        raised.extend(alerts::raise(&txn, alert).await?);
    }
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    Ok((stale.len(), raised.len()))
}
