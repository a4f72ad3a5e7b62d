//! `POST /api/v1/cron/{job}` (spec 001 §9): an external scheduler (system cron,
//! a Kubernetes CronJob) runs one of Hub's jobs. Guarded by `cron.secret`, sent
//! as `Authorization: Bearer <secret>`; the route is not mounted without one.
//! A call runs the job for the current minute: a second call in the same
//! minute (or the built-in scheduler's tick of that minute) finds the slot
//! taken and answers `ALREADY_RAN` without running it again.

use axum::{
    extract::{Path, State},
    http::{header::AUTHORIZATION, HeaderMap},
    Json,
};
use chrono::{DurationRound, TimeDelta, Utc};
use serde_json::{json, Value};

use crate::{
    auth::tokens,
    error::AppError,
    jobs::{self, Trigger},
    Services,
};

/// Runs `{job}` for this minute's slot; answers what ran.
pub async fn run(State(services): State<Services>, headers: HeaderMap, Path(job): Path<String>) -> Result<Json<Value>, AppError> {
    let expected = services.config.cron.secret.as_ref().map(|s| s.expose()).filter(|s| !s.is_empty());
    let given = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
    match (expected, given) {
        (Some(expected), Some(given)) if tokens::same_secret(given, expected) => {}
        _ => return Err(AppError::Unauthorized("a valid cron secret is required (Authorization: Bearer …)".into())),
    }
    let job = jobs::find(&job).ok_or_else(|| AppError::NotFound(format!("no job called {job}")))?;
    let now = Utc::now();
    let slot = now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now);
    let report = jobs::run(&services, job, slot, Trigger::Cron).await?;
    Ok(Json(json!({ "success": true, "data": report })))
}
