//! `Stripe-Signature` verification with async-stripe's `Webhook`: the header's
//! `v1` HMAC-SHA256 over `"{t}.{raw body}"` with the endpoint's secret, and `t`
//! within 300 s of now.

use stripe_webhook::{Webhook, WebhookError};

/// Why a webhook request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Missing, malformed or not matching the body and secret.
    BadSignature,
    /// Signed correctly, but more than 300 s away from now (a replay).
    Expired,
}

/// Whether `payload` was sent by Stripe to this endpoint just now.
pub fn verify(payload: &str, signature_header: &str, secret: &str) -> Result<(), Refusal> {
    judge(Webhook::construct_event(payload, signature_header, secret))
}

/// [`verify`] as of `now` (unix seconds).
pub fn verify_at(payload: &str, signature_header: &str, secret: &str, now: i64) -> Result<(), Refusal> {
    judge(Webhook::construct_event_with_timestamp(payload, signature_header, secret, now))
}

fn judge<T>(outcome: Result<T, WebhookError>) -> Result<(), Refusal> {
    match outcome {
        Ok(_) => Ok(()),
        // async-stripe checks the signature and then the timestamp before it parses
        // the event into its typed objects, so a parse failure means an authentic,
        // fresh event shaped for another API version; Hub reads such events itself
        // (the unit tests below pin this order).
        Err(WebhookError::BadParse(_)) => Ok(()),
        Err(WebhookError::BadTimestamp(_)) => Err(Refusal::Expired),
        Err(WebhookError::BadSignature | WebhookError::BadHeader(_) | WebhookError::BadKey) => Err(Refusal::BadSignature),
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_800_000_000;
    /// Too sparse for the SDK's typed objects, as any unknown shape would be.
    const BODY: &str =
        r#"{"id":"evt_1","object":"event","type":"checkout.session.completed","created":1800000000,"data":{"object":{"id":"cs_1"}}}"#;

    /// The header Stripe sends, computed the way Stripe documents it.
    fn header(secret: &str, t: i64, body: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.{body}").as_bytes());
        format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn authentic_fresh_events_pass_whatever_their_shape() {
        assert_eq!(verify_at(BODY, &header(SECRET, NOW, BODY), SECRET, NOW), Ok(()));
        assert_eq!(verify_at(BODY, &header(SECRET, NOW - 300, BODY), SECRET, NOW), Ok(()));
        let rotating = format!("{},v1={}", header(SECRET, NOW, BODY), "00".repeat(32));
        assert_eq!(verify_at(BODY, &rotating, SECRET, NOW), Ok(()));
    }

    #[test]
    fn forged_tampered_or_garbled_signatures_are_refused() {
        assert_eq!(verify_at(BODY, &header("whsec_other", NOW, BODY), SECRET, NOW), Err(Refusal::BadSignature));
        let tampered = BODY.replace("cs_1", "cs_2");
        assert_eq!(verify_at(&tampered, &header(SECRET, NOW, BODY), SECRET, NOW), Err(Refusal::BadSignature));
        for garbage in ["", "t=abc,v1=00", "v1=00", "nonsense"] {
            assert_eq!(verify_at(BODY, garbage, SECRET, NOW), Err(Refusal::BadSignature), "{garbage}");
        }
    }

    #[test]
    fn old_or_future_timestamps_are_refused_even_when_signed() {
        assert_eq!(verify_at(BODY, &header(SECRET, NOW - 301, BODY), SECRET, NOW), Err(Refusal::Expired));
        assert_eq!(verify_at(BODY, &header(SECRET, NOW + 301, BODY), SECRET, NOW), Err(Refusal::Expired));
        // A forged signature on an old timestamp is a bad signature, not "expired".
        assert_eq!(verify_at(BODY, &header("whsec_other", NOW - 900, BODY), SECRET, NOW), Err(Refusal::BadSignature));
    }
}
