//! The GraphQL API: thin resolvers over `domain`, one module per area, merged
//! into one schema. `schema.graphql` at the repo root is this schema printed.

pub mod agents;
pub mod alerts;
pub mod api_products;
pub mod api_tokens;
pub mod approvals;
pub mod billing;
pub mod connection;
pub mod context;
pub mod customers;
pub mod error;
pub mod identity;
pub mod insights;
pub mod live_types;
pub mod loaders;
pub mod nested;
pub mod notifications;
pub mod order_types;
pub mod orders;
pub mod payments;
pub mod preferences;
pub mod projects;
pub mod settings;
pub mod sites;
pub mod staff;
pub mod subscription;
pub mod tenant_server;
pub mod transport;
pub mod two_factor;
pub mod types;
pub mod usage;
pub mod webhooks;

use async_graphql::{MergedObject, SDLExportOptions, Schema};

use crate::{auth::rate_limit::Limiter, config::Config, Services};

#[derive(MergedObject, Default)]
pub struct Query(
    identity::IdentityQuery,
    preferences::PreferencesQuery,
    staff::StaffQuery,
    api_tokens::ApiTokenQuery,
    customers::CustomerQuery,
    billing::BillingQuery,
    orders::OrderQuery,
    agents::AgentQuery,
    approvals::ApprovalQuery,
    settings::SettingsQuery,
    projects::ProjectQuery,
    sites::SiteQuery,
    webhooks::WebhookQuery,
    alerts::AlertQuery,
    notifications::NotificationQuery,
    usage::UsageQuery,
    api_products::ApiProductsQuery,
    insights::InsightsQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    identity::IdentityMutation,
    preferences::PreferencesMutation,
    two_factor::TwoFactorMutation,
    staff::StaffMutation,
    api_tokens::ApiTokenMutation,
    customers::CustomerMutation,
    billing::BillingMutation,
    orders::OrderMutation,
    agents::AgentMutation,
    approvals::ApprovalMutation,
    settings::SettingsMutation,
    projects::ProjectMutation,
    payments::PaymentsMutation,
    sites::SiteMutation,
    webhooks::WebhookMutation,
    alerts::AlertMutation,
    notifications::NotificationMutation,
    api_products::ApiProductsMutation,
);

pub type HubSchema = Schema<Query, Mutation, subscription::Subscription>;

/// The stricter limiter for `login` and `verifyTwoFactor`, kept in schema data.
#[derive(Clone)]
pub struct AuthLimiter(pub Limiter);

/// Builds the schema with its limits; `services` is `None` only for printing SDL.
pub fn build(services: Option<Services>) -> HubSchema {
    let limits = services.as_ref().map(|s| s.config.graphql.clone()).unwrap_or_else(|| Config::default().graphql);
    let (depth, complexity) = (limits.max_depth, limits.max_complexity);
    let mut builder = Schema::build(Query::default(), Mutation::default(), subscription::Subscription)
        .limit_depth(depth)
        .limit_complexity(complexity)
        .limit_recursive_depth(32)
        .limit_directives(50);
    if let Some(services) = services {
        let limiter = Limiter::per_minute(services.config.rate_limit.auth_per_minute);
        limiter.spawn_pruner(std::time::Duration::from_secs(60));
        builder = builder.data(AuthLimiter(limiter)).data(services);
    }
    builder.finish()
}

/// The schema as SDL, the text of `schema.graphql`.
pub fn sdl() -> String {
    build(None).sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items())
}
