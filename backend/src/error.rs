//! The one error type at the domain boundary. Every variant has a stable code from
//! CONTRACT.md §1; the GraphQL and REST layers each map it in exactly one place.

use sea_orm::DbErr;
use serde::Serialize;

/// A field that failed validation, named as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    Validation { message: String, fields: Vec<FieldError> },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("request body too large")]
    PayloadTooLarge,
    /// Stripe is not configured, unreachable, or refused a call; the message is
    /// Stripe's own (with anything key-like removed).
    #[error("{0}")]
    Stripe(String),
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// A validation error about one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        FieldError::new(field, message).into()
    }

    /// Several field errors at once; `Ok(())` when the list is empty.
    pub fn check_fields(fields: Vec<FieldError>) -> Result<(), AppError> {
        if fields.is_empty() {
            return Ok(());
        }
        let message = fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ");
        Err(AppError::Validation { message, fields })
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(err.into())
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation { .. } => "VALIDATION_ERROR",
            AppError::Unauthorized(_) => "UNAUTHORIZED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Conflict(_) => "CONFLICT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            AppError::Stripe(_) => "STRIPE_ERROR",
            AppError::Unavailable(_) => "UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL_ERROR",
        }
    }

    /// The HTTP status that goes with [`AppError::code`].
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::PayloadTooLarge => 413,
            AppError::Stripe(_) => 502,
            AppError::Unavailable(_) => 503,
            AppError::Internal(_) => 500,
        }
    }

    /// The message safe to show a client: internal details are logged, never sent.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                "internal error".to_owned()
            }
            AppError::Unavailable(err) => {
                tracing::error!(error = %err, "database unavailable");
                self.to_string()
            }
            other => other.to_string(),
        }
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::Validation { fields, .. } => fields,
            _ => &[],
        }
    }
}

impl From<FieldError> for AppError {
    fn from(field: FieldError) -> Self {
        AppError::Validation { message: format!("{}: {}", field.field, field.message), fields: vec![field] }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err {
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => AppError::Unavailable(err),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

/// True when a database error is a unique-constraint violation (on either database).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
