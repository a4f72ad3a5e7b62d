//! GraphQL object types of identity and access, built from entities. Secrets
//! (password hashes, TOTP secrets, token digests) have no field here at all.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{api_token, invitation, user};
use uuid::Uuid;

use crate::domain::identity::SessionTokens;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::StaffRole")]
pub enum StaffRole {
    Owner,
    Admin,
    Manager,
    Support,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::AccountKind")]
pub enum AccountKind {
    Staff,
    Customer,
}

/// A staff or customer account.
#[derive(SimpleObject)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub kind: AccountKind,
    /// The staff role; null for customers.
    pub role: Option<StaffRole>,
    pub active: bool,
    pub two_factor_enabled: bool,
    /// IANA time zone the console shows this account's times in.
    pub timezone: String,
    /// Locale (one of `supportedLocales`) times and numbers are formatted for.
    pub locale: String,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for User {
    fn from(u: user::Model) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            kind: u.kind.into(),
            role: u.role.map(Into::into),
            active: u.active,
            two_factor_enabled: u.totp_enabled,
            timezone: u.timezone,
            locale: u.locale,
            created_at: u.created_at,
        }
    }
}

/// A signed-in session. The SPA never asks for `refreshToken`: it travels in an
/// httpOnly cookie; integrators that cannot keep cookies read it here.
#[derive(SimpleObject)]
pub struct AuthSession {
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub user: User,
}

impl From<SessionTokens> for AuthSession {
    fn from(t: SessionTokens) -> Self {
        Self {
            access_token: t.access_token,
            access_token_expires_at: t.access_expires_at,
            refresh_token: t.refresh_token,
            user: t.user.into(),
        }
    }
}

/// The answer to `login`: a session, or a request for the second factor.
#[derive(SimpleObject)]
pub struct LoginResult {
    pub requires_two_factor: bool,
    /// Pass to `verifyTwoFactor` with a code; valid for a few minutes.
    pub pending_token: Option<String>,
    pub session: Option<AuthSession>,
}

#[derive(SimpleObject)]
pub struct TwoFactorSetup {
    /// Base32 secret, for typing into an authenticator by hand.
    pub secret: String,
    pub otpauth_uri: String,
    /// The otpauth URI as a QR code: a base64-encoded PNG.
    pub qr_code_png: String,
}

#[derive(SimpleObject)]
pub struct BackupCodes {
    /// Ten single-use codes, shown this once.
    pub codes: Vec<String>,
}

#[derive(SimpleObject)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: StaffRole,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
}

impl From<invitation::Model> for Invitation {
    fn from(i: invitation::Model) -> Self {
        Self {
            id: i.id,
            email: i.email,
            role: i.role.into(),
            created_at: i.created_at,
            expires_at: i.expires_at,
            accepted_at: i.accepted_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct InvitationCreated {
    pub invitation: Invitation,
    /// The invitation token, shown this once; the accept link carries it.
    pub token: String,
}

/// What the accept page shows before the invitee chooses a password.
#[derive(SimpleObject)]
pub struct InvitationPreview {
    pub email: String,
    pub role: StaffRole,
    pub expires_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for ApiToken {
    fn from(t: api_token::Model) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct ApiTokenCreated {
    pub api_token: ApiToken,
    /// The secret, shown this once. Send it as `Authorization: Bearer <token>`.
    pub token: String,
}

/// A security event on the viewer's own account.
#[derive(SimpleObject, Clone)]
pub struct SecurityEvent {
    pub action: String,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
}
