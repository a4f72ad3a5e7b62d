//! Background work. Each job's unit of work is a plain function (so a scheduler,
//! a cron route or a test can run it on its own); `spawn` wraps it in a loop.
//!
//! - [`catalog`]: the table of scheduled jobs (name, default schedule, work);
//!   billing jobs are added there.
//! - [`runner`]: runs one job for one slot, once across replicas.
//! - [`scheduler`]: fires the jobs on their cron schedules inside `hub serve`.
//! - [`outbox`]: the webhook delivery worker.

pub mod catalog;
pub mod mail;
pub mod outbox;
pub mod runner;
pub mod scheduler;

pub use catalog::{find, Job, JOBS};
pub use runner::{run, RunReport, RunStatus, Trigger};

use std::future::Future;

use crate::Services;

/// Runs `attempt` on every claimed item at once and waits for them all;
/// answers how many there were. A task that panics is logged (its lease runs
/// out and the item is claimed again), the others go on.
pub(crate) async fn attempt_all<T, F, Fut>(services: &Services, claimed: Vec<T>, worker: &'static str, attempt: F) -> usize
where
    T: Send + 'static,
    F: Fn(Services, T) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let count = claimed.len();
    let mut tasks = tokio::task::JoinSet::new();
    for one in claimed {
        tasks.spawn(attempt(services.clone(), one));
    }
    while let Some(joined) = tasks.join_next().await {
        if let Err(err) = joined {
            tracing::error!(error = %err, worker, "a send task failed");
        }
    }
    count
}
