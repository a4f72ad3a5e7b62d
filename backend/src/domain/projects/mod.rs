//! The signed bridge (spec 000, CONTRACT.md §3): child API projects registered
//! by staff, the signature check of their inbound calls (with a replay memory
//! in the database), their heartbeats and site telemetry, Hub's signed calls
//! to them (health pings and vendor provisioning), and the sync log of both.

pub mod alerts;
pub mod calls;
pub mod inbound;
pub mod outbound;
pub mod ping;
pub mod registry;
pub mod signature;
pub mod staleness;
pub mod sync_log;
pub mod telemetry;
pub mod vendors;

pub use registry::{ProjectSecret, ProjectView};
