//! sea-orm entities of Hub: one module per table, generated shape only.
//! Behaviour lives in `backend/src/domain`; these types stay plain data.

pub mod agent_config;
pub mod api_token;
pub mod audit_event;
pub mod backup_code;
pub mod bridge_replay;
pub mod command_approval;
pub mod control_types;
pub mod customer;
pub mod founding_member;
pub mod invitation;
pub mod invoice;
pub mod license;
pub mod licensed_site;
pub mod order;
pub mod password_token;
pub mod payment;
pub mod pending_login;
pub mod plan;
pub mod project;
pub mod provisioning_job;
pub mod provisioning_log;
pub mod refresh_token;
pub mod remote_command;
pub mod session;
pub mod site_stat;
pub mod site_types;
pub mod stripe_customer;
pub mod stripe_event;
pub mod stripe_subscription;
pub mod stripe_types;
pub mod subscription;
pub mod sync_log;
pub mod system_setting;
pub mod tenant_credential;
pub mod tenant_heartbeat;
pub mod token_usage_bucket;
pub mod types;
pub mod user;

pub use control_types::*;
pub use site_types::{LicenseStatus, SiteStatus};
pub use stripe_types::*;
pub use types::{AccountKind, StaffRole};
