//! Runs one job for one slot, at most once across replicas:
//!
//! 1. The claim: `INSERT INTO job_runs (job, slot) … ON CONFLICT DO NOTHING`.
//!    The slot is the tick the run is for (the scheduled time, or the minute of
//!    a cron call), so replicas firing for the same tick insert one row between
//!    them and the others answer [`RunStatus::AlreadyRan`].
//! 2. No overlap: a job is run by one task at a time — in this process (a set
//!    in `Services`) and, on PostgreSQL, across replicas (a transaction-level
//!    advisory lock held while the work runs). A run that finds its job busy is
//!    recorded SKIPPED and answers [`RunStatus::Busy`].
//! 3. The outcome (SUCCEEDED or FAILED, the error, a summary) is written back.

use chrono::{DateTime, SubsecRound, Utc};
use entity::job_run;
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait, QueryFilter, Set, Statement,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::catalog::Job;
use crate::{error::AppError, Services};

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The built-in scheduler of `hub serve`.
    Schedule,
    /// `POST /api/v1/cron/{job}`.
    Cron,
    /// A test or an operator's tool.
    Manual,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "SCHEDULE",
            Trigger::Cron => "CRON",
            Trigger::Manual => "MANUAL",
        }
    }
}

/// Whether the run did the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    /// This call ran the job (successfully; a failure is an error).
    Ran,
    /// The slot had been claimed already (by another replica, or an earlier call).
    AlreadyRan,
    /// Another run of the job was still going; this slot is skipped.
    Busy,
}

/// What [`run`] did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub job: &'static str,
    pub slot: DateTime<Utc>,
    pub status: RunStatus,
    /// The job's own summary (counts), when it ran.
    pub summary: Option<Value>,
}

/// Runs `job` for `slot` (cut to whole seconds) unless that slot was claimed.
/// A failing job is recorded FAILED and answered as its error.
pub async fn run(services: &Services, job: &'static Job, slot: DateTime<Utc>, trigger: Trigger) -> Result<RunReport, AppError> {
    let slot = slot.trunc_subsecs(0);
    let report = |status, summary| RunReport { job: job.name, slot, status, summary };
    let Some(id) = claim(services, job.name, slot, trigger).await? else {
        return Ok(report(RunStatus::AlreadyRan, None));
    };
    let Some(guard) = Guard::acquire(services, job.name).await? else {
        finish(services, id, "SKIPPED", Some("another run of this job was still going".into()), None).await?;
        return Ok(report(RunStatus::Busy, None));
    };
    let started = std::time::Instant::now();
    let result = (job.work)(services, slot).await;
    guard.release().await;
    let seconds = started.elapsed().as_secs_f64();
    metrics::histogram!("hub_job_duration_seconds", "job" => job.name).record(seconds);
    match result {
        Ok(summary) => {
            metrics::counter!("hub_job_runs_total", "job" => job.name, "outcome" => "succeeded").increment(1);
            tracing::info!(job = job.name, %slot, trigger = trigger.as_str(), seconds, summary = %summary, "job ran");
            finish(services, id, "SUCCEEDED", None, Some(summary.clone())).await?;
            Ok(report(RunStatus::Ran, Some(summary)))
        }
        Err(err) => {
            metrics::counter!("hub_job_runs_total", "job" => job.name, "outcome" => "failed").increment(1);
            tracing::error!(job = job.name, %slot, error = ?err, "job failed");
            let stored = format!("{}: {}", err.code(), err.public_message());
            finish(services, id, "FAILED", Some(stored), None).await?;
            Err(err)
        }
    }
}

/// Inserts the run's row; `None` when (job, slot) is taken.
async fn claim(services: &Services, job: &'static str, slot: DateTime<Utc>, trigger: Trigger) -> Result<Option<Uuid>, AppError> {
    let id = Uuid::new_v4();
    let row = job_run::ActiveModel {
        id: Set(id),
        job: Set(job.to_owned()),
        slot: Set(slot),
        trigger: Set(trigger.as_str().to_owned()),
        started_at: Set(Utc::now()),
        finished_at: Set(None),
        outcome: Set("RUNNING".to_owned()),
        error: Set(None),
        summary: Set(None),
    };
    let inserted = job_run::Entity::insert(row)
        .on_conflict(OnConflict::columns([job_run::Column::Job, job_run::Column::Slot]).do_nothing().to_owned())
        .exec_without_returning(&services.db)
        .await?;
    Ok((inserted == 1).then_some(id))
}

async fn finish(services: &Services, id: Uuid, outcome: &str, error: Option<String>, summary: Option<Value>) -> Result<(), AppError> {
    job_run::Entity::update_many()
        .col_expr(job_run::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(job_run::Column::Outcome, Expr::value(outcome))
        .col_expr(job_run::Column::Error, Expr::value(error))
        .col_expr(job_run::Column::Summary, Expr::value(summary))
        .filter(job_run::Column::Id.eq(id))
        .exec(&services.db)
        .await?;
    Ok(())
}

/// One job's "running" mark: the in-process entry and, on PostgreSQL, the
/// transaction holding `pg_try_advisory_xact_lock` (ended on release).
struct Guard {
    services: Services,
    job: &'static str,
    lock: Option<DatabaseTransaction>,
}

impl Guard {
    /// `None` when the job is running here or (PostgreSQL) on another replica.
    async fn acquire(services: &Services, job: &'static str) -> Result<Option<Guard>, AppError> {
        if !services.running_jobs.lock().expect("the job set is never poisoned").insert(job) {
            return Ok(None);
        }
        let mut guard = Guard { services: services.clone(), job, lock: None };
        if services.db.get_database_backend() == DatabaseBackend::Postgres {
            let txn = crate::db::begin_write(&services.db).await?;
            let sql = Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_try_advisory_xact_lock($1) AS locked",
                [lock_key(job).into()],
            );
            let locked = txn.query_one_raw(sql).await?.map(|row| row.try_get::<bool>("", "locked")).transpose()?.unwrap_or(false);
            if !locked {
                txn.rollback().await?;
                return Ok(None); // dropping the guard forgets the in-process mark
            }
            guard.lock = Some(txn);
        }
        Ok(Some(guard))
    }

    async fn release(mut self) {
        if let Some(txn) = self.lock.take() {
            if let Err(err) = txn.rollback().await {
                // The connection is closed with the error; PostgreSQL ends the lock with it.
                tracing::warn!(job = self.job, error = %err, "could not end a job's advisory lock");
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.services.running_jobs.lock().expect("the job set is never poisoned").remove(self.job);
    }
}

/// The advisory lock key of a job: the first 8 bytes of a digest of its name.
pub fn lock_key(job: &str) -> i64 {
    let digest = Sha256::digest(format!("hub-job:{job}").as_bytes());
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}
