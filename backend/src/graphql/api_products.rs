//! API products (spec 003): projects, their keys (owner only, CONTRACT.md §2),
//! tiers, products and end users. Secrets appear only in the answers of the
//! mutations that create them (`createApiProject`, `createApiKey`,
//! `rotateApiKey`, `promoteApiProject`), once.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{api_end_user, api_key, api_product, api_project, api_tier};
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
};
use crate::{
    auth::capability::{ManageApiProjects, ReadApiProjects},
    domain::api_products::{
        end_users::{self, EndUserView},
        keys::{self, IssuedKey, KeyStatus},
        products::{self, ProductInput},
        projects::{self, CreatedProject},
        tiers::{self, TierInput},
    },
};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::ApiProjectKind")]
pub enum ApiProjectKind {
    /// Subscription tiers with usage limits.
    Saas,
    /// One-off products with inventory.
    Store,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::ApiMode")]
pub enum ApiMode {
    Test,
    Live,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ApiKeyStatus {
    Active,
    /// Rotated away; works until `expiresAt`.
    Expiring,
    Expired,
    Revoked,
}

impl From<KeyStatus> for ApiKeyStatus {
    fn from(s: KeyStatus) -> Self {
        match s {
            KeyStatus::Active => Self::Active,
            KeyStatus::Expiring => Self::Expiring,
            KeyStatus::Expired => Self::Expired,
            KeyStatus::Revoked => Self::Revoked,
        }
    }
}

/// A customer's API project; its kind is locked at creation.
#[derive(SimpleObject)]
pub struct ApiProject {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub kind: ApiProjectKind,
    /// When it went live; null while only TEST exists.
    pub live_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<api_project::Model> for ApiProject {
    fn from(p: api_project::Model) -> Self {
        Self {
            id: p.id,
            customer_id: p.customer_id,
            name: p.name,
            kind: p.kind.into(),
            live_at: p.live_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A secret key, as lists show it: never the secret, only its hint.
#[derive(SimpleObject)]
pub struct ApiKey {
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub publishable_key: String,
    /// `sk_test_…a1b2`
    pub secret_hint: String,
    pub status: ApiKeyStatus,
    /// End of a rotation's grace period.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<api_key::Model> for ApiKey {
    fn from(k: api_key::Model) -> Self {
        let status = keys::status(&k, Utc::now()).into();
        Self {
            id: k.id,
            project_id: k.project_id,
            mode: k.mode.into(),
            publishable_key: k.publishable_key,
            secret_hint: k.secret_hint,
            status,
            expires_at: k.expires_at,
            revoked_at: k.revoked_at,
            created_at: k.created_at,
        }
    }
}

/// A new key with its secret: shown this once, stored only as a hash.
#[derive(SimpleObject)]
pub struct IssuedApiKey {
    pub key: ApiKey,
    pub secret: String,
}

impl From<IssuedKey> for IssuedApiKey {
    fn from(i: IssuedKey) -> Self {
        Self { key: i.key.into(), secret: i.secret }
    }
}

/// A project with the key made with it (TEST at creation, LIVE at promotion).
#[derive(SimpleObject)]
pub struct ApiProjectWithKey {
    pub project: ApiProject,
    pub key: IssuedApiKey,
}

impl From<CreatedProject> for ApiProjectWithKey {
    fn from(c: CreatedProject) -> Self {
        Self { project: c.project.into(), key: c.key.into() }
    }
}

/// A SaaS tier; `name` is the `X-User-Plan` value.
#[derive(SimpleObject)]
pub struct ApiTier {
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub name: String,
    pub display_name: String,
    pub price_minor: i64,
    pub currency: String,
    /// Calls per period; null: unlimited.
    pub usage_limit: Option<i64>,
    pub stripe_price_id: Option<String>,
    pub features: Vec<String>,
    pub popular: bool,
    pub sort_order: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<api_tier::Model> for ApiTier {
    fn from(t: api_tier::Model) -> Self {
        let features = serde_json::from_value(t.features).unwrap_or_default();
        Self {
            id: t.id,
            project_id: t.project_id,
            mode: t.mode.into(),
            name: t.name,
            display_name: t.display_name,
            price_minor: t.price_minor,
            currency: t.currency,
            usage_limit: t.usage_limit,
            stripe_price_id: t.stripe_price_id,
            features,
            popular: t.popular,
            sort_order: t.sort_order,
            updated_at: t.updated_at,
        }
    }
}

/// A Store product.
#[derive(SimpleObject)]
pub struct ApiProduct {
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub name: String,
    pub description: Option<String>,
    pub image_url: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub inventory: i64,
    pub sold_out: bool,
    pub stripe_price_id: Option<String>,
    pub sort_order: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<api_product::Model> for ApiProduct {
    fn from(p: api_product::Model) -> Self {
        Self {
            id: p.id,
            project_id: p.project_id,
            mode: p.mode.into(),
            name: p.name,
            description: p.description,
            image_url: p.image_url,
            price_minor: p.price_minor,
            currency: p.currency,
            sold_out: p.inventory <= 0,
            inventory: p.inventory,
            stripe_price_id: p.stripe_price_id,
            sort_order: p.sort_order,
            updated_at: p.updated_at,
        }
    }
}

/// An end user of a project's mode and their calls this period.
#[derive(SimpleObject)]
pub struct ApiEndUser {
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    /// The developer's user id (`X-User-Id`).
    pub external_id: String,
    pub email: Option<String>,
    /// Set by a paid checkout or the developer; wins over `X-User-Plan`.
    pub tier_name: Option<String>,
    pub current_period_start: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    /// Calls admitted in the period that contains now.
    pub usage_count: i64,
    /// The tier this period's calls were counted under.
    pub counted_tier: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<EndUserView> for ApiEndUser {
    fn from(v: EndUserView) -> Self {
        let api_end_user::Model {
            id,
            project_id,
            mode,
            external_id,
            email,
            tier_name,
            current_period_start,
            current_period_end,
            created_at,
            ..
        } = v.user;
        Self {
            id,
            project_id,
            mode: mode.into(),
            external_id,
            email,
            tier_name,
            current_period_start,
            current_period_end,
            usage_count: v.usage_count,
            counted_tier: v.counted_tier,
            created_at,
        }
    }
}

impl From<api_end_user::Model> for ApiEndUser {
    fn from(user: api_end_user::Model) -> Self {
        EndUserView { user, usage_count: 0, counted_tier: None }.into()
    }
}

#[derive(InputObject)]
pub struct CreateApiProjectInput {
    pub name: String,
    /// Locked forever.
    pub kind: ApiProjectKind,
}

#[derive(InputObject)]
pub struct UpdateApiProjectInput {
    pub name: String,
}

/// A tier; `(projectId, mode, name)` picks the one to replace, else a new one is made.
#[derive(InputObject)]
pub struct ApiTierInput {
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub name: String,
    pub display_name: String,
    pub price_minor: i64,
    /// ISO 4217, e.g. `eur`.
    pub currency: String,
    /// Null: unlimited.
    pub usage_limit: Option<i64>,
    pub stripe_price_id: Option<String>,
    #[graphql(default)]
    pub features: Vec<String>,
    #[graphql(default)]
    pub popular: bool,
    #[graphql(default)]
    pub sort_order: i32,
}

/// A product; with `id` it changes that product, without it makes a new one.
#[derive(InputObject)]
pub struct ApiProductInput {
    pub id: Option<Uuid>,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub name: String,
    pub description: Option<String>,
    pub image_url: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub inventory: i64,
    pub stripe_price_id: Option<String>,
    #[graphql(default)]
    pub sort_order: i32,
}

#[derive(Default)]
pub struct ApiProductsQuery;

#[Object]
impl ApiProductsQuery {
    /// API projects, newest first (staff SUPPORT+: all; a customer: their own).
    async fn api_projects(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> async_graphql::Result<Paged<ApiProject>> {
        let cap = ctx.actor().grant::<ReadApiProjects>().gql()?;
        paged(first, after, |page| projects::list(ctx.services(), &cap, page)).await
    }

    /// One API project (another customer's is NOT_FOUND).
    async fn api_project(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ApiProject> {
        let cap = ctx.actor().grant::<ReadApiProjects>().gql()?;
        projects::get(ctx.services(), &cap, id).await.map(Into::into).gql()
    }

    /// A project's secret keys of `mode`, newest first, by hint (the owner only).
    async fn api_keys(&self, ctx: &Context<'_>, project_id: Uuid, mode: ApiMode) -> async_graphql::Result<Vec<ApiKey>> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        let keys = keys::list(ctx.services(), &cap, project_id, mode.into()).await.gql()?;
        Ok(keys.into_iter().map(Into::into).collect())
    }

    /// A SaaS project's tiers of `mode`, in display order.
    async fn api_tiers(&self, ctx: &Context<'_>, project_id: Uuid, mode: ApiMode) -> async_graphql::Result<Vec<ApiTier>> {
        let cap = ctx.actor().grant::<ReadApiProjects>().gql()?;
        let tiers = tiers::list(ctx.services(), &cap, project_id, mode.into()).await.gql()?;
        Ok(tiers.into_iter().map(Into::into).collect())
    }

    /// A Store project's products of `mode`, in display order.
    async fn api_products(&self, ctx: &Context<'_>, project_id: Uuid, mode: ApiMode) -> async_graphql::Result<Vec<ApiProduct>> {
        let cap = ctx.actor().grant::<ReadApiProjects>().gql()?;
        let products = products::list(ctx.services(), &cap, project_id, mode.into()).await.gql()?;
        Ok(products.into_iter().map(Into::into).collect())
    }

    /// End users of a project's mode, newest first, with this period's usage.
    async fn api_end_users(
        &self,
        ctx: &Context<'_>,
        project_id: Uuid,
        mode: ApiMode,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Paged<ApiEndUser>> {
        let cap = ctx.actor().grant::<ReadApiProjects>().gql()?;
        paged(first, after, |page| end_users::list(ctx.services(), &cap, project_id, mode.into(), page)).await
    }
}

#[derive(Default)]
pub struct ApiProductsMutation;

#[Object]
impl ApiProductsMutation {
    /// Creates a project (SAAS or STORE, locked) with its TEST keys; the secret is answered once.
    async fn create_api_project(&self, ctx: &Context<'_>, input: CreateApiProjectInput) -> async_graphql::Result<ApiProjectWithKey> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        projects::create(ctx.services(), &cap, &input.name, input.kind.into(), ctx.meta()).await.map(Into::into).gql()
    }

    /// Renames a project (its kind never changes).
    async fn update_api_project(&self, ctx: &Context<'_>, id: Uuid, input: UpdateApiProjectInput) -> async_graphql::Result<ApiProject> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        projects::rename(ctx.services(), &cap, id, &input.name, ctx.meta()).await.map(Into::into).gql()
    }

    /// Goes live, once: LIVE keys (secret answered once) and the TEST tiers or products copied to LIVE.
    async fn promote_api_project(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ApiProjectWithKey> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        projects::promote(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Another secret key for the mode's publishable key; the secret is answered once.
    async fn create_api_key(&self, ctx: &Context<'_>, project_id: Uuid, mode: ApiMode) -> async_graphql::Result<IssuedApiKey> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        keys::create(ctx.services(), &cap, project_id, mode.into(), ctx.meta()).await.map(Into::into).gql()
    }

    /// Revokes a key at once.
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ApiKey> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        keys::revoke(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Rotates a key: the new secret is answered once; the old one works until the grace ends.
    async fn rotate_api_key(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<IssuedApiKey> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        keys::rotate(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Creates or replaces a SaaS tier.
    async fn upsert_api_tier(&self, ctx: &Context<'_>, input: ApiTierInput) -> async_graphql::Result<ApiTier> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        let input = TierInput {
            project_id: input.project_id,
            mode: input.mode.into(),
            name: input.name,
            display_name: input.display_name,
            price_minor: input.price_minor,
            currency: input.currency,
            usage_limit: input.usage_limit,
            stripe_price_id: input.stripe_price_id,
            features: input.features,
            popular: input.popular,
            sort_order: input.sort_order,
        };
        tiers::upsert(ctx.services(), &cap, input, ctx.meta()).await.map(Into::into).gql()
    }

    /// Deletes a tier; answers it as it was.
    async fn delete_api_tier(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ApiTier> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        tiers::delete(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Creates or changes a Store product.
    async fn upsert_api_product(&self, ctx: &Context<'_>, input: ApiProductInput) -> async_graphql::Result<ApiProduct> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        let input = ProductInput {
            id: input.id,
            project_id: input.project_id,
            mode: input.mode.into(),
            name: input.name,
            description: input.description,
            image_url: input.image_url,
            price_minor: input.price_minor,
            currency: input.currency,
            inventory: input.inventory,
            stripe_price_id: input.stripe_price_id,
            sort_order: input.sort_order,
        };
        products::upsert(ctx.services(), &cap, input, ctx.meta()).await.map(Into::into).gql()
    }

    /// Deletes a product; answers it as it was.
    async fn delete_api_product(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ApiProduct> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        products::delete(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Sets an end user's tier (null clears it, so `X-User-Plan` decides again).
    async fn set_api_end_user_tier(&self, ctx: &Context<'_>, id: Uuid, tier_name: Option<String>) -> async_graphql::Result<ApiEndUser> {
        let cap = ctx.actor().grant::<ManageApiProjects>().gql()?;
        end_users::set_tier(ctx.services(), &cap, id, tier_name, ctx.meta()).await.map(Into::into).gql()
    }
}
