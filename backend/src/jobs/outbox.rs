//! The webhook outbox worker: claims due deliveries, sends them signed, records
//! each attempt. It wakes when this replica enqueues something (after commit)
//! and otherwise polls every `webhooks.poll_interval_ms`, so deliveries enqueued
//! by other replicas, retries that fell due, and deliveries left by a stopped
//! Hub are all picked up. Every replica may run one; leases keep them apart.

use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::{sync::oneshot, task::JoinHandle};

use crate::{
    domain::webhooks::{
        delivery::{self, AttemptResult, Claimed, Outcome},
        event_name,
    },
    error::AppError,
    integrations::webhooks::{self, Message, Sent},
    Services,
};

/// A running worker. Dropping it aborts the loop; [`Worker::stop`] lets the
/// batch in hand finish first (an aborted send is retried once its lease ends).
pub struct Worker {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Starts the worker loop on the current runtime.
pub fn spawn(services: Services) -> Worker {
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(run(services, stopped));
    Worker { stop: Some(stop), task: Some(task) }
}

impl Worker {
    /// A worker handle for another job's loop (the mail worker shares this one).
    pub(crate) fn from_parts(stop: oneshot::Sender<()>, task: JoinHandle<()>) -> Self {
        Self { stop: Some(stop), task: Some(task) }
    }

    /// Asks the loop to stop after its current batch and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn run(services: Services, mut stopped: oneshot::Receiver<()>) {
    let poll = Duration::from_millis(services.config.webhooks.poll_interval_ms.max(10));
    let batch = services.config.webhooks.batch_size.max(1) as usize;
    tracing::info!(poll_ms = poll.as_millis() as u64, "webhook outbox worker started");
    loop {
        let more = match deliver_due_batch(&services).await {
            Ok(sent) => sent >= batch,
            Err(err) => {
                tracing::warn!(error = %err, "webhook outbox: could not claim deliveries");
                false
            }
        };
        // A full batch may leave more due at once: go again unless asked to stop.
        if more && stopped.try_recv().is_err() {
            continue;
        }
        tokio::select! {
            _ = &mut stopped => break,
            _ = services.outbox_wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
    tracing::info!("webhook outbox worker stopped");
}

/// Claims the deliveries that are due and sends them concurrently, recording
/// every attempt; answers how many it attempted. Runs on its own too (a
/// scheduler or a test can drive the outbox without the loop).
pub async fn deliver_due_batch(services: &Services) -> Result<usize, AppError> {
    let claimed = delivery::claim_due(services).await?;
    Ok(super::attempt_all(services, claimed, "webhook outbox", |services, one| async move { attempt(&services, one).await }).await)
}

/// Sends one claimed delivery and records what happened.
async fn attempt(services: &Services, claimed: Claimed) {
    let started_at = Utc::now();
    let clock = Instant::now();
    let delivery = &claimed.delivery;
    let sent = match &claimed.secret {
        Ok(secret) => {
            let body = delivery.payload.to_string();
            let id = delivery.id.to_string();
            let message = Message {
                url: &claimed.url,
                id: &id,
                event: event_name(delivery.event),
                body: body.as_bytes(),
                secret,
                timestamp: Utc::now().timestamp(),
            };
            webhooks::send(&services.http, message).await
        }
        Err(why) => Sent { error: Some(why.clone()), ..Sent::default() },
    };
    let result =
        AttemptResult { started_at, duration: clock.elapsed(), status: sent.status, error: sent.error, retry_after: sent.retry_after };
    match delivery::record(services, &claimed, &result).await {
        Ok(outcome) => {
            let label = match outcome {
                Outcome::Delivered => "delivered",
                Outcome::RetryAt(_) => "retry",
                Outcome::Failed => "failed",
                Outcome::LeaseLost => "lease_lost",
            };
            metrics::counter!("hub_webhook_attempts_total", "outcome" => label).increment(1);
            tracing::debug!(delivery = %delivery.id, attempt = delivery.attempts, outcome = label, "webhook attempt");
        }
        Err(err) => {
            // Its lease runs out and the delivery is claimed again: at least once.
            tracing::warn!(delivery = %delivery.id, error = %err, "webhook outbox: could not record an attempt");
        }
    }
}
