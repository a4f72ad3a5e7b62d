//! Authenticates an inbound bridge call: known project, matching key, fresh
//! timestamp, valid signature, and a signature never seen before. The replay
//! memory is the `bridge_replays` table, so it holds across replicas.

use chrono::{Duration, Utc};
use entity::{bridge_replay, project};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::signature;
use crate::{auth::tokens, error::is_unique_violation, error::AppError, Services};

/// How long a seen signature is remembered (twice the timestamp tolerance).
pub const REPLAY_MEMORY_MINUTES: i64 = 10;

/// The four `X-Mintreu-*` headers as sent (missing ones empty).
#[derive(Debug, Clone, Default)]
pub struct SignedHeaders {
    pub project: String,
    pub key: String,
    pub timestamp: String,
    pub signature: String,
}

/// One inbound request to authenticate.
#[derive(Debug, Clone, Copy)]
pub struct InboundRequest<'a> {
    pub headers: &'a SignedHeaders,
    pub method: &'a str,
    pub path: &'a str,
    pub body: &'a [u8],
}

fn refuse(message: &str) -> AppError {
    AppError::Unauthorized(message.into())
}

/// Said for an unknown slug and for a wrong key alike, so that a caller without
/// a project's key cannot learn which slugs exist. The later refusals (clock,
/// signature, replay) are only reachable with the right key, so they name
/// their cause to help the integrator.
const UNKNOWN_PROJECT_OR_KEY: &str = "unknown project or wrong project key";

/// The project a correctly signed, fresh, first-seen request comes from; any
/// failure is `UNAUTHORIZED`.
pub async fn authenticate(services: &Services, request: InboundRequest<'_>) -> Result<project::Model, AppError> {
    let headers = request.headers;
    let found = project::Entity::find().filter(project::Column::Slug.eq(headers.project.as_str())).one(&services.db).await?;
    let project = found.ok_or_else(|| refuse(UNKNOWN_PROJECT_OR_KEY))?;
    if tokens::digest(&headers.key) != tokens::digest(&project.project_key) {
        return Err(refuse(UNKNOWN_PROJECT_OR_KEY));
    }
    let now = Utc::now();
    if !signature::fresh(&headers.timestamp, now.timestamp()) {
        return Err(refuse("the timestamp is more than 300 s away"));
    }
    let secret = services.master_key.decrypt(&project.secret_encrypted).map_err(AppError::internal)?;
    if !signature::verify(&secret, &headers.timestamp, request.method, request.path, request.body, &headers.signature) {
        return Err(refuse("bad signature"));
    }
    remember(services, &headers.signature.trim().to_ascii_lowercase()).await?;
    Ok(project)
}

async fn remember(services: &Services, signature: &str) -> Result<(), AppError> {
    let now = Utc::now();
    let cutoff = now - Duration::minutes(REPLAY_MEMORY_MINUTES);
    bridge_replay::Entity::delete_many().filter(bridge_replay::Column::CreatedAt.lt(cutoff)).exec(&services.db).await?;
    let row = bridge_replay::ActiveModel { digest: Set(tokens::digest(signature)), created_at: Set(now) };
    match row.insert(&services.db).await {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(refuse("signature already seen (replay)")),
        Err(err) => Err(err.into()),
    }
}
