//! The handles every layer below the transports needs, built once at start.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    auth::{crypto::MasterKey, jwt::JwtKeys},
    config::Config,
    db,
    events::EventBus,
    integrations::{mail::Mailer, stripe::StripeApi},
};

#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub master_key: Arc<MasterKey>,
    pub jwt: JwtKeys,
    pub events: EventBus,
    /// The one outbound HTTP client (bridge calls, tenant webhooks): pooled
    /// connections and bounded timeouts so a slow peer cannot hold a worker.
    pub http: reqwest::Client,
    /// The Stripe API client (unconfigured without `stripe.secret_key`).
    pub stripe: StripeApi,
    /// Wakes this replica's webhook worker after a commit that enqueued a delivery.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// The SMTP relay; `None` when mail is off (no `mail.smtp_url`).
    pub mailer: Option<Mailer>,
    /// Wakes this replica's mail worker after a commit that enqueued mail.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// The scheduled jobs running in this process (jobs/runner.rs): one run of a
    /// job at a time per replica; PostgreSQL advisory locks add across replicas.
    pub running_jobs: Arc<std::sync::Mutex<std::collections::HashSet<&'static str>>>,
}

impl Services {
    /// Connects, migrates, loads the master key and (on PostgreSQL) joins the
    /// event bus of the other replicas.
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        StripeApi::new(&config.stripe).map_err(anyhow::Error::msg)?;
        mailer(&config).map_err(anyhow::Error::msg)?;
        if !config.mail.enabled() {
            tracing::info!("mail is off (no mail.smtp_url): nobody is mailed and nothing is queued");
        }
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        let master_key = MasterKey::load(&config)?;
        let services = Self::new(db, config, master_key);
        crate::events::replicas::start(&services.db, &services.events).await;
        Ok(services)
    }

    pub fn new(db: DatabaseConnection, config: Config, master_key: MasterKey) -> Self {
        let jwt = JwtKeys::new(&master_key, config.auth.access_token_ttl_secs);
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(15))
            .user_agent(concat!("hub/", env!("CARGO_PKG_VERSION")))
            // A signed request is bound to its URL, and a webhook answered with a
            // redirect counts as failed (Standard Webhooks): never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("the TLS backend initialises");
        // `start` has checked the Stripe settings; here a bad one leaves Stripe unconfigured.
        let stripe = StripeApi::new(&config.stripe).unwrap_or_else(|err| {
            tracing::error!(error = %err, "Stripe is unusable with these settings");
            StripeApi::new(&Default::default()).expect("an unconfigured client always builds")
        });
        Self {
            db,
            master_key: Arc::new(master_key),
            jwt,
            events: EventBus::default(),
            http,
            stripe,
            outbox_wake: Arc::default(),
            mailer: mailer(&config).unwrap_or_else(|err| {
                tracing::error!(error = %err, "mail is unusable with these settings");
                None
            }),
            mail_wake: Arc::default(),
            config: Arc::new(config),
            running_jobs: Arc::default(),
        }
    }
}

/// The SMTP relay the mail settings describe, if any.
fn mailer(config: &Config) -> Result<Option<Mailer>, String> {
    match &config.mail.smtp_url {
        Some(url) if config.mail.enabled() => Mailer::new(url.expose(), &config.mail.from).map(Some),
        _ => Ok(None),
    }
}
