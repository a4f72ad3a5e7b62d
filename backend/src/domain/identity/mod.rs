//! Identity and access: accounts, first-run setup, sign-in with rotating refresh
//! tokens, TOTP second factor with backup codes, staff invitations and management,
//! integrators' API tokens, and each account's display preferences.

pub mod accounts;
pub mod api_tokens;
pub mod invitations;
pub mod login;
pub mod preferences;
pub mod sessions;
pub mod setup;
pub mod staff;
pub mod two_factor;

use chrono::{DateTime, Utc};
use entity::user;

use crate::error::FieldError;

/// What a successful sign-in hands the client.
#[derive(Debug, Clone)]
pub struct SessionTokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    /// When the session (and so the refresh cookie) ends, however often it is refreshed.
    pub session_expires_at: DateTime<Utc>,
    pub user: user::Model,
}

/// An e-mail address, trimmed and lower-cased, shape-checked at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let email = input.trim().to_lowercase();
        let valid = email.len() <= 320
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.contains(char::is_whitespace)
                    && !domain.contains('@')
            });
        if valid {
            Ok(Self(email))
        } else {
            Err(FieldError::new(field, "must be a valid e-mail address"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's display name: 1–200 characters after trimming.
pub fn parse_name(field: &str, input: &str) -> Result<String, FieldError> {
    let name = input.trim();
    match name.chars().count() {
        0 => Err(FieldError::new(field, "must not be empty")),
        n if n > 200 => Err(FieldError::new(field, "must be at most 200 characters")),
        _ => Ok(name.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(Email::parse("email", "  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
        for bad in ["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", "a@b@c.com"] {
            assert_eq!(Email::parse("email", bad).unwrap_err().field, "email", "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(parse_name("name", "  Ann ").unwrap(), "Ann");
        assert!(parse_name("name", "   ").is_err());
    }
}
