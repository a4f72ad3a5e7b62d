//! One inbound bridge call from start to finish: authenticate, read the JSON
//! body, store what it carries, and write the sync-log row whatever the outcome.

use std::time::Instant;

use serde_json::Value;

use super::{
    inbound::{self, InboundRequest},
    sync_log::{self, Call},
    telemetry,
};
use crate::{error::AppError, Services};

/// What an inbound call carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /api/internal/saas/project/heartbeat`
    Heartbeat,
    /// `POST /api/internal/saas/site-stats`
    SiteStats,
}

async fn handle(services: &Services, request: InboundRequest<'_>, endpoint: Endpoint) -> Result<(), AppError> {
    let project = inbound::authenticate(services, request).await?;
    let body: Value = serde_json::from_slice(request.body).map_err(|err| AppError::invalid("body", format!("invalid JSON: {err}")))?;
    match endpoint {
        Endpoint::Heartbeat => telemetry::record_heartbeat(services, project, &body).await,
        Endpoint::SiteStats => telemetry::record_site_stats(services, &project, &body).await,
    }
}

/// Handles one signed call and logs it (accepted or refused) in `sync_logs`.
pub async fn receive(services: &Services, request: InboundRequest<'_>, endpoint: Endpoint) -> Result<(), AppError> {
    let started = Instant::now();
    let outcome = handle(services, request, endpoint).await;
    let (status, error) = match &outcome {
        Ok(()) => (200, None),
        Err(err) => (err.status(), Some((err.code(), err.public_message()))),
    };
    let call = Call {
        project_slug: &request.headers.project,
        endpoint: request.path,
        status,
        latency_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        error,
    };
    if let Err(err) = sync_log::record_inbound(services, call).await {
        tracing::warn!(error = %err, "could not write the bridge sync log");
    }
    outcome
}
