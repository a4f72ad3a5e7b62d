//! The one place domain errors become GraphQL errors: `extensions.code` always,
//! `extensions.fields` for validation, `extensions.retryAfter` for rate limits.

use async_graphql::{ErrorExtensions, Value};

use crate::error::AppError;

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.public_message()).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let AppError::Validation { fields, .. } = self {
                let json = serde_json::to_value(fields).expect("field errors serialize");
                ext.set("fields", Value::from_json(json).expect("plain JSON converts"));
            }
            if let AppError::RateLimited { retry_after_secs } = self {
                ext.set("retryAfter", *retry_after_secs);
            }
        })
    }
}

/// `result.gql()?` in resolvers.
pub trait GqlResultExt<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResultExt<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.extend())
    }
}
