//! TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step) through totp-rs.

use totp_rs::{Builder, Secret, Totp};

use crate::error::AppError;

pub const ISSUER: &str = "Hub";

/// A new random secret, base32-encoded as authenticator apps expect.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn build(secret_base32: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|e| AppError::internal(anyhow::anyhow!("stored TOTP secret: {e:?}")))?;
    // A ':' is not allowed in the account label; e-mail addresses never contain one.
    let account = account.replace(':', "_");
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| AppError::internal(anyhow::anyhow!("building TOTP: {e:?}")))
}

/// The otpauth:// URI and a base64 PNG QR code of it.
pub fn provisioning(secret_base32: &str, account: &str) -> Result<(String, String), AppError> {
    let totp = build(secret_base32, account)?;
    let uri = totp.to_url().map_err(|e| AppError::internal(anyhow::anyhow!("otpauth URI: {e:?}")))?;
    let qr = totp.to_qr_base64().map_err(|e| AppError::internal(anyhow::anyhow!("QR code: {e:?}")))?;
    Ok((uri, qr))
}

/// The time step a code matches now (±1 step), or `None`. The caller must refuse a
/// step at or below the last one accepted, or a code could be replayed.
pub fn matching_step(secret_base32: &str, code: &str) -> Result<Option<u64>, AppError> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(build(secret_base32, "user")?.check_current(code))
}

/// The code for the current step.
pub fn current_code(secret_base32: &str) -> Result<String, AppError> {
    Ok(build(secret_base32, "user")?.generate_current().to_string())
}

/// The code for the step that holds `unix_time` (tests use the next step's code,
/// which the ±1 step window still accepts, to avoid waiting 30 s).
pub fn code_at(secret_base32: &str, unix_time: u64) -> Result<String, AppError> {
    Ok(build(secret_base32, "user")?.generate(unix_time).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_code_matches_and_others_do_not() {
        let secret = new_secret();
        let code = current_code(&secret).unwrap();
        assert!(matching_step(&secret, &code).unwrap().is_some());
        assert!(matching_step(&secret, "12ab56").unwrap().is_none());
        let (uri, qr) = provisioning(&secret, "a@b.example").unwrap();
        assert!(uri.starts_with("otpauth://totp/Hub:a%40b.example?") || uri.starts_with("otpauth://totp/Hub:a@b.example?"), "{uri}");
        assert!(!qr.is_empty());
    }
}
