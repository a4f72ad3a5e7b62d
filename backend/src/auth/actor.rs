//! The authenticated caller of one request or WebSocket connection.

use entity::{AccountKind, StaffRole};
use uuid::Uuid;

use crate::error::AppError;

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// An access token of a signed-in session (the SPA, or a client that logged in).
    Session(Uuid),
    /// An integrator's API token.
    ApiToken(Uuid),
}

/// A signed-in account, re-read from the database for this request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub kind: AccountKind,
    pub role: Option<StaffRole>,
    pub credential: Credential,
}

impl Principal {
    /// The staff role, or `None` for a customer.
    pub fn staff_role(&self) -> Option<StaffRole> {
        match self.kind {
            AccountKind::Staff => self.role,
            AccountKind::Customer => None,
        }
    }

    pub fn session_id(&self) -> Option<Uuid> {
        match self.credential {
            Credential::Session(id) => Some(id),
            Credential::ApiToken(_) => None,
        }
    }

    /// The rate-limit bucket: one per session or API token.
    pub fn rate_key(&self) -> String {
        match self.credential {
            Credential::Session(id) => format!("session:{id}"),
            Credential::ApiToken(id) => format!("token:{id}"),
        }
    }
}

/// Whoever is asking: nobody yet, or a [`Principal`].
#[derive(Debug, Clone, Default)]
pub enum Actor {
    #[default]
    Anonymous,
    /// Credentials were sent but are not valid (expired, revoked, deactivated…);
    /// the reason is told to the client when it asks for anything protected.
    Rejected(String),
    User(Principal),
}

impl Actor {
    /// The signed-in principal, or `UNAUTHORIZED`.
    pub fn principal(&self) -> Result<&Principal, AppError> {
        match self {
            Actor::User(p) => Ok(p),
            Actor::Rejected(reason) => Err(AppError::Unauthorized(reason.clone())),
            Actor::Anonymous => Err(AppError::Unauthorized("sign in first".into())),
        }
    }
}

/// Where a request came from, for audit records and rate limits.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    /// The peer's address, or the first `X-Forwarded-For` hop when Hub is
    /// configured to run behind a trusted proxy; and the user agent.
    pub fn from_headers(headers: &axum::http::HeaderMap, peer: std::net::SocketAddr, behind_proxy: bool) -> Self {
        let forwarded = behind_proxy
            .then(|| headers.get("x-forwarded-for")?.to_str().ok()?.split(',').next().map(|s| s.trim().to_owned()))
            .flatten()
            .filter(|s| !s.is_empty());
        RequestMeta {
            ip: Some(forwarded.unwrap_or_else(|| peer.ip().to_string())),
            user_agent: headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
        }
    }
}
