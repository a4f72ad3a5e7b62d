//! REST routes, only where the other side fixes the shape. For now: health,
//! readiness, metrics and the public founding-member count; the bridge, tenant, Stripe, usage and cron shims follow.

pub mod error;
pub mod health;
pub mod public;
