//! Black-box API tests: each starts the real router on port 0 with a fresh
//! database — SQLite by default, PostgreSQL when `HUB_TEST_DATABASE_URL` names an
//! admin URL (a new database is created per test). All compile into one binary.

mod helpers;

mod agents;
mod api_tokens;
mod approvals;
mod authorization_matrix;
mod billing;
mod bridge;
mod customers;
mod demo;
mod fixtures;
mod nested_loading;
mod orders;
mod plumbing;
mod rate_limits;
mod sessions;
mod settings_audit;
mod setup_and_login;
mod staff;
mod subscriptions;
mod tenant;
mod two_factor;
mod webhooks;
