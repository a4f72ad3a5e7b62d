//! The Stripe webhook (CONTRACT.md §3, specs 001 §8.1 and 002 §1): passes the
//! raw body and the `Stripe-Signature` header to the domain, which verifies
//! and takes the event in; answers 200 for every event it has taken (again).

use axum::{extract::State, http::HeaderMap, Json};
use serde_json::{json, Value};

use super::body::RawBody;
use crate::{domain::payments, error::AppError, Services};

/// `POST /api/v1/webhooks/stripe`
pub async fn webhook(State(services): State<Services>, headers: HeaderMap, RawBody(body): RawBody) -> Result<Json<Value>, AppError> {
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    let receipt = payments::receive(&services, &body, signature).await?;
    let outcome = receipt.outcome.map(|o| serde_json::to_value(o).unwrap_or_default()).unwrap_or_else(|| json!("DUPLICATE"));
    Ok(Json(json!({ "success": true, "data": { "received": true, "eventId": receipt.event_id, "outcome": outcome } })))
}
