//! The signed bridge (spec 000, CONTRACT.md §3): child API projects registered
//! by staff, the signature check of their inbound calls (with a replay memory
//! in the database), their heartbeats and site telemetry, and the sync log.

pub mod calls;
pub mod inbound;
pub mod registry;
pub mod signature;
pub mod sync_log;
pub mod telemetry;

pub use registry::{ProjectSecret, ProjectView};
