//! What the `stats-cleanup` job deletes: site telemetry windows, bridge sync
//! logs, finished webhook deliveries (with their attempts) and job runs older
//! than `scheduler.retention_days` (spec 001 §9: 90 days). Token usage buckets,
//! invoices, audit events and alerts are records, never swept.

use chrono::{DateTime, Utc};
use entity::{job_run, site_stat, sync_log, webhook_attempt, webhook_delivery, WebhookDeliveryStatus};
use sea_orm::{sea_query::Query, ColumnTrait, EntityTrait, QueryFilter};

use crate::{error::AppError, Services};

/// How many rows of each kind one sweep deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Swept {
    pub site_stats: u64,
    pub sync_logs: u64,
    pub webhook_deliveries: u64,
    pub webhook_attempts: u64,
    pub job_runs: u64,
}

/// Deletes everything older than `before`, in one transaction.
pub async fn sweep(services: &Services, before: DateTime<Utc>) -> Result<Swept, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let site_stats = site_stat::Entity::delete_many().filter(site_stat::Column::WindowEnd.lt(before)).exec(&txn).await?.rows_affected;
    let sync_logs = sync_log::Entity::delete_many().filter(sync_log::Column::CreatedAt.lt(before)).exec(&txn).await?.rows_affected;
    use webhook_delivery::Column as D;
    let finished = Query::select()
        .column(D::Id)
        .from(webhook_delivery::Entity)
        .and_where(D::Status.ne(WebhookDeliveryStatus::Pending))
        .and_where(D::UpdatedAt.lt(before))
        .to_owned();
    let webhook_attempts = webhook_attempt::Entity::delete_many()
        .filter(webhook_attempt::Column::DeliveryId.in_subquery(finished))
        .exec(&txn)
        .await?
        .rows_affected;
    let webhook_deliveries = webhook_delivery::Entity::delete_many()
        .filter(D::Status.ne(WebhookDeliveryStatus::Pending))
        .filter(D::UpdatedAt.lt(before))
        .exec(&txn)
        .await?
        .rows_affected;
    let job_runs = job_run::Entity::delete_many().filter(job_run::Column::StartedAt.lt(before)).exec(&txn).await?.rows_affected;
    txn.commit().await?;
    Ok(Swept { site_stats, sync_logs, webhook_deliveries, webhook_attempts, job_runs })
}
