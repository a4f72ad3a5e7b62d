//! REST routes, only where the other side fixes the shape. For now: health,
//! readiness, metrics, the public founding-member count and the tenant-host shim;
//! the bridge, Stripe, usage and cron shims follow.

pub mod error;
pub mod health;
pub mod public;
pub mod tenant;
