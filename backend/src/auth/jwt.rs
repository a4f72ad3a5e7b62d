//! Short-lived access tokens (JWT, HS256). They name a user and a session; the
//! session and the account are re-checked on every request, so revocation and
//! deactivation take effect at once.

use chrono::{DateTime, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::crypto::MasterKey;

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: Uuid,
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub typ: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_secs: i64,
}

const TYP: &str = "access";

impl JwtKeys {
    pub fn new(master: &MasterKey, ttl_secs: u64) -> Self {
        let secret = master.derive("hub/jwt-signing");
        Self { encoding: EncodingKey::from_secret(&secret), decoding: DecodingKey::from_secret(&secret), ttl_secs: ttl_secs as i64 }
    }

    /// Signs an access token for `user` in `session`; returns it with its expiry.
    pub fn issue(&self, user: Uuid, session: Uuid) -> (String, DateTime<Utc>) {
        let now = Utc::now();
        let exp = now + chrono::Duration::seconds(self.ttl_secs);
        let claims = AccessClaims { sub: user, sid: session, iat: now.timestamp(), exp: exp.timestamp(), typ: TYP.into() };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).expect("HS256 signing cannot fail");
        (token, exp)
    }

    /// Verifies signature, expiry (no leeway) and token type.
    pub fn verify(&self, token: &str) -> Option<AccessClaims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = decode::<AccessClaims>(token, &self.decoding, &validation).ok()?;
        (data.claims.typ == TYP).then_some(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_verify_and_reject_foreign_key() {
        let keys = JwtKeys::new(&MasterKey::generate(), 60);
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let (token, _) = keys.issue(user, session);
        let claims = keys.verify(&token).expect("valid");
        assert_eq!((claims.sub, claims.sid), (user, session));
        assert!(JwtKeys::new(&MasterKey::generate(), 60).verify(&token).is_none());
        assert!(keys.verify("not.a.jwt").is_none());
    }
}
