//! Background work. Each job's unit of work is a plain function (so a scheduler,
//! a cron route or a test can run it on its own); `spawn` wraps it in a loop.
//!
//! - [`catalog`]: the table of scheduled jobs (name, default schedule, work);
//!   billing jobs are added there.
//! - [`runner`]: runs one job for one slot, once across replicas.
//! - [`scheduler`]: fires the jobs on their cron schedules inside `hub serve`.
//! - [`outbox`]: the webhook delivery worker.

pub mod catalog;
pub mod outbox;
pub mod runner;
pub mod scheduler;

pub use catalog::{find, Job, JOBS};
pub use runner::{run, RunReport, RunStatus, Trigger};
