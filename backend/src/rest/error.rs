//! The one place domain errors become REST responses (CONTRACT.md §1):
//! `{"success": false, "error": {"code", "message", "details"}}`.

use axum::{
    http::{header::RETRY_AFTER, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use crate::error::AppError;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = json!({
            "success": false,
            "error": { "code": self.code(), "message": self.public_message(), "details": self.fields() },
        });
        let mut response = (status, Json(body)).into_response();
        if let AppError::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}
