//! Request bodies for the REST shims, with rejections in the contract's codes:
//! an oversized body is `PAYLOAD_TOO_LARGE`, an unreadable or malformed one
//! `VALIDATION_ERROR`.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::StatusCode,
};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The largest body a tenant host or child project may send (the routers set it
/// as their `DefaultBodyLimit`).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The raw body (the bridge signs over its exact bytes).
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::invalid("body", "could not read the request body")
            }
        })?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(AppError::PayloadTooLarge);
        }
        Ok(RawBody(bytes))
    }
}

/// A JSON body of type `T`.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        serde_json::from_slice(&bytes).map(Body).map_err(|err| AppError::invalid("body", format!("invalid JSON: {err}")))
    }
}
