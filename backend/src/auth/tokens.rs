//! Opaque secrets handed to clients (refresh tokens, invitation tokens, API tokens,
//! pending-login tokens, backup codes) and the SHA-256 digests stored in their place.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// A fresh random token: `prefix` followed by 32 random bytes in base64url.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The hex SHA-256 digest under which a token is stored and looked up.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `given` is `expected`, in time independent of where they differ and
/// of their lengths (both are digested first): for shared secrets such as the
/// cron secret, compared as sent.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (Sha256::digest(given.as_bytes()), Sha256::digest(expected.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Ten backup codes like `k7qm-2xwp-9dtr` (12 of 31 symbols: about 59 bits each),
/// easy to read and type.
pub fn backup_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut rng = rand::rng();
    (0..10)
        .map(|_| {
            let chars: Vec<char> = (0..12).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
            chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
        })
        .collect()
}

/// Normalises what a person typed as a backup code (case, spaces, dashes).
pub fn normalize_backup_code(input: &str) -> String {
    input.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret("cron-secret", "cron-secret"));
        assert!(!same_secret("cron-secreT", "cron-secret"));
        assert!(!same_secret("", "cron-secret"));
        assert!(!same_secret("cron-secret-and-more", "cron-secret"));
    }

    #[test]
    fn tokens_are_unique_and_prefixed() {
        let a = generate("hubt_");
        let b = generate("hubt_");
        assert!(a.starts_with("hubt_"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 5 + 43);
    }

    #[test]
    fn digest_is_stable_hex() {
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn backup_codes_normalize_to_twelve_chars() {
        let codes = backup_codes();
        assert_eq!(codes.len(), 10);
        for code in &codes {
            assert_eq!(normalize_backup_code(code).len(), 12);
            assert_eq!(normalize_backup_code(&code.to_uppercase().replace('-', " ")), normalize_backup_code(code));
        }
    }
}
