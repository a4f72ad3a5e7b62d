//! Who is asking and what they may do: passwords, tokens, TOTP, the master key,
//! the authenticated [`Actor`] and the capabilities it can be granted.

pub mod actor;
pub mod authenticate;
pub mod capability;
pub mod crypto;
pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod tokens;
pub mod totp;

pub use actor::{Actor, Principal, RequestMeta};
pub use capability::{Cap, Permission, Scope};
