//! Tenant hosts (spec 001 §3.3 and §6): the Safety Wrapper on each order's server
//! registers with a one-time token, then authenticates with its hub key to send
//! heartbeats, usage and backup reports and to pull its configuration. Functions
//! past [`credentials::authenticate`] take the order id it resolved, never one
//! from the request.

pub mod credentials;
pub mod heartbeat;
pub mod liveness;
pub mod read;
pub mod status;
pub mod usage;

pub use credentials::{authenticate, issue_registration_token, register, Registration};
