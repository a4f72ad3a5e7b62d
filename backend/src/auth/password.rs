//! argon2id password hashing, always off the async runtime (≈ 24 ms a hash here).

use argon2::{
    password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier},
    Argon2,
};

use crate::error::{AppError, FieldError};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 256;

/// Checks the password policy; the error names `field`.
pub fn validate(field: &str, password: &str) -> Option<FieldError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        Some(FieldError::new(field, format!("must be at least {MIN_LEN} characters")))
    } else if len > MAX_LEN {
        Some(FieldError::new(field, format!("must be at most {MAX_LEN} characters")))
    } else {
        None
    }
}

/// Hashes on the blocking pool; returns a PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(anyhow::anyhow!("hashing password: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

/// Verifies on the blocking pool. With no stored hash it still spends the time of a
/// verification, so a missing account cannot be told apart by timing.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored).map_err(|e| AppError::internal(anyhow::anyhow!("stored hash: {e}")))?;
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && stored != DUMMY_HASH)
    })
    .await
    .map_err(AppError::internal)?
}

/// A hash of a random password nobody knows, with default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Jx1gc6uHC7aV5n0O1m/Hg4xs+K0fSkyP2fWfl1UQ8Y";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(h.clone())).await.unwrap());
        assert!(!verify("wrong horse battery".into(), Some(h)).await.unwrap());
        assert!(!verify("anything at all".into(), None).await.unwrap());
    }

    #[test]
    fn policy_names_the_field() {
        assert_eq!(validate("password", "short").unwrap().field, "password");
        assert!(validate("password", "long enough pass").is_none());
    }
}
