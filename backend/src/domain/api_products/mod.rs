//! API products (spec 003): a customer's projects (SaaS tiers with usage limits,
//! or Store products with inventory), their test and live key sets, end users,
//! and the usage check their apps call on every request.
//!
//! Secret keys are shown once and stored as SHA-256 ([`secrets`]). Whoever
//! changes a project's keys or tiers calls [`announce_change`] after commit, so
//! every replica's usage check forgets what it cached about the project.

pub mod checkout;
pub mod end_users;
pub mod keys;
pub mod products;
pub mod projects;
pub mod secrets;
pub mod tiers;
pub mod usage_check;

use uuid::Uuid;

use crate::{
    events::{ApiProductChange, Event},
    Services,
};

/// Tells every replica (after commit) that `project_id`'s keys or tiers changed.
pub fn announce_change(services: &Services, project_id: Uuid) {
    services.events.publish(Event::ApiProductChanged(ApiProductChange { project_id }));
}
