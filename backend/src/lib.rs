//! Hub: the control plane of a SaaS business, as a library the `hub` binary mounts.
//!
//! Layers, top to bottom (no import runs back up):
//! - [`app`], [`graphql`], [`rest`]: transports; they translate and never decide.
//! - [`domain`]: the rules, each operation taking a capability from [`auth`].
//! - [`jobs`]: background work (the webhook outbox and mail workers), over `domain` and [`integrations`].
//! - [`integrations`]: the wire side of outbound calls (bridge, Stripe, webhooks, SMTP), used by `domain`.
//! - [`auth`], [`events`]: who is asking and what they may do; the event bus.
//! - `entity`, `migration` crates: tables.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod integrations;
pub mod jobs;
pub mod rest;
pub mod services;
pub mod telemetry;

pub use error::AppError;
pub use services::Services;
