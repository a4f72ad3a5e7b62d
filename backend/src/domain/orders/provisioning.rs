//! Provisioning runs: `provision` claims the order (conditional update) and
//! records a RUNNING job in one transaction, then a background task runs the
//! driver, persisting its log lines as they come and the outcome at the end.

use std::{
    sync::{
        atomic::{AtomicI32, Ordering},
        Arc,
    },
    time::Duration,
};

use chrono::Utc;
use entity::{order, provisioning_job, provisioning_log, JobStatus, LogLevel, OrderStatus};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::{
    bridge_driver::BridgeDriver,
    driver::{ProvisionFailure, ProvisionRequest, Provisioner, ServerDetails, SimulatedDriver},
    find_reachable, lifecycle,
    live::announce_log_line,
    tools_of, transition,
};
use crate::{
    auth::{capability::ManageOrders, Cap, RequestMeta},
    config::ProvisioningDriver,
    domain::audit,
    error::AppError,
    Services,
};

/// The driver new runs use: `provisioning.driver` of the configuration.
pub fn driver(services: &Services) -> Arc<dyn Provisioner> {
    let config = &services.config.provisioning;
    match config.driver {
        ProvisioningDriver::Simulated => Arc::new(SimulatedDriver { step: Duration::from_millis(config.simulated_step_ms) }),
        ProvisioningDriver::Bridge => Arc::new(BridgeDriver { services: services.clone(), project: config.bridge_project.clone() }),
    }
}

/// The log of one running job: appends lines with increasing `seq`.
pub struct JobLog {
    services: Services,
    job_id: Uuid,
    order_id: Uuid,
    customer_id: Uuid,
    next_seq: AtomicI32,
}

impl JobLog {
    /// Persists one line at once, then publishes it to live viewers: every
    /// provisioning log line is written here.
    pub async fn line(&self, level: LogLevel, message: impl Into<String>) -> Result<(), AppError> {
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst);
        let message = message.into();
        provisioning_log::ActiveModel {
            id: Set(Uuid::new_v4()),
            job_id: Set(self.job_id),
            order_id: Set(self.order_id),
            seq: Set(seq),
            level: Set(level),
            message: Set(message.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(&self.services.db)
        .await?;
        announce_log_line(&self.services, self.order_id, self.customer_id, self.job_id, seq, level, &message);
        Ok(())
    }
}

/// Starts provisioning an order that is PAYMENT_CONFIRMED, AWAITING_DNS or FAILED
/// and has no run in progress; returns the RUNNING job.
pub async fn provision(
    services: &Services,
    cap: &Cap<ManageOrders>,
    order_id: Uuid,
    meta: &RequestMeta,
) -> Result<provisioning_job::Model, AppError> {
    let order = find_reachable(&services.db, cap, order_id).await?;
    start(services, Some(cap.user_id()), order, meta).await
}

/// Starts a run of `order`, already read and reached; `actor_id` is `None` when
/// Hub itself starts it (an AUTO order from a Stripe checkout).
pub(crate) async fn start(
    services: &Services,
    actor_id: Option<Uuid>,
    order: order::Model,
    meta: &RequestMeta,
) -> Result<provisioning_job::Model, AppError> {
    let order_id = order.id;
    lifecycle::check(order.status, OrderStatus::Provisioning)?;
    let driver = driver(services);
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    // The claim comes first: of two concurrent calls exactly one moves the order.
    let clear_failure = vec![(order::Column::FailureReason, Expr::value(Option::<String>::None))];
    let change = transition(&txn, order_id, order.status, OrderStatus::Provisioning, clear_failure).await?;
    let active = provisioning_job::Entity::find()
        .filter(provisioning_job::Column::OrderId.eq(order_id))
        .filter(provisioning_job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .count(&txn)
        .await?;
    if active > 0 {
        return Err(AppError::Conflict("a provisioning run of this order is already in progress".into()));
    }
    let job = provisioning_job::ActiveModel {
        id: Set(Uuid::new_v4()),
        order_id: Set(order_id),
        driver: Set(driver.name().to_owned()),
        status: Set(JobStatus::Running),
        error: Set(None),
        created_at: Set(now),
        started_at: Set(Some(now)),
        finished_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let details = json!({ "jobId": job.id, "driver": job.driver, "from": order.status });
    let entry = audit::Entry::new(actor_id, "order.provisioning_started", meta).target("order", order_id).details(details);
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    change.announce(services, order.customer_id);

    let request = ProvisionRequest {
        order_id,
        customer_id: order.customer_id,
        tier: order.tier.clone(),
        domain: order.domain.clone(),
        tools: tools_of(&order),
    };
    let log = JobLog { services: services.clone(), job_id: job.id, order_id, customer_id: order.customer_id, next_seq: AtomicI32::new(0) };
    tokio::spawn(run(driver, request, log));
    Ok(job)
}

/// Runs the driver to its end and records the outcome.
async fn run(driver: Arc<dyn Provisioner>, request: ProvisionRequest, log: JobLog) {
    let outcome = driver.run(&request, &log).await;
    if let Err(err) = finish(&log, outcome).await {
        tracing::error!(job_id = %log.job_id, order_id = %log.order_id, error = ?err, "could not record the provisioning outcome");
    }
}

/// Job SUCCEEDED and order FULFILLED with its server details, or job FAILED and
/// order FAILED with the reason. An order cancelled meanwhile stays CANCELLED.
async fn finish(log: &JobLog, outcome: Result<ServerDetails, ProvisionFailure>) -> Result<(), AppError> {
    let services = &log.services;
    let now = Utc::now();
    let (job_status, error, to, extra, action) = match &outcome {
        Ok(server) => (
            JobStatus::Succeeded,
            None,
            OrderStatus::Fulfilled,
            vec![
                (order::Column::FulfilledAt, Expr::value(now)),
                (order::Column::ServerIp, Expr::value(server.server_ip.clone())),
                (order::Column::SshPort, Expr::value(server.ssh_port)),
                (order::Column::DashboardUrl, Expr::value(server.dashboard_url.clone())),
                (order::Column::FailureReason, Expr::value(Option::<String>::None)),
            ],
            "order.fulfilled",
        ),
        Err(ProvisionFailure(reason)) => (
            JobStatus::Failed,
            Some(reason.clone()),
            OrderStatus::Failed,
            vec![(order::Column::FailureReason, Expr::value(reason.clone()))],
            "order.provisioning_failed",
        ),
    };
    // Written before the transaction (on SQLite the pool insert would wait for its
    // write lock), and best effort: the outcome must be recorded even if the log cannot be.
    let summary = match &outcome {
        Ok(server) => log.line(LogLevel::Info, format!("Provisioning finished: {} is ready", server.dashboard_url)).await,
        Err(ProvisionFailure(reason)) => log.line(LogLevel::Error, format!("Provisioning failed: {reason}")).await,
    };
    if let Err(err) = summary {
        tracing::warn!(job_id = %log.job_id, error = %err, "could not write the last provisioning log line");
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let moved = transition(&txn, log.order_id, OrderStatus::Provisioning, to, extra).await;
    provisioning_job::Entity::update_many()
        .col_expr(provisioning_job::Column::Status, Expr::value(job_status))
        .col_expr(provisioning_job::Column::Error, Expr::value(error.clone()))
        .col_expr(provisioning_job::Column::FinishedAt, Expr::value(now))
        .filter(provisioning_job::Column::Id.eq(log.job_id))
        .exec(&txn)
        .await?;
    let meta = RequestMeta::default();
    let details = json!({ "jobId": log.job_id, "error": error });
    audit::record(&txn, audit::Entry::new(None, action, &meta).target("order", log.order_id).details(details)).await?;
    txn.commit().await?;
    match moved {
        Ok(change) => {
            change.announce(services, log.customer_id);
            Ok(())
        }
        Err(AppError::Conflict(_)) => {
            log.line(LogLevel::Warn, "The order changed while provisioning ran; its status was left as it is").await
        }
        Err(other) => Err(other),
    }
}

/// The runs of an order the capability reaches, newest first.
pub async fn jobs<P: crate::auth::Permission>(
    services: &Services,
    cap: &Cap<P>,
    order_id: Uuid,
) -> Result<Vec<provisioning_job::Model>, AppError> {
    find_reachable(&services.db, cap, order_id).await?;
    let jobs = provisioning_job::Entity::find()
        .filter(provisioning_job::Column::OrderId.eq(order_id))
        .order_by_desc(provisioning_job::Column::CreatedAt)
        .order_by_desc(provisioning_job::Column::Id)
        .all(&services.db)
        .await?;
    Ok(jobs)
}
