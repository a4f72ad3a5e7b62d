//! The registration point of scheduled jobs: one row each, with its name (the
//! `{job}` of `POST /api/v1/cron/{job}` and the key of `[scheduler.jobs]`),
//! its default schedule and its work. The work calls into `domain` and answers
//! a small JSON summary of what it did. To add a job (e.g. the billing cycle),
//! add a row here; the scheduler, the cron route and `job_runs` pick it up.

use chrono::{DateTime, Duration, Utc};
use futures_util::future::BoxFuture;
use serde_json::{json, Value};

use crate::{
    domain::{approvals, metering, projects::staleness, retention, tenants::liveness},
    error::AppError,
    Services,
};

/// The work of one job: `(services, slot)` to a summary of what it did.
pub type Work = for<'a> fn(&'a Services, DateTime<Utc>) -> BoxFuture<'a, Result<Value, AppError>>;

/// One scheduled job.
pub struct Job {
    pub name: &'static str,
    /// Cron (`sec min hour day month weekday`, UTC); `None`: cron route only,
    /// unless `[scheduler.jobs]` gives it a schedule.
    pub default_schedule: Option<&'static str>,
    pub work: Work,
}

/// Every job Hub knows.
pub const JOBS: &[Job] = &[
    // Spec 001 §9: hourly, approvals pending longer than 24 h expire.
    Job { name: "approval-expiry", default_schedule: Some("0 0 * * * *"), work: |s, _| Box::pin(approval_expiry(s)) },
    // Every minute: silent tenant hosts and child projects.
    Job { name: "heartbeat-check", default_schedule: Some("0 * * * * *"), work: |s, _| Box::pin(heartbeat_check(s)) },
    // Spec 001 §9: daily at 03:00, delete what is older than the retention.
    Job { name: "stats-cleanup", default_schedule: Some("0 0 3 * * *"), work: |s, _| Box::pin(stats_cleanup(s)) },
    // Spec 001 §9: close ended billing periods, invoice their overage, open the next
    // (hourly, so a period is billed within the hour after it ends).
    Job { name: "billing-cycle", default_schedule: Some("0 5 * * * *"), work: |s, slot| Box::pin(billing_cycle(s, slot)) },
    // Spec 002 §6: daily at 09:00, remind customers of overdue invoices.
    Job { name: "payment-reminders", default_schedule: Some("0 0 9 * * *"), work: |s, _| Box::pin(payment_reminders(s)) },
    // One pass of the webhook outbox, for deployments that drive it from outside
    // (the worker of `hub serve` already runs it continuously).
    Job { name: "webhook-outbox", default_schedule: None, work: |s, _| Box::pin(webhook_outbox(s)) },
];

/// The job called `name`.
pub fn find(name: &str) -> Option<&'static Job> {
    JOBS.iter().find(|job| job.name == name)
}

async fn approval_expiry(services: &Services) -> Result<Value, AppError> {
    let raised = approvals::expire_stale(services, Utc::now()).await?;
    Ok(json!({ "expired": raised.len() }))
}

async fn heartbeat_check(services: &Services) -> Result<Value, AppError> {
    let now = Utc::now();
    let tenants = liveness::check_offline(services, now).await?;
    let (stale, raised) = staleness::check_stale(services, now).await?;
    Ok(json!({
        "tenantsOffline": tenants.offline,
        "tenantAlerts": tenants.raised,
        "projectsStale": stale,
        "projectAlerts": raised,
    }))
}

async fn stats_cleanup(services: &Services) -> Result<Value, AppError> {
    let before = Utc::now() - Duration::days(i64::from(services.config.scheduler.retention_days.max(1)));
    let swept = retention::sweep(services, before).await?;
    serde_json::to_value(swept).map_err(AppError::internal)
}

async fn billing_cycle(services: &Services, slot: DateTime<Utc>) -> Result<Value, AppError> {
    let report = metering::run_cycle(services, slot.max(Utc::now())).await?;
    serde_json::to_value(report).map_err(AppError::internal)
}

async fn payment_reminders(services: &Services) -> Result<Value, AppError> {
    let queued = metering::reminders::send_due(services, Utc::now()).await?;
    Ok(json!({ "reminders": queued }))
}

async fn webhook_outbox(services: &Services) -> Result<Value, AppError> {
    let attempted = super::outbox::deliver_due_batch(services).await?;
    Ok(json!({ "attempted": attempted }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_slugs_and_schedules_parse() {
        for (i, job) in JOBS.iter().enumerate() {
            assert!(job.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", job.name);
            assert!(JOBS[..i].iter().all(|other| other.name != job.name), "{} twice", job.name);
            if let Some(schedule) = job.default_schedule {
                crate::jobs::scheduler::parse(schedule).unwrap_or_else(|e| panic!("{}: {e}", job.name));
            }
        }
        assert!(find("approval-expiry").is_some());
        assert!(find("nope").is_none());
    }
}
