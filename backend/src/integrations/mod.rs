//! Outbound integrations: the HTTP side of calls Hub makes to other systems
//! (signed bridge calls, Stripe, signed webhooks, SMTP). They know transports and wire
//! formats, never rules, and touch no database; `domain/` decides and calls them.

pub mod bridge;
pub mod mail;
pub mod stripe;
pub mod webhooks;
