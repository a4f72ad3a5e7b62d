//! Key formats: `pk_test_…`/`pk_live_…` (publishable, public) and
//! `sk_test_…`/`sk_live_…` (secret: shown once, stored as its SHA-256).

use entity::ApiMode;

use crate::auth::tokens;

/// A publishable key and its secret, as handed to the developer once.
#[derive(Debug, Clone)]
pub struct KeyPair {
    pub publishable: String,
    pub secret: String,
}

/// A fresh publishable key for `mode`.
pub fn publishable_key(mode: ApiMode) -> String {
    tokens::generate(&format!("pk_{}_", mode.word()))
}

/// A fresh secret key for `mode`.
pub fn secret_key(mode: ApiMode) -> String {
    tokens::generate(&format!("sk_{}_", mode.word()))
}

/// A fresh key pair for `mode`.
pub fn key_pair(mode: ApiMode) -> KeyPair {
    KeyPair { publishable: publishable_key(mode), secret: secret_key(mode) }
}

/// The stored form of a secret key: hex SHA-256.
pub fn hash(secret: &str) -> String {
    tokens::digest(secret)
}

/// What a list shows of a secret: its prefix and last four characters.
pub fn hint(secret: &str) -> String {
    let prefix_len = if secret.starts_with("sk_test_") || secret.starts_with("sk_live_") { 8 } else { 3 };
    let tail = secret.get(secret.len().saturating_sub(4)..).unwrap_or("");
    format!("{}…{tail}", &secret[..prefix_len.min(secret.len())])
}

/// The mode a secret key claims by its prefix; `None` when it is not a secret key.
pub fn secret_mode(secret: &str) -> Option<ApiMode> {
    if secret.starts_with("sk_test_") {
        Some(ApiMode::Test)
    } else if secret.starts_with("sk_live_") {
        Some(ApiMode::Live)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_their_mode_and_hide_in_hints() {
        let pair = key_pair(ApiMode::Live);
        assert!(pair.publishable.starts_with("pk_live_"));
        assert!(pair.secret.starts_with("sk_live_"));
        assert_eq!(secret_mode(&pair.secret), Some(ApiMode::Live));
        assert_eq!(secret_mode(&secret_key(ApiMode::Test)), Some(ApiMode::Test));
        assert_eq!(secret_mode(&pair.publishable), None);
        let hint = hint(&pair.secret);
        assert!(hint.starts_with("sk_live_…"));
        assert!(hint.ends_with(&pair.secret[pair.secret.len() - 4..]));
        assert_ne!(hash(&pair.secret), pair.secret);
        assert_eq!(hash(&pair.secret).len(), 64);
    }
}
