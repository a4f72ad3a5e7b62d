//! Request rate limits (GCRA through governor): a general budget per session, API
//! token or anonymous IP, and a stricter one for password and code checks.
//! Limits are per replica; behind a load balancer each replica enforces its own.

use std::{num::NonZeroU32, sync::Arc, time::Duration};

use governor::{
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// The answer to one check, with what the `X-RateLimit-*` headers report.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until a request would be admitted again (0 when allowed).
    pub retry_after_secs: u64,
}

impl Decision {
    /// Sets `X-RateLimit-Limit`, `-Remaining` and `-Reset` (seconds) on a response.
    pub fn write_headers(&self, headers: &mut axum::http::HeaderMap) {
        use axum::http::{HeaderName, HeaderValue};
        headers.insert(HeaderName::from_static("x-ratelimit-limit"), HeaderValue::from(self.limit));
        headers.insert(HeaderName::from_static("x-ratelimit-remaining"), HeaderValue::from(self.remaining));
        let reset = if self.allowed { 60 / self.limit.max(1) as u64 } else { self.retry_after_secs };
        headers.insert(HeaderName::from_static("x-ratelimit-reset"), HeaderValue::from(reset.max(1)));
    }
}

#[derive(Clone)]
pub struct Limiter {
    inner: Arc<Keyed>,
    per_minute: u32,
}

impl Limiter {
    /// `per_minute` requests a minute, all of which may come at once.
    pub fn per_minute(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).expect("non-zero");
        Self { inner: Arc::new(RateLimiter::keyed(Quota::per_minute(n)).with_middleware()), per_minute: n.get() }
    }

    pub fn check(&self, key: &str) -> Decision {
        match self.inner.check_key(&key.to_owned()) {
            Ok(snapshot) => {
                Decision { allowed: true, limit: self.per_minute, remaining: snapshot.remaining_burst_capacity(), retry_after_secs: 0 }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.inner.clock().now());
                Decision {
                    allowed: false,
                    limit: self.per_minute,
                    remaining: 0,
                    retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
                }
            }
        }
    }

    /// Every `every`, forgets keys that are back at full budget (so memory stays
    /// bounded), for as long as the limiter lives.
    pub fn spawn_pruner(&self, every: Duration) {
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                match weak.upgrade() {
                    Some(inner) => {
                        inner.retain_recent();
                        inner.shrink_to_fit();
                    }
                    None => break,
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_then_refused_per_key() {
        let limiter = Limiter::per_minute(60);
        for i in 0..60 {
            let d = limiter.check("a");
            assert!(d.allowed, "request {i}");
            assert_eq!(d.remaining, 59 - i);
        }
        let refused = limiter.check("a");
        assert!(!refused.allowed);
        assert!(refused.retry_after_secs >= 1);
        assert!(limiter.check("b").allowed, "other keys keep their own budget");
    }
}
