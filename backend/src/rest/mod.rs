//! REST routes, only where the other side fixes the shape: health, readiness,
//! metrics, the public API (founding-member count, orders), the tenant-host
//! shim, the inbound signed bridge and the Stripe webhook, each machine-facing
//! group with its per-source rate limit, and the cron route for external
//! schedulers, and the API products' usage check.

pub mod api_products;
pub mod body;
pub mod bridge;
pub mod cron;
pub mod error;
pub mod health;
pub mod limits;
pub mod orders;
pub mod public;
pub mod stripe;
pub mod tenant;
pub mod usage_check;
