//! sea-orm entities of Hub: one module per table, generated shape only.
//! Behaviour lives in `backend/src/domain`; these types stay plain data.

pub mod agent_config;
pub mod alert;
pub mod api_token;
pub mod audit_event;
pub mod backup_code;
pub mod bridge_replay;
pub mod command_approval;
pub mod control_types;
pub mod customer;
pub mod founding_member;
pub mod invitation;
pub mod order;
pub mod password_token;
pub mod pending_login;
pub mod plan;
pub mod project;
pub mod provisioning_job;
pub mod provisioning_log;
pub mod refresh_token;
pub mod remote_command;
pub mod session;
pub mod site_stat;
pub mod subscription;
pub mod sync_log;
pub mod system_setting;
pub mod tenant_credential;
pub mod tenant_heartbeat;
pub mod token_usage_bucket;
pub mod types;
pub mod user;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_types;

pub use control_types::*;
pub use types::{AccountKind, StaffRole};
pub use webhook_types::{AlertSeverity, WebhookDeliveryStatus, WebhookEvent};
