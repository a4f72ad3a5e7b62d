//! The usage check's key cache: secret-key hash → project, mode and tier limits.
//! Bounded, with a time to live as a backstop; dropped whole on every
//! `ApiProductChanged` event (keys or tiers changed on any replica). Unknown
//! hashes are cached too, so a flood of wrong keys costs no reads.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{api_key, api_project, api_tier, ApiMode, ApiProjectKind};
use moka::sync::Cache;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{domain::api_products::secrets, error::AppError};

/// What one secret key resolves to.
#[derive(Debug)]
pub struct ResolvedKey {
    pub key_id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub kind: ApiProjectKind,
    /// End of a rotated key's grace period.
    pub expires_at: Option<DateTime<Utc>>,
    /// The mode's tiers: name → calls per period (`None`: unlimited).
    pub tiers: HashMap<String, Option<i64>>,
}

impl ResolvedKey {
    fn usable(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|end| now < end)
    }
}

pub struct KeyCache {
    entries: Cache<String, Option<Arc<ResolvedKey>>>,
    /// Bumped by every invalidation; a load started before one is not cached.
    generation: Mutex<u64>,
}

impl KeyCache {
    pub fn new(ttl: Duration, capacity: u64) -> Self {
        Self { entries: Cache::builder().max_capacity(capacity).time_to_live(ttl).build(), generation: Mutex::new(0) }
    }

    /// The key `secret` names, if it exists, is not revoked and (after a
    /// rotation) is still in its grace period; otherwise UNAUTHORIZED.
    pub async fn resolve(&self, db: &DatabaseConnection, secret: &str, now: DateTime<Utc>) -> Result<Arc<ResolvedKey>, AppError> {
        let Some(mode) = secrets::secret_mode(secret) else {
            return Err(AppError::Unauthorized("a secret key (sk_test_… or sk_live_…) is required".into()));
        };
        let hash = secrets::hash(secret);
        let entry = match self.entries.get(&hash) {
            Some(entry) => entry,
            None => {
                let generation = *self.generation.lock().expect("generation lock");
                let loaded = load(db, &hash).await?;
                let current = self.generation.lock().expect("generation lock");
                if *current == generation {
                    self.entries.insert(hash, loaded.clone());
                }
                loaded
            }
        };
        match entry {
            Some(key) if key.mode == mode && key.usable(now) => Ok(key),
            _ => Err(AppError::Unauthorized("invalid, revoked or expired API key".into())),
        }
    }

    /// Forgets everything: keys or tiers changed somewhere.
    pub fn invalidate_all(&self) {
        let mut generation = self.generation.lock().expect("generation lock");
        *generation += 1;
        self.entries.invalidate_all();
    }
}

async fn load(db: &DatabaseConnection, hash: &str) -> Result<Option<Arc<ResolvedKey>>, AppError> {
    let Some(key) =
        api_key::Entity::find().filter(api_key::Column::SecretHash.eq(hash)).filter(api_key::Column::RevokedAt.is_null()).one(db).await?
    else {
        return Ok(None);
    };
    let Some(project) = api_project::Entity::find_by_id(key.project_id).one(db).await? else {
        return Ok(None);
    };
    let tiers = api_tier::Entity::find()
        .filter(api_tier::Column::ProjectId.eq(key.project_id))
        .filter(api_tier::Column::Mode.eq(key.mode))
        .all(db)
        .await?
        .into_iter()
        .map(|tier| (tier.name, tier.usage_limit))
        .collect();
    Ok(Some(Arc::new(ResolvedKey {
        key_id: key.id,
        project_id: key.project_id,
        mode: key.mode,
        kind: project.kind,
        expires_at: key.expires_at,
        tiers,
    })))
}
