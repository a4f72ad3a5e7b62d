//! Sign-in, session and account resolvers. Session-producing mutations also set
//! the httpOnly refresh cookie the SPA relies on.

use async_graphql::{Context, InputObject, Object};
use axum::http::header::SET_COOKIE;

use super::{
    context::ContextExt,
    error::GqlResultExt,
    types::{AuthSession, LoginResult, User},
    AuthLimiter,
};
use crate::{
    auth::capability::{ManageOwnSecurity, OwnAccount},
    domain::identity::{accounts, login, sessions, setup, SessionTokens},
    error::AppError,
};

/// Name of the refresh-token cookie; scoped to `/graphql`.
pub const REFRESH_COOKIE: &str = "hub_refresh";

#[derive(InputObject)]
pub struct SetupInput {
    pub name: String,
    pub email: String,
    pub password: String,
}

#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The signed-in account.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let cap = ctx.actor().grant::<OwnAccount>().gql()?;
        accounts::me(ctx.services(), &cap).await.map(Into::into).gql()
    }

    /// True until the first OWNER exists (the SPA then shows first-run setup).
    async fn setup_required(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        setup::required(ctx.services()).await.gql()
    }
}

#[derive(Default)]
pub struct IdentityMutation;

#[Object]
impl IdentityMutation {
    /// Creates the first OWNER and signs them in; refused once any staff exists.
    async fn setup(&self, ctx: &Context<'_>, input: SetupInput) -> async_graphql::Result<AuthSession> {
        let tokens = setup::setup(ctx.services(), &input.email, &input.name, &input.password, ctx.meta()).await.gql()?;
        Ok(signed_in(ctx, tokens))
    }

    /// Checks e-mail and password; answers a session, or `requiresTwoFactor` with a
    /// pending token for `verifyTwoFactor`.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> async_graphql::Result<LoginResult> {
        check_auth_limit(ctx, "login").gql()?;
        match login::login(ctx.services(), &email, &password, ctx.meta()).await.gql()? {
            login::LoginOutcome::Session(tokens) => {
                Ok(LoginResult { requires_two_factor: false, pending_token: None, session: Some(signed_in(ctx, *tokens)) })
            }
            login::LoginOutcome::TwoFactorRequired { pending_token } => {
                Ok(LoginResult { requires_two_factor: true, pending_token: Some(pending_token), session: None })
            }
        }
    }

    /// Completes a sign-in with a TOTP code or a backup code.
    async fn verify_two_factor(&self, ctx: &Context<'_>, pending_token: String, code: String) -> async_graphql::Result<AuthSession> {
        check_auth_limit(ctx, "2fa").gql()?;
        let tokens = login::verify_two_factor(ctx.services(), &pending_token, &code, ctx.meta()).await.gql()?;
        Ok(signed_in(ctx, tokens))
    }

    /// Exchanges the refresh token (argument, or the cookie) for fresh tokens. A
    /// refresh token works once; reusing one revokes its whole session.
    async fn refresh_session(&self, ctx: &Context<'_>, refresh_token: Option<String>) -> async_graphql::Result<AuthSession> {
        let raw = refresh_token
            .or_else(|| ctx.request().refresh_cookie.clone())
            .ok_or_else(|| AppError::Unauthorized("no refresh token; sign in again".into()))
            .gql()?;
        let tokens = sessions::refresh(ctx.services(), &raw, ctx.meta()).await.gql()?;
        Ok(signed_in(ctx, tokens))
    }

    /// Ends the current session (and the cookie's) and clears the cookie.
    async fn logout(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let request = ctx.request();
        if request.refresh_cookie.is_none() {
            let principal = request.actor.principal().gql()?;
            if principal.session_id().is_none() {
                return Err(AppError::Forbidden("an API token has no session to end; revoke it with revokeApiToken".into())).gql();
            }
        }
        sessions::logout(ctx.services(), &request.actor, request.refresh_cookie.as_deref(), ctx.meta()).await.gql()?;
        ctx.append_http_header(SET_COOKIE, cookie(ctx, "", 0));
        Ok(true)
    }

    /// Changes the password; other sessions of the account are signed out.
    async fn change_password(&self, ctx: &Context<'_>, current_password: String, new_password: String) -> async_graphql::Result<bool> {
        let cap = ctx.actor().grant::<ManageOwnSecurity>().gql()?;
        accounts::change_password(ctx.services(), &cap, &current_password, &new_password, ctx.meta()).await.gql()?;
        Ok(true)
    }
}

fn check_auth_limit(ctx: &Context<'_>, what: &str) -> Result<(), AppError> {
    let limiter = &ctx.data::<AuthLimiter>().expect("AuthLimiter is schema data").0;
    let ip = ctx.meta().ip.as_deref().unwrap_or("unknown");
    let decision = limiter.check(&format!("{what}:{ip}"));
    if decision.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited { retry_after_secs: decision.retry_after_secs })
    }
}

/// Sets the refresh cookie and turns the tokens into the GraphQL answer.
pub(crate) fn signed_in(ctx: &Context<'_>, tokens: SessionTokens) -> AuthSession {
    let max_age = (tokens.session_expires_at - chrono::Utc::now()).num_seconds().max(0) as u64;
    ctx.append_http_header(SET_COOKIE, cookie(ctx, &tokens.refresh_token, max_age));
    tokens.into()
}

fn cookie(ctx: &Context<'_>, value: &str, max_age: u64) -> String {
    let secure = if ctx.services().config.secure_cookies() { "; Secure" } else { "" };
    format!("{REFRESH_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/graphql; Max-Age={max_age}{secure}")
}
