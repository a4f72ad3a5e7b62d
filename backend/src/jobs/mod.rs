//! Background work. Each job's unit of work is a plain function (so a scheduler,
//! a cron route or a test can run it on its own); `spawn` wraps it in a loop.

pub mod mail;
pub mod outbox;
