//! Sending one signed webhook to a tenant's Safety Wrapper. Two signatures travel
//! together, both HMAC-SHA256 with the 32-byte key the `whsec_…` secret encodes:
//! - spec 001 §8.2: `X-LetsBe-Signature` (hex, over the raw body),
//!   `X-LetsBe-Timestamp` (unix seconds) and `X-LetsBe-Event`;
//! - Standard Webhooks: `webhook-id`, `webhook-timestamp` and
//!   `webhook-signature: v1,<base64 over "{id}.{timestamp}.{body}">`, which also
//!   binds the id and timestamp (replay protection on the receiving side).

use std::time::Duration;

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::{header, StatusCode};
use sha2::Sha256;

/// The prefix of Standard Webhooks signing secrets.
const SECRET_PREFIX: &str = "whsec_";

/// One webhook to send.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub url: &'a str,
    /// The event id (`webhook-id`); the same on every retry. Must not contain `.`.
    pub id: &'a str,
    /// The event name (`X-LetsBe-Event`).
    pub event: &'a str,
    /// The exact bytes signed and sent.
    pub body: &'a [u8],
    /// The `whsec_…` secret.
    pub secret: &'a str,
    /// Unix seconds of this attempt.
    pub timestamp: i64,
}

/// What the receiver answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sent {
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// Why it failed: the status line for non-2xx answers, or the network error.
    pub error: Option<String>,
    /// `Retry-After` in seconds, when the receiver sent one.
    pub retry_after: Option<Duration>,
}

/// The HMAC key a `whsec_<base64>` secret stands for.
pub fn signing_key(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok().filter(|key| !key.is_empty())
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// `X-LetsBe-Signature`: lowercase hex HMAC-SHA256 of the body.
pub fn letsbe_signature(key: &[u8], body: &[u8]) -> String {
    hex::encode(hmac(key, &[body]))
}

/// `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`.
pub fn standard_signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    format!("v1,{}", STANDARD.encode(hmac(key, &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body])))
}

/// POSTs the message once and reports the answer; never follows redirects (the
/// client is built that way) and never reads more of the answer than its head.
pub async fn send(http: &reqwest::Client, message: Message<'_>) -> Sent {
    let Some(key) = signing_key(message.secret) else {
        return Sent { error: Some("the signing secret is not a whsec_ secret".into()), ..Sent::default() };
    };
    let request = http
        .post(message.url)
        .header(header::CONTENT_TYPE, "application/json")
        .header("X-LetsBe-Signature", letsbe_signature(&key, message.body))
        .header("X-LetsBe-Timestamp", message.timestamp.to_string())
        .header("X-LetsBe-Event", message.event)
        .header("webhook-id", message.id)
        .header("webhook-timestamp", message.timestamp.to_string())
        .header("webhook-signature", standard_signature(&key, message.id, message.timestamp, message.body))
        .body(message.body.to_vec());
    match request.send().await {
        Ok(response) => answered(&response),
        Err(err) => Sent { error: Some(describe(&err)), ..Sent::default() },
    }
}

fn answered(response: &reqwest::Response) -> Sent {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let error = (!status.is_success()).then(|| status_line(status));
    Sent { status: Some(status.as_u16()), error, retry_after }
}

fn status_line(status: StatusCode) -> String {
    let mut line = format!("HTTP {}", status.as_u16());
    if let Some(reason) = status.canonical_reason() {
        line = format!("{line} {reason}");
    }
    if status.is_redirection() {
        line.push_str(" (redirects are not followed; report the final URL)");
    }
    line
}

/// A network error in a few words, with its root cause but without the URL.
fn describe(err: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = err;
    while let Some(source) = root.source() {
        root = source;
    }
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    format!("{what}: {root}")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Worked out independently (Python's hmac module) for key bytes 0..32.
    const SECRET: &str = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const BODY: &[u8] = br#"{"commandId":"c1","type":"RESTART_SERVICE"}"#;

    #[test]
    fn both_signatures_match_known_values() {
        let key = signing_key(SECRET).unwrap();
        assert_eq!(key, (0u8..32).collect::<Vec<_>>());
        assert_eq!(letsbe_signature(&key, BODY), "6943a96d1c5ec05f8cf727896bb5f24c8f4d4e0fe6cd40229e9da84d30c012e8");
        assert_eq!(
            standard_signature(&key, "0b7c3a4e-0000-4000-8000-000000000001", 1_700_000_000, BODY),
            "v1,DbYN0ymv0wJUHMdNkGBcXm1GeaMVwPqfi+ctdlskEBQ="
        );
    }

    #[test]
    fn secrets_must_be_whsec() {
        assert!(signing_key("AAEC").is_none());
        assert!(signing_key("whsec_").is_none());
        assert!(signing_key("whsec_not base64!").is_none());
    }

    #[test]
    fn status_lines_name_the_failure() {
        assert_eq!(status_line(StatusCode::SERVICE_UNAVAILABLE), "HTTP 503 Service Unavailable");
        assert!(status_line(StatusCode::FOUND).contains("redirects are not followed"));
    }
}
