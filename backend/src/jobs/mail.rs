//! The mail worker: queues mails for alerts nobody was mailed about yet, then
//! sends due mails, recording each attempt. It wakes when this replica commits
//! an alert (the event bus) or queues a mail (`mail_wake`), and otherwise polls
//! every `mail.poll_interval_ms`, so work left by other replicas, retries that
//! fell due and mails left by a stopped Hub are all picked up. Every replica may
//! run one: alerts are claimed once and mails are leased.

use std::time::Duration;

use tokio::sync::{broadcast, oneshot};

use super::outbox::Worker;
use crate::{
    domain::mail::{
        alerts::{self, Pass},
        outbox::{self, Claimed, Outcome},
    },
    error::AppError,
    events::Event,
    integrations::mail::Outgoing,
    Services,
};

/// Starts the worker loop on the current runtime.
pub fn spawn(services: Services) -> Worker {
    let (stop, stopped) = oneshot::channel();
    let events = services.events.subscribe();
    let task = tokio::spawn(run(services, events, stopped));
    Worker::from_parts(stop, task)
}

async fn run(services: Services, mut events: broadcast::Receiver<Event>, mut stopped: oneshot::Receiver<()>) {
    let poll = Duration::from_millis(services.config.mail.poll_interval_ms.max(10));
    tracing::info!(poll_ms = poll.as_millis() as u64, "mail worker started");
    loop {
        let more = match run_once(&services).await {
            Ok((pass, sent)) => pass.alerts > 0 || sent > 0,
            Err(err) => {
                tracing::warn!(error = %err, "mail worker: a pass failed");
                false
            }
        };
        // Work done may mean more is due at once: go again unless asked to stop.
        if more && stopped.try_recv().is_err() {
            continue;
        }
        tokio::select! {
            _ = &mut stopped => break,
            _ = services.mail_wake.notified() => {}
            _ = next_alert(&mut events) => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
    tracing::info!("mail worker stopped");
}

/// Resolves when an alert is announced (or some were missed); never if the bus is gone.
async fn next_alert(events: &mut broadcast::Receiver<Event>) {
    loop {
        match events.recv().await {
            Ok(Event::Alert(_)) | Err(broadcast::error::RecvError::Lagged(_)) => return,
            Ok(_) => continue,
            Err(broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
        }
    }
}

/// One pass: queues mails for unmailed alerts, then sends the mails that are
/// due; answers both counts. Runs on its own too (a test or a scheduler can
/// drive mail without the loop).
pub async fn run_once(services: &Services) -> Result<(Pass, usize), AppError> {
    let pass = alerts::notify_due(services).await?;
    let sent = send_due_batch(services).await?;
    Ok((pass, sent))
}

/// Claims the mails that are due and sends them concurrently; answers how many it attempted.
pub async fn send_due_batch(services: &Services) -> Result<usize, AppError> {
    if services.mailer.is_none() {
        return Ok(0);
    }
    let claimed = outbox::claim_due(services).await?;
    Ok(super::attempt_all(services, claimed, "mail worker", |services, one| async move { attempt(&services, one).await }).await)
}

/// Sends one claimed mail and records what happened.
async fn attempt(services: &Services, claimed: Claimed) {
    let Some(mailer) = &services.mailer else { return };
    let mail = &claimed.mail;
    let error = match &claimed.body {
        Ok(body) => mailer.send(Outgoing { id: mail.id, to: &mail.recipient, subject: &mail.subject, body }).await.err(),
        Err(why) => Some(why.clone()),
    };
    match outbox::record(services, &claimed, error).await {
        Ok(outcome) => {
            let label = match outcome {
                Outcome::Sent => "sent",
                Outcome::RetryAt(_) => "retry",
                Outcome::Failed => "failed",
                Outcome::LeaseLost => "lease_lost",
            };
            metrics::counter!("hub_mail_attempts_total", "outcome" => label).increment(1);
            tracing::debug!(mail = %mail.id, attempt = mail.attempts, outcome = label, "mail attempt");
        }
        // Its lease runs out and the mail is claimed again: at least once.
        Err(err) => tracing::warn!(mail = %mail.id, error = %err, "mail worker: could not record an attempt"),
    }
}
