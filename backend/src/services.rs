//! The handles every layer below the transports needs, built once at start.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    auth::{crypto::MasterKey, jwt::JwtKeys},
    config::Config,
    db,
    events::EventBus,
};

#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub master_key: Arc<MasterKey>,
    pub jwt: JwtKeys,
    pub events: EventBus,
}

impl Services {
    /// Connects, migrates and loads the master key.
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        let master_key = MasterKey::load(&config)?;
        Ok(Self::new(db, config, master_key))
    }

    pub fn new(db: DatabaseConnection, config: Config, master_key: MasterKey) -> Self {
        let jwt = JwtKeys::new(&master_key, config.auth.access_token_ttl_secs);
        Self { db, config: Arc::new(config), master_key: Arc::new(master_key), jwt, events: EventBus::default() }
    }
}
