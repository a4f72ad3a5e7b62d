//! Outbound integrations: the HTTP side of calls Hub makes to other systems.
//! They know transports and wire formats, never rules; `domain/` calls them.

pub mod bridge;
pub mod stripe;
