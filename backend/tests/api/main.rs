//! Black-box API tests: each starts the real router on port 0 with a fresh
//! database — SQLite by default, PostgreSQL when `HUB_TEST_DATABASE_URL` names an
//! admin URL (a new database is created per test). All compile into one binary.

mod helpers;

mod agents;
mod alert_sources;
mod api_products;
mod api_tokens;
mod approvals;
mod authorization_matrix;
mod billing;
mod bridge;
mod bridge_outbound;
mod customers;
mod demo;
mod fake_child;
mod fixtures;
mod insights;
mod jobs;
mod live_alerts;
mod live_orders;
mod mail;
mod metering;
mod nested_loading;
mod orders;
mod plumbing;
mod preferences;
mod public_orders;
mod rate_limits;
mod sessions;
mod settings_audit;
mod setup_and_login;
mod sites;
mod staff;
mod staff_revocation;
mod stripe_calls;
mod stripe_fake;
mod stripe_invoices;
mod stripe_webhook;
mod subscriptions;
mod tenant;
mod tenant_status;
mod two_factor;
mod usage_check;
mod webhooks;
