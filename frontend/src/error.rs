//! One typed error for everything a GraphQL call can go wrong with.
//!
//! The backend puts a stable `extensions.code` on every error and, for
//! validation errors, `extensions.fields: [{field, message}]`. Pages branch on
//! the code (UNAUTHORIZED triggers one refresh-and-retry) and forms show the
//! field messages next to the matching inputs.

use serde::Deserialize;
use std::fmt;

/// The contract's error codes; unknown ones are kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Validation,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    /// Stripe is not configured, unreachable, or refused the call.
    Stripe,
    Unavailable,
    Internal,
    /// The request never got a GraphQL answer (offline, proxy error, bad JSON).
    Network,
    Other(String),
}

impl ErrorCode {
    fn parse(code: &str) -> Self {
        match code {
            "VALIDATION_ERROR" => ErrorCode::Validation,
            "UNAUTHORIZED" => ErrorCode::Unauthorized,
            "FORBIDDEN" => ErrorCode::Forbidden,
            "NOT_FOUND" => ErrorCode::NotFound,
            "CONFLICT" => ErrorCode::Conflict,
            "RATE_LIMITED" => ErrorCode::RateLimited,
            "STRIPE_ERROR" => ErrorCode::Stripe,
            "UNAVAILABLE" | "TENANT_OFFLINE" => ErrorCode::Unavailable,
            "INTERNAL_ERROR" => ErrorCode::Internal,
            other => ErrorCode::Other(other.to_owned()),
        }
    }
}

/// A message about one input, as `extensions.fields` carries it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    /// Matches `password` against `password` and against a path such as
    /// `input.password`: the backend may report the argument or its path.
    pub fn is_for(&self, name: &str) -> bool {
        self.field == name || self.field.rsplit('.').next() == Some(name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn network(message: impl Into<String>) -> Self {
        ApiError { code: ErrorCode::Network, message: message.into(), fields: Vec::new() }
    }

    /// A client-side check about the request as a whole.
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError { code: ErrorCode::Validation, message: message.into(), fields: Vec::new() }
    }

    /// A client-side check on one input that failed before anything was sent.
    pub fn field(field: &str, message: &str) -> Self {
        ApiError {
            code: ErrorCode::Validation,
            message: "Please correct the highlighted field.".to_owned(),
            fields: vec![FieldError { field: field.to_owned(), message: message.to_owned() }],
        }
    }

    pub fn is_unauthorized(&self) -> bool {
        self.code == ErrorCode::Unauthorized
    }

    /// The message for the input named `name`, if the server flagged it.
    pub fn field_message(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.is_for(name)).map(|f| f.message.as_str())
    }

    /// True when every field message belongs to one of `shown`, so the
    /// form-level alert need not repeat them.
    pub fn fields_all_among(&self, shown: &[&str]) -> bool {
        !self.fields.is_empty() && self.fields.iter().all(|f| shown.iter().any(|name| f.is_for(name)))
    }

    /// Folds a GraphQL `errors` array into one error: the first error's code
    /// and message, and the field messages of all of them.
    pub fn from_graphql(errors: &[graphql_client::Error]) -> Self {
        let Some(first) = errors.first() else {
            return ApiError::network("The server answered without data.");
        };
        let code = first
            .extensions
            .as_ref()
            .and_then(|ext| ext.get("code"))
            .and_then(|code| code.as_str())
            .map(ErrorCode::parse)
            .unwrap_or_else(|| ErrorCode::Other(String::new()));
        let fields = errors
            .iter()
            .filter_map(|e| e.extensions.as_ref()?.get("fields").cloned())
            .filter_map(|fields| serde_json::from_value::<Vec<FieldError>>(fields).ok())
            .flatten()
            .collect();
        ApiError { code, message: first.message.clone(), fields }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn graphql_errors(json: serde_json::Value) -> Vec<graphql_client::Error> {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn reads_code_message_and_fields_from_every_error() {
        let errors = graphql_errors(serde_json::json!([
            {"message": "invalid input", "extensions": {"code": "VALIDATION_ERROR",
                "fields": [{"field": "input.password", "message": "too short"}]}},
            {"message": "also", "extensions": {"fields": [{"field": "email", "message": "taken"}]}}
        ]));
        let error = ApiError::from_graphql(&errors);
        assert_eq!(error.code, ErrorCode::Validation);
        assert_eq!(error.message, "invalid input");
        assert_eq!(error.field_message("password"), Some("too short"));
        assert_eq!(error.field_message("email"), Some("taken"));
        assert_eq!(error.field_message("name"), None);
        assert!(error.fields_all_among(&["email", "password"]));
        assert!(!error.fields_all_among(&["password"]));
    }

    #[test]
    fn unauthorized_is_recognised_and_unknown_codes_kept() {
        let errors = graphql_errors(serde_json::json!([
            {"message": "Invalid email or password.", "extensions": {"code": "UNAUTHORIZED"}}
        ]));
        assert!(ApiError::from_graphql(&errors).is_unauthorized());
        let errors = graphql_errors(serde_json::json!([{"message": "x", "extensions": {"code": "TEAPOT"}}]));
        assert_eq!(ApiError::from_graphql(&errors).code, ErrorCode::Other("TEAPOT".into()));
    }

    #[test]
    fn field_names_match_whole_path_segments_only() {
        let f = FieldError { field: "input.newPassword".into(), message: String::new() };
        assert!(f.is_for("newPassword"));
        assert!(!f.is_for("Password"));
    }
}
