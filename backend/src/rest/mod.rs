//! REST routes, only where the other side fixes the shape. For now: health,
//! readiness, metrics, the public founding-member count, the tenant-host shim,
//! the inbound signed bridge and the Stripe webhook; usage and cron shims follow.

pub mod body;
pub mod bridge;
pub mod error;
pub mod health;
pub mod public;
pub mod stripe;
pub mod tenant;
