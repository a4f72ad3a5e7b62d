//! The bridge signature: lowercase hex HMAC-SHA256 with the project's secret over
//! `{timestamp}.{METHOD}.{path without leading slash}.{raw body}`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How far a request's timestamp may be from now, in seconds.
pub const MAX_SKEW_SECS: i64 = 300;

fn mac(secret: &[u8], timestamp: &str, method: &str, path: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("any key length");
    let path = path.strip_prefix('/').unwrap_or(path);
    mac.update(format!("{timestamp}.{}.{path}.", method.to_ascii_uppercase()).as_bytes());
    mac.update(body);
    mac
}

/// The hex signature a sender computes for one request.
pub fn sign(secret: &[u8], timestamp: &str, method: &str, path: &str, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, method, path, body).finalize().into_bytes())
}

/// Whether `signature_hex` is the signature of the request, compared in constant time.
pub fn verify(secret: &[u8], timestamp: &str, method: &str, path: &str, body: &[u8], signature_hex: &str) -> bool {
    let Ok(given) = hex::decode(signature_hex.trim()) else { return false };
    mac(secret, timestamp, method, path, body).verify_slice(&given).is_ok()
}

/// Whether a unix-seconds timestamp is within [`MAX_SKEW_SECS`] of `now`.
pub fn fresh(timestamp: &str, now: i64) -> bool {
    timestamp.trim().parse::<i64>().is_ok_and(|ts| (now - ts).abs() <= MAX_SKEW_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"health":{"status":"ok"}}"#;
    const PATH: &str = "/api/internal/saas/project/heartbeat";
    // python3: hmac.new(b"test-secret", b"1700000000.POST.api/internal/saas/project/heartbeat." + BODY, sha256)
    const VECTOR: &str = "d51b9628dff6061c44c14ddaea65d7e0ce71a8d8acd4e5fb374e4dd0647626ea";

    #[test]
    fn matches_the_fixed_vector() {
        assert_eq!(sign(b"test-secret", "1700000000", "POST", PATH, BODY), VECTOR);
        assert_eq!(sign(b"test-secret", "1700000000", "post", &PATH[1..], BODY), VECTOR);
        assert!(verify(b"test-secret", "1700000000", "POST", PATH, BODY, VECTOR));
    }

    #[test]
    fn refuses_any_change() {
        assert!(!verify(b"other-secret", "1700000000", "POST", PATH, BODY, VECTOR));
        assert!(!verify(b"test-secret", "1700000001", "POST", PATH, BODY, VECTOR));
        assert!(!verify(b"test-secret", "1700000000", "PUT", PATH, BODY, VECTOR));
        assert!(!verify(b"test-secret", "1700000000", "POST", PATH, b"{}", VECTOR));
        assert!(!verify(b"test-secret", "1700000000", "POST", PATH, BODY, "zz"));
        assert!(!verify(b"test-secret", "1700000000", "POST", PATH, BODY, &VECTOR[..62]));
    }

    #[test]
    fn timestamps_within_five_minutes() {
        assert!(fresh("1700000000", 1_700_000_300));
        assert!(fresh("1700000300", 1_700_000_000));
        assert!(!fresh("1700000000", 1_700_000_301));
        assert!(!fresh("soon", 1_700_000_000));
    }
}
