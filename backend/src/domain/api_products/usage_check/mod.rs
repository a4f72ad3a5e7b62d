//! The usage check (spec 003, CONTRACT §3): `POST /api/data` counts one call of
//! an end user against their tier's limit for the current period and answers
//! whether it is allowed; `GET /api/usage` reads the count.
//!
//! Fast path: the secret key resolves from a cache ([`keys`]); the increment
//! joins the next group commit ([`batch`]), which answers only after its
//! transaction committed. Never more calls than the limit are admitted, on one
//! replica or several, on SQLite or PostgreSQL.

mod batch;
pub mod keys;
pub mod period;

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use entity::{api_end_user, api_usage_counter, ApiProjectKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::{broadcast::error::RecvError, mpsc, oneshot};

use self::{batch::Pending, keys::KeyCache, period::Period};
use crate::{error::AppError, events::Event, Services};

/// The most characters of an `X-User-Id` or `X-User-Plan`.
pub const MAX_ID_CHARS: usize = 128;

/// The answer to one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    /// Calls counted this period, this one included when allowed.
    pub count: i64,
    /// `None`: unlimited.
    pub limit: Option<i64>,
    pub tier: String,
    pub period: Period,
}

/// One replica's usage check: its key cache and its group-commit queue.
pub struct UsageCheck {
    services: Services,
    keys: Arc<KeyCache>,
    queue: mpsc::Sender<Pending>,
}

impl UsageCheck {
    /// Starts the batching task and the cache invalidation listener.
    pub fn start(services: &Services) -> Arc<Self> {
        let config = &services.config.usage_check;
        let keys = Arc::new(KeyCache::new(Duration::from_secs(config.key_cache_secs), config.key_cache_entries));
        let (queue, receiver) = mpsc::channel(config.queue_capacity.max(1));
        tokio::spawn(batch::run(services.db.clone(), receiver, config.max_batch.max(1)));
        tokio::spawn(invalidate_on_change(services.events.subscribe(), Arc::downgrade(&keys)));
        Arc::new(Self { services: services.clone(), keys, queue })
    }

    /// Counts one call of `user` (plan `plan` unless one is stored for them) and
    /// answers once the count is durable.
    pub async fn check(&self, secret: &str, user: &str, plan: Option<&str>) -> Result<Verdict, AppError> {
        let key = self.keys.resolve(&self.services.db, secret, Utc::now()).await?;
        saas_only(key.kind)?;
        let (user, plan) = validate(user, plan)?;
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Pending { key, user, plan, reply })
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the usage-check queue is closed")))?;
        answer.await.map_err(|_| AppError::Internal(anyhow::anyhow!("the usage-check batch was dropped")))?
    }

    /// The count of `user` this period, without counting; `allowed` tells
    /// whether the next call would be.
    pub async fn peek(&self, secret: &str, user: &str, plan: Option<&str>) -> Result<Verdict, AppError> {
        let now = Utc::now();
        let db = &self.services.db;
        let key = self.keys.resolve(db, secret, now).await?;
        saas_only(key.kind)?;
        let (user, plan) = validate(user, plan)?;
        let stored = api_end_user::Entity::find()
            .filter(api_end_user::Column::ProjectId.eq(key.project_id))
            .filter(api_end_user::Column::Mode.eq(key.mode))
            .filter(api_end_user::Column::ExternalId.eq(&user))
            .one(db)
            .await?;
        let tier = match (stored.as_ref().and_then(|u| u.tier_name.clone()), plan) {
            (Some(tier), _) | (None, Some(tier)) => tier,
            (None, None) => return Err(AppError::invalid("X-User-Plan", "is required for a user without a stored plan")),
        };
        let Some(&limit) = key.tiers.get(&tier) else {
            return Err(AppError::invalid("X-User-Plan", format!("this project has no tier named \"{tier}\"")));
        };
        let period = Period::current(now, stored.as_ref().and_then(|u| u.current_period_start.zip(u.current_period_end)));
        let count = match &stored {
            Some(user) => api_usage_counter::Entity::find_by_id((user.id, period.start)).one(db).await?.map_or(0, |c| c.count),
            None => 0,
        };
        Ok(Verdict { allowed: limit.is_none_or(|limit| count < limit), count, limit, tier, period })
    }
}

fn saas_only(kind: ApiProjectKind) -> Result<(), AppError> {
    match kind {
        ApiProjectKind::Saas => Ok(()),
        ApiProjectKind::Store => Err(AppError::Forbidden("usage checks are for SaaS projects; this key belongs to a store".into())),
    }
}

fn validate(user: &str, plan: Option<&str>) -> Result<(String, Option<String>), AppError> {
    let ok = |value: &str| !value.is_empty() && value.chars().count() <= MAX_ID_CHARS && !value.chars().any(char::is_control);
    let mut errors = Vec::new();
    if !ok(user) {
        errors.push(crate::error::FieldError::new("X-User-Id", format!("must be 1 to {MAX_ID_CHARS} characters")));
    }
    if plan.is_some_and(|plan| !ok(plan)) {
        errors.push(crate::error::FieldError::new("X-User-Plan", format!("must be 1 to {MAX_ID_CHARS} characters")));
    }
    AppError::check_fields(errors)?;
    Ok((user.to_owned(), plan.map(str::to_owned)))
}

/// Drops the key cache whenever keys or tiers change on any replica; also
/// after missing events (lagged), since one of them may have been a change.
async fn invalidate_on_change(mut events: tokio::sync::broadcast::Receiver<Event>, keys: std::sync::Weak<KeyCache>) {
    loop {
        let event = events.recv().await;
        let Some(keys) = keys.upgrade() else { return };
        match event {
            Ok(Event::ApiProductChanged(_)) | Err(RecvError::Lagged(_)) => keys.invalidate_all(),
            Ok(_) => {}
            Err(RecvError::Closed) => return,
        }
    }
}
