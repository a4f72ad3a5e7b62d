//! REST routes, only where the other side fixes the shape: health, readiness,
//! metrics, the public API (founding-member count, orders), the tenant-host
//! shim and the inbound signed bridge, each group with its per-source rate
//! limit; usage and cron shims follow.

pub mod body;
pub mod bridge;
pub mod error;
pub mod health;
pub mod limits;
pub mod orders;
pub mod public;
pub mod tenant;
