//! One module per route.

pub mod accept_invitation;
pub mod agents;
pub mod alerts;
pub mod api_products;
pub mod approvals;
pub mod audit;
pub mod billing;
pub mod billing_period;
pub mod customers;
pub mod dashboard;
pub mod insights;
pub mod login;
pub mod not_found;
pub mod orders;
pub mod preferences;
pub mod projects;
pub mod security;
pub mod set_password;
pub mod settings;
pub mod setup;
pub mod sites;
pub mod staff;
pub mod sync_log;
pub mod usage;
pub mod webhooks;
