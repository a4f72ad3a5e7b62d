//! Public endpoints without authentication (the marketing site reads them).

use axum::{extract::State, Json};
use serde_json::{json, Value};

use crate::{domain::billing::founding, error::AppError, Services};

/// `GET /api/v1/public/founding-members/count`: seats in total, taken and remaining.
pub async fn founding_members_count(State(services): State<Services>) -> Result<Json<Value>, AppError> {
    let seats = founding::count(&services).await?;
    Ok(Json(json!({
        "success": true,
        "data": { "total": seats.total, "taken": seats.taken, "remaining": seats.remaining() },
    })))
}
