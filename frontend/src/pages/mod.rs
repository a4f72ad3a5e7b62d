//! One module per route.

pub mod accept_invitation;
pub mod dashboard;
pub mod login;
pub mod not_found;
pub mod security;
pub mod setup;
