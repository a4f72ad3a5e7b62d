//! The master key: encrypts secrets that must be recoverable (TOTP secrets, later
//! bridge HMAC secrets) and derives the access-token signing key.

use std::path::Path;

use anyhow::Context;
use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng},
    XChaCha20Poly1305, XNonce,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Config;

#[derive(Clone)]
pub struct MasterKey {
    key: [u8; 32],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    /// From `master_key` in the config, else from `data_dir/master.key`, creating
    /// that file (mode 0600) on first start.
    pub fn load(config: &Config) -> anyhow::Result<Self> {
        if let Some(encoded) = &config.master_key {
            return Self::from_base64(encoded.expose()).context("master_key is not 32 bytes of base64");
        }
        let path = config.data_dir.join("master.key");
        if path.exists() {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            return Self::from_base64(text.trim()).with_context(|| format!("{} is not 32 bytes of base64", path.display()));
        }
        let key = Self::generate();
        write_private(&path, &STANDARD.encode(key.key))?;
        tracing::info!(path = %path.display(), "generated a new master key");
        Ok(key)
    }

    pub fn generate() -> Self {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        Self { key: key.into() }
    }

    pub fn from_base64(encoded: &str) -> anyhow::Result<Self> {
        let bytes = STANDARD.decode(encoded)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| anyhow::anyhow!("wrong length"))?;
        Ok(Self { key })
    }

    /// A sub-key for one purpose, so no two uses share key material.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.key).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// base64(nonce ‖ ciphertext) with XChaCha20-Poly1305.
    pub fn encrypt(&self, plaintext: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new((&self.derive("hub/encryption")).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        out.extend(cipher.encrypt(&nonce, plaintext).expect("encryption cannot fail"));
        STANDARD.encode(out)
    }

    pub fn decrypt(&self, encoded: &str) -> anyhow::Result<Vec<u8>> {
        let bytes = STANDARD.decode(encoded)?;
        anyhow::ensure!(bytes.len() > 24, "ciphertext too short");
        let (nonce, ciphertext) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.derive("hub/encryption")).into());
        cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| anyhow::anyhow!("decryption failed: wrong master key or corrupted value"))
    }
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    #[cfg(unix)]
    {
        use std::{io::Write, os::unix::fs::OpenOptionsExt};
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
        file.write_all(contents.as_bytes())?;
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, contents)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let key = MasterKey::generate();
        let sealed = key.encrypt(b"JBSWY3DPEHPK3PXP");
        assert_eq!(key.decrypt(&sealed).unwrap(), b"JBSWY3DPEHPK3PXP");
        assert!(MasterKey::generate().decrypt(&sealed).is_err());
        assert_ne!(key.encrypt(b"x"), key.encrypt(b"x"), "fresh nonce each time");
    }
}
