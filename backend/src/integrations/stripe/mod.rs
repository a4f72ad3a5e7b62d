//! Stripe through async-stripe (1.0 split crates): the client, built once from
//! `[stripe]` config, the calls Hub makes ([`calls`]) and webhook signature
//! verification ([`webhook`]). Wire formats only; the rules live in
//! `domain/payments`.
//!
//! Answers are read leniently: Hub takes the few fields it needs from Stripe's
//! JSON rather than the SDK's complete typed objects, so an object with fewer
//! or more fields than the SDK's pinned API version (or a local fake) still works.

pub mod api_checkout;
pub mod calls;
pub mod webhook;

use std::time::Duration;

use serde::de::DeserializeOwned;
use stripe::{RequestStrategy, StripeError, StripeRequest};

use crate::{config::StripeConfig, error::AppError};

/// Said whenever a Stripe feature is used without `stripe.secret_key`.
pub const NOT_CONFIGURED: &str = "Stripe is not configured";

/// The Stripe API client, or nothing when no secret key is configured.
#[derive(Clone)]
pub struct StripeApi {
    client: Option<stripe::Client>,
    /// The configured secrets, to scrub from any message that leaves Hub.
    secrets: Vec<String>,
}

impl std::fmt::Debug for StripeApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeApi").field("configured", &self.client.is_some()).finish()
    }
}

impl StripeApi {
    /// Builds the client for `config`; an unusable `api_base` or key is an error.
    pub fn new(config: &StripeConfig) -> Result<Self, String> {
        let secrets: Vec<String> =
            [&config.secret_key, &config.webhook_secret].into_iter().flatten().map(|s| s.expose().to_owned()).collect();
        let Some(key) = config.secret_key.as_ref().map(|k| k.expose().trim()).filter(|k| !k.is_empty()) else {
            return Ok(Self { client: None, secrets });
        };
        let mut base = config.api_base.trim().to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        let client = stripe::ClientBuilder::new(key)
            .url(base)
            .timeout(Duration::from_secs(20))
            .app_info("hub", Some(env!("CARGO_PKG_VERSION").to_owned()), None)
            .build()
            .map_err(|err| redact(&format!("stripe: {err}"), &secrets))?;
        Ok(Self { client: Some(client), secrets })
    }

    /// Whether outbound calls can be made.
    pub fn is_configured(&self) -> bool {
        self.client.is_some()
    }

    fn client(&self) -> Result<&stripe::Client, AppError> {
        self.client.as_ref().ok_or_else(|| AppError::Stripe(NOT_CONFIGURED.into()))
    }

    /// Sends one request and reads the answer leniently as `T`.
    async fn send<R: StripeRequest, T: DeserializeOwned>(&self, request: &R, strategy: RequestStrategy) -> Result<T, AppError> {
        let client = self.client()?;
        let answer: miniserde::json::Value =
            request.build().customize().request_strategy(strategy).send(client).await.map_err(|err| self.failure(err))?;
        serde_json::from_str(&miniserde::json::to_string(&answer)).map_err(|err| {
            tracing::warn!(error = %err, "Stripe answered in an unexpected shape");
            AppError::Stripe("Stripe answered in an unexpected shape".into())
        })
    }

    /// A failed call as `STRIPE_ERROR` with Stripe's own message, scrubbed of secrets.
    fn failure(&self, err: StripeError) -> AppError {
        let message = match &err {
            StripeError::Stripe(api, status) => api.message.clone().unwrap_or_else(|| format!("Stripe answered HTTP {status}")),
            StripeError::Timeout => "Stripe did not answer in time".to_owned(),
            StripeError::ClientError(detail) => format!("could not reach Stripe: {detail}"),
            StripeError::JSONDeserialize(_) => "Stripe answered in an unexpected shape".to_owned(),
            StripeError::ConfigError(detail) => format!("Stripe is misconfigured: {detail}"),
        };
        let message = redact(&message, &self.secrets);
        tracing::warn!(error = %message, "a Stripe call failed");
        AppError::Stripe(message)
    }
}

/// An idempotency key: Stripe answers a repeated request with the first answer.
fn idempotent(key: &str) -> RequestStrategy {
    match stripe::IdempotencyKey::new(key) {
        Ok(key) => RequestStrategy::Idempotent(key),
        Err(_) => RequestStrategy::Once,
    }
}

/// Key-like words Stripe may echo (masked or not) in its messages.
const SECRET_PREFIXES: [&str; 5] = ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"];

/// `text` with every configured secret and every key-like word replaced.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret.as_str(), "[redacted]");
    }
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some((at, _)) = SECRET_PREFIXES.iter().filter_map(|p| rest.find(p).map(|i| (i, p))).min_by_key(|(i, _)| *i) {
        result.push_str(&rest[..at]);
        result.push_str("[redacted]");
        let tail = &rest[at..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '*')).unwrap_or(tail.len());
        rest = &tail[end..];
    }
    result.push_str(rest);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_survive_redaction() {
        let secrets = vec!["sk_test_abc123".to_owned(), "whsec_zzz".to_owned()];
        assert_eq!(redact("Invalid API Key provided: sk_test_abc123", &secrets), "Invalid API Key provided: [redacted]");
        assert_eq!(redact("Invalid API Key provided: sk_live_****1234.", &[]), "Invalid API Key provided: [redacted].");
        assert_eq!(redact("rk_test_x and whsec_y, then text", &[]), "[redacted] and [redacted], then text");
        assert_eq!(redact("No such price: 'price_123'", &secrets), "No such price: 'price_123'");
    }

    #[test]
    fn without_a_key_calls_say_stripe_is_not_configured() {
        let api = StripeApi::new(&StripeConfig::default()).unwrap();
        assert!(!api.is_configured());
        let err = api.client().unwrap_err();
        assert_eq!((err.code(), err.to_string()), ("STRIPE_ERROR", NOT_CONFIGURED.to_owned()));
    }
}
