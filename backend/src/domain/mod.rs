//! The rules of Hub, one module per area. Every operation takes the [`Services`]
//! it needs and, where it is protected, a capability (`&Cap<P>`) from `auth`.
//!
//! [`Services`]: crate::Services

pub mod agents;
pub mod alerts;
pub mod api_products;
pub mod approvals;
pub mod audit;
pub mod audit_log;
pub mod billing;
pub mod customers;
pub mod identity;
pub mod insights;
pub mod mail;
pub mod metering;
pub mod orders;
pub mod page;
pub mod payments;
pub mod projects;
pub mod retention;
pub mod settings;
pub mod sites;
pub mod tenants;
pub mod webhooks;
