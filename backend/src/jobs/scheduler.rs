//! The built-in scheduler of `hub serve` (tokio-cron-scheduler): every job of
//! the catalogue with a schedule fires on it, in UTC, and runs through
//! [`runner::run`] for the tick it fired for, so replicas that all run a
//! scheduler still run each tick once. `[scheduler.jobs]` replaces a default
//! schedule or (`"off"`) leaves a job to the cron route.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use croner::{parser::CronParser, Cron};
use tokio_cron_scheduler::{Job as CronJob, JobScheduler};

use super::{
    catalog::{Job, JOBS},
    runner::{self, Trigger},
};
use crate::Services;

/// Parses a cron expression the way the scheduler does (seconds required).
pub fn parse(expression: &str) -> Result<Cron, String> {
    CronParser::builder()
        .seconds(croner::parser::Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(expression)
        .map_err(|err| format!("invalid cron expression `{expression}`: {err}"))
}

/// The tick a firing at `now` is for: the latest scheduled time at or before
/// `now` (the scheduler fires within a second of it). Replicas whose clocks
/// agree to within the schedule's period compute the same slot.
pub fn slot_of(schedule: &Cron, now: DateTime<Utc>) -> DateTime<Utc> {
    let now = now.trunc_subsecs(0);
    schedule.find_previous_occurrence(&now, true).unwrap_or(now)
}

/// The schedule of each job that has one, after `[scheduler.jobs]`.
pub fn schedules(overrides: &BTreeMap<String, String>) -> Result<Vec<(&'static Job, String)>, String> {
    for name in overrides.keys() {
        if super::find(&name.replace('_', "-")).is_none() {
            return Err(format!("[scheduler.jobs] names no job called `{name}`"));
        }
    }
    let mut out = Vec::new();
    for job in JOBS {
        let configured = overrides.iter().find(|(name, _)| name.replace('_', "-") == job.name).map(|(_, cron)| cron.trim());
        let schedule = match configured {
            Some("off" | "") => None,
            Some(cron) => Some(cron.to_owned()),
            None => job.default_schedule.map(str::to_owned),
        };
        if let Some(schedule) = schedule {
            parse(&schedule).map_err(|err| format!("[scheduler.jobs] {}: {err}", job.name))?;
            out.push((job, schedule));
        }
    }
    Ok(out)
}

/// A running scheduler; [`Scheduler::stop`] ends it.
pub struct Scheduler {
    inner: JobScheduler,
}

/// Starts the scheduler with every scheduled job on the current runtime.
pub async fn start(services: Services) -> anyhow::Result<Scheduler> {
    let planned = schedules(&services.config.scheduler.jobs).map_err(anyhow::Error::msg)?;
    let inner = JobScheduler::new().await?;
    for (job, expression) in planned {
        let schedule = parse(&expression).map_err(anyhow::Error::msg)?;
        let services = services.clone();
        let cron_job = CronJob::new_async(expression.as_str(), move |_id, _scheduler| {
            let services = services.clone();
            let slot = slot_of(&schedule, Utc::now());
            Box::pin(async move {
                // A failure is logged and recorded by the runner; the next tick tries again.
                let _ = runner::run(&services, job, slot, Trigger::Schedule).await;
            })
        })?;
        inner.add(cron_job).await?;
        tracing::info!(job = job.name, schedule = %expression, "job scheduled");
    }
    inner.start().await?;
    Ok(Scheduler { inner })
}

impl Scheduler {
    /// Stops firing jobs (a run in progress finishes on its own).
    pub async fn stop(mut self) {
        if let Err(err) = self.inner.shutdown().await {
            tracing::warn!(error = %err, "the scheduler did not shut down cleanly");
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_firing_maps_to_the_tick_it_is_for() {
        let hourly = parse("0 0 * * * *").unwrap();
        let tick = Utc.with_ymd_and_hms(2026, 11, 22, 7, 0, 0).unwrap();
        assert_eq!(slot_of(&hourly, tick), tick);
        assert_eq!(slot_of(&hourly, tick + chrono::Duration::milliseconds(900)), tick);
        assert_eq!(slot_of(&hourly, tick + chrono::Duration::minutes(59)), tick);
        let minutely = parse("0 * * * * *").unwrap();
        assert_eq!(slot_of(&minutely, tick + chrono::Duration::seconds(61)), tick + chrono::Duration::minutes(1));
    }

    #[test]
    fn overrides_replace_defaults_and_unknown_names_are_refused() {
        let defaults = schedules(&BTreeMap::new()).unwrap();
        assert!(defaults.iter().any(|(job, cron)| job.name == "approval-expiry" && cron == "0 0 * * * *"));
        assert!(!defaults.iter().any(|(job, _)| job.name == "webhook-outbox"), "the outbox has its own worker");

        let overrides =
            BTreeMap::from([("approval_expiry".to_owned(), "off".to_owned()), ("webhook-outbox".into(), "*/30 * * * * *".into())]);
        let planned = schedules(&overrides).unwrap();
        assert!(!planned.iter().any(|(job, _)| job.name == "approval-expiry"));
        assert!(planned.iter().any(|(job, cron)| job.name == "webhook-outbox" && cron == "*/30 * * * * *"));

        assert!(schedules(&BTreeMap::from([("nope".to_owned(), "0 * * * * *".to_owned())])).is_err());
        assert!(schedules(&BTreeMap::from([("stats-cleanup".to_owned(), "every day".to_owned())])).is_err());
    }
}
