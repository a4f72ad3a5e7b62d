//! Integrators' API tokens.

use async_graphql::{Context, Object};
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
    types::{ApiToken, ApiTokenCreated},
};
use crate::{
    auth::capability::{ManageOwnSecurity, OwnAccount},
    domain::identity::api_tokens,
};

#[derive(Default)]
pub struct ApiTokenQuery;

#[Object]
impl ApiTokenQuery {
    /// The caller's API tokens, newest first.
    async fn api_tokens(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> async_graphql::Result<Paged<ApiToken>> {
        let cap = ctx.actor().grant::<OwnAccount>().gql()?;
        paged(first, after, |page| api_tokens::list(ctx.services(), &cap, page)).await
    }
}

#[derive(Default)]
pub struct ApiTokenMutation;

#[Object]
impl ApiTokenMutation {
    /// Creates an API token with the caller's permissions; the secret is shown once.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        name: String,
        expires_in_days: Option<i32>,
    ) -> async_graphql::Result<ApiTokenCreated> {
        let cap = ctx.actor().grant::<ManageOwnSecurity>().gql()?;
        let (created, token) = api_tokens::create(ctx.services(), &cap, &name, expires_in_days, ctx.meta()).await.gql()?;
        Ok(ApiTokenCreated { api_token: created.into(), token })
    }

    /// Revokes one of the caller's API tokens.
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ApiToken> {
        let cap = ctx.actor().grant::<ManageOwnSecurity>().gql()?;
        api_tokens::revoke(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }
}
