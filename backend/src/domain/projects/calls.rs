//! One inbound bridge call from start to finish: authenticate, read the JSON
//! body, store what it carries, and write the sync-log row whatever the outcome.

use std::time::Instant;

use serde_json::{json, Value};

use super::{
    alerts,
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
    /// `POST /api/internal/saas/alerts`
    Alert,
}

async fn handle(services: &Services, request: InboundRequest<'_>, endpoint: Endpoint) -> Result<Value, AppError> {
    let project = inbound::authenticate(services, request).await?;
    let body: Value = serde_json::from_slice(request.body).map_err(|err| AppError::invalid("body", format!("invalid JSON: {err}")))?;
    let received = json!({ "received": true });
    match endpoint {
        Endpoint::Heartbeat => telemetry::record_heartbeat(services, project, &body).await.map(|()| received),
        Endpoint::SiteStats => telemetry::record_site_stats(services, &project, &body).await.map(|()| received),
        Endpoint::Alert => {
            let raised = alerts::post(services, &project, &body).await?;
            Ok(json!({ "received": true, "raised": raised.is_some(), "alertId": raised.map(|a| a.id) }))
        }
    }
}

/// Handles one signed call and logs it (accepted or refused) in `sync_logs`;
/// answers the `data` of the reply.
pub async fn receive(services: &Services, request: InboundRequest<'_>, endpoint: Endpoint) -> Result<Value, AppError> {
    let started = Instant::now();
    let outcome = handle(services, request, endpoint).await;
    let (status, error) = match &outcome {
        Ok(_) => (200, None),
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
