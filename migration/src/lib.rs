//! Hub's schema migrations. One file per migration; a landed file is never edited,
//! a change is a new migration.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_identity;
mod m20261122_000002_control_plane;
mod m20261122_000003_tenant_hosts;
mod m20261122_000004_bridge;
mod m20261122_000005_sites;
mod m20261122_000006_webhooks;
mod m20261122_000007_stripe;
mod m20261122_000008_jobs;
mod m20261122_000009_mail;
mod m20261122_000010_api_products;
mod m20261122_000011_metering;
mod m20261122_000012_insights;
mod m20261122_000013_api_commerce;
mod m20261207_000014_user_preferences;

/// Runs every migration in order; `hub serve` and `hub migrate` call it at start.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_identity::Migration),
            Box::new(m20261122_000002_control_plane::Migration),
            Box::new(m20261122_000003_tenant_hosts::Migration),
            Box::new(m20261122_000004_bridge::Migration),
            Box::new(m20261122_000005_sites::Migration),
            Box::new(m20261122_000006_webhooks::Migration),
            Box::new(m20261122_000007_stripe::Migration),
            Box::new(m20261122_000008_jobs::Migration),
            Box::new(m20261122_000009_mail::Migration),
            Box::new(m20261122_000010_api_products::Migration),
            Box::new(m20261122_000011_metering::Migration),
            Box::new(m20261122_000012_insights::Migration),
            Box::new(m20261122_000013_api_commerce::Migration),
            Box::new(m20261207_000014_user_preferences::Migration),
        ]
    }
}
