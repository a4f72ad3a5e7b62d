//! Token metering and billing (issue 6; spec 001 §4.10, §5, §9; spec 002 §6).
//!
//! A customer's usage is the sum of the hourly buckets of all their orders
//! (`token_usage_buckets`). **Every token the model processed counts**: input +
//! output + cache read + cache write ([`TOKENS_SQL`]); the per-model price
//! table decides what a token costs, so cheaper cache reads are a pricing
//! matter, not a counting one.
//!
//! - [`periods`]: a customer's billing period (their subscription's, else the
//!   calendar month in UTC), its allotment (plan × founding multiplier) and usage.
//! - [`series`]: usage as a time series (hour/day/week/month, per agent/model).
//! - [`summary`]: allotment, used, overage and the forecast of exhaustion.
//! - [`thresholds`]: USAGE_80 / USAGE_100 / USAGE_FORECAST after each ingest.
//! - [`prices`]: the per-model price table (`billing.model_prices`).
//! - [`cycle`]: the `billing-cycle` job (close, price, invoice, open the next).
//! - [`reminders`]: the `payment-reminders` job.
//! - [`read`]: billing periods for the API.

pub mod cycle;
pub mod periods;
pub mod prices;
pub mod read;
pub mod reminders;
pub mod series;
pub mod summary;
pub mod thresholds;

pub use cycle::{follow_invoice, run_cycle};
pub use thresholds::after_ingest;

/// The tokens a bucket counts (see the module doc), as SQL over its columns.
pub const TOKENS_SQL: &str = "tokens_input + tokens_output + tokens_cache_read + tokens_cache_write";
