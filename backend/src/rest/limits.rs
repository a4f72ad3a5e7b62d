//! Rate limits for the REST shims, per source (spec 002 §7: webhooks 100 a
//! minute per source). A source is what the caller says it is — the bridge
//! project, a digest of the bearer key — *together with* its address, so a
//! forger naming someone else's project cannot spend that project's budget.
//! Checked before the body is read or any signature verified, so a flood costs
//! no database work. Limits are per replica, like the GraphQL budget.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header::AUTHORIZATION, HeaderMap},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{
    auth::{rate_limit::Limiter, tokens, RequestMeta},
    error::AppError,
};

/// How a route group names its callers.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// `X-Mintreu-Project` (the signed bridge).
    BridgeProject,
    /// The `Authorization: Bearer …` credential, by digest (tenant hub keys,
    /// integrators' API tokens).
    Bearer,
    /// The address alone (Stripe signs each request differently).
    Address,
}

impl Source {
    fn name(self, headers: &HeaderMap) -> Option<String> {
        match self {
            Source::BridgeProject => headers.get("x-mintreu-project")?.to_str().ok().map(|p| format!("project:{p}")),
            Source::Bearer => {
                let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
                let token = value.strip_prefix("Bearer ").unwrap_or(value).trim();
                // A prefix of the digest is enough to tell callers apart and keeps the secret out of memory.
                Some(format!("bearer:{}", &tokens::digest(token)[..16]))
            }
            Source::Address => None,
        }
    }
}

/// One route group's budget: a limiter and how it keys callers.
#[derive(Clone)]
pub struct SourceLimit {
    limiter: Limiter,
    source: Source,
    behind_proxy: bool,
}

impl SourceLimit {
    /// `per_minute` requests a minute per source, pruned every minute.
    pub fn new(per_minute: u32, source: Source, behind_proxy: bool) -> Self {
        let limiter = Limiter::per_minute(per_minute);
        limiter.spawn_pruner(std::time::Duration::from_secs(60));
        Self { limiter, source, behind_proxy }
    }

    fn key(&self, headers: &HeaderMap, peer: SocketAddr) -> String {
        let ip = RequestMeta::from_headers(headers, peer, self.behind_proxy).ip.unwrap_or_default();
        match self.source.name(headers) {
            Some(name) => format!("{name}|ip:{ip}"),
            None => format!("ip:{ip}"),
        }
    }
}

/// Middleware: `429 RATE_LIMITED` with `Retry-After` once the source's budget is
/// spent; the `X-RateLimit-*` headers on every answer.
pub async fn enforce(
    State(limit): State<SourceLimit>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let decision = limit.limiter.check(&limit.key(request.headers(), peer));
    let mut response = if decision.allowed {
        next.run(request).await
    } else {
        AppError::RateLimited { retry_after_secs: decision.retry_after_secs }.into_response()
    };
    decision.write_headers(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn sources_are_named_with_their_address() {
        let peer: SocketAddr = "10.0.0.7:5000".parse().unwrap();
        let bridge = SourceLimit { limiter: Limiter::per_minute(1), source: Source::BridgeProject, behind_proxy: false };
        assert_eq!(bridge.key(&headers(&[("x-mintreu-project", "shop")]), peer), "project:shop|ip:10.0.0.7");
        assert_eq!(bridge.key(&HeaderMap::new(), peer), "ip:10.0.0.7");

        let bearer = SourceLimit { source: Source::Bearer, ..bridge.clone() };
        let key = bearer.key(&headers(&[("authorization", "Bearer hk_secret")]), peer);
        assert!(key.starts_with("bearer:") && key.ends_with("|ip:10.0.0.7"), "{key}");
        assert!(!key.contains("hk_secret"), "the credential itself never becomes a key");
        assert_ne!(key, bearer.key(&headers(&[("authorization", "Bearer hk_other")]), peer));
    }

    #[test]
    fn forwarded_address_counts_only_behind_a_proxy() {
        let peer: SocketAddr = "10.0.0.7:5000".parse().unwrap();
        let forwarded = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.1")]);
        let direct = SourceLimit { limiter: Limiter::per_minute(1), source: Source::Address, behind_proxy: false };
        assert_eq!(direct.key(&forwarded, peer), "ip:10.0.0.7");
        let proxied = SourceLimit { behind_proxy: true, ..direct };
        assert_eq!(proxied.key(&forwarded, peer), "ip:203.0.113.9");
    }
}
