//! sea-orm entities of Hub: one module per table, generated shape only.
//! Behaviour lives in `backend/src/domain`; these types stay plain data.

pub mod api_token;
pub mod audit_event;
pub mod backup_code;
pub mod invitation;
pub mod pending_login;
pub mod refresh_token;
pub mod session;
pub mod system_setting;
pub mod types;
pub mod user;

pub use types::{AccountKind, StaffRole};
