//! The inbound signed bridge (spec 000, CONTRACT.md §3): child projects send
//! heartbeats, site telemetry and alerts signed with their secret. Handlers only
//! translate headers and the raw body for the domain.

use axum::{
    extract::State,
    http::{HeaderMap, Method, Uri},
    Json,
};
use serde_json::{json, Value};

use super::body::RawBody;
use crate::{
    domain::projects::{
        calls::{self, Endpoint},
        inbound::{InboundRequest, SignedHeaders},
    },
    error::AppError,
    Services,
};

fn header(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().trim().to_owned()
}

fn signed_headers(headers: &HeaderMap) -> SignedHeaders {
    SignedHeaders {
        project: header(headers, "x-mintreu-project"),
        key: header(headers, "x-mintreu-key"),
        timestamp: header(headers, "x-mintreu-timestamp"),
        signature: header(headers, "x-mintreu-signature"),
    }
}

async fn receive(
    services: &Services,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    endpoint: Endpoint,
) -> Result<Json<Value>, AppError> {
    let headers = signed_headers(headers);
    let request = InboundRequest { headers: &headers, method: method.as_str(), path: uri.path(), body };
    let data = calls::receive(services, request, endpoint).await?;
    Ok(Json(json!({ "success": true, "data": data })))
}

/// `POST /api/internal/saas/project/heartbeat`: stores machine, runtime and health.
pub async fn heartbeat(
    State(services): State<Services>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, AppError> {
    receive(&services, &method, &uri, &headers, &body, Endpoint::Heartbeat).await
}

/// `POST /api/internal/saas/site-stats`: stores one telemetry window.
pub async fn site_stats(
    State(services): State<Services>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, AppError> {
    receive(&services, &method, &uri, &headers, &body, Endpoint::SiteStats).await
}

/// `POST /api/internal/saas/alerts`: raises the child's alert (spec 002 §3.1);
/// `raised: false` when an open alert with its dedupe key exists.
pub async fn alert(
    State(services): State<Services>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, AppError> {
    receive(&services, &method, &uri, &headers, &body, Endpoint::Alert).await
}
