//! Plans, subscriptions and founding-member seats.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{founding_member, plan, subscription};
use uuid::Uuid;

use super::{context::ContextExt, error::GqlResultExt};
use crate::{
    auth::capability::{ManageBilling, OwnAccount, ReadCustomers},
    domain::billing::{founding, plans, subscriptions},
};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::PlanCode")]
pub enum PlanCode {
    Starter,
    Pro,
    Enterprise,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::SubscriptionStatus")]
pub enum SubscriptionStatus {
    Incomplete,
    Trialing,
    Active,
    PastDue,
    Cancelled,
}

/// A plan of the catalogue; prices in minor units of `currency`.
#[derive(SimpleObject)]
pub struct Plan {
    pub id: Uuid,
    pub code: PlanCode,
    pub tier: String,
    pub name: String,
    /// Tokens included per billing period.
    pub token_allotment: i64,
    pub price_minor: i64,
    pub currency: String,
    pub stripe_price_id: Option<String>,
    pub active: bool,
    pub sort_order: i32,
}

impl From<plan::Model> for Plan {
    fn from(p: plan::Model) -> Self {
        Self {
            id: p.id,
            code: p.code.into(),
            tier: p.tier,
            name: p.name,
            token_allotment: p.token_allotment,
            price_minor: p.price_minor,
            currency: p.currency,
            stripe_price_id: p.stripe_price_id,
            active: p.active,
            sort_order: p.sort_order,
        }
    }
}

/// A customer's current subscription and its plan.
#[derive(SimpleObject)]
pub struct CustomerSubscription {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub plan: Plan,
    pub status: SubscriptionStatus,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub current_period_start: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<(subscription::Model, plan::Model)> for CustomerSubscription {
    fn from((s, p): (subscription::Model, plan::Model)) -> Self {
        Self {
            id: s.id,
            customer_id: s.customer_id,
            plan: p.into(),
            status: s.status.into(),
            stripe_customer_id: s.stripe_customer_id,
            stripe_subscription_id: s.stripe_subscription_id,
            current_period_start: s.current_period_start,
            current_period_end: s.current_period_end,
            cancel_at_period_end: s.cancel_at_period_end,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A founding-member seat.
#[derive(SimpleObject)]
pub struct FoundingMember {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// The seat number, from 1.
    pub number: i32,
    pub token_multiplier: i32,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl From<founding_member::Model> for FoundingMember {
    fn from(f: founding_member::Model) -> Self {
        Self {
            id: f.id,
            customer_id: f.customer_id,
            number: f.number,
            token_multiplier: f.token_multiplier,
            expires_at: f.expires_at,
            created_at: f.created_at,
        }
    }
}

/// Omitted fields stay as they are; an empty `stripePriceId` clears it.
#[derive(InputObject)]
pub struct UpdatePlanInput {
    pub name: Option<String>,
    pub token_allotment: Option<i64>,
    pub price_minor: Option<i64>,
    pub stripe_price_id: Option<String>,
    pub active: Option<bool>,
}

#[derive(Default)]
pub struct BillingQuery;

#[Object]
impl BillingQuery {
    /// Plans in catalogue order: the active ones (any signed-in account), or all of
    /// them with `includeInactive` (ADMIN and above).
    async fn plans(&self, ctx: &Context<'_>, include_inactive: Option<bool>) -> async_graphql::Result<Vec<Plan>> {
        let found = if include_inactive == Some(true) {
            let cap = ctx.actor().grant::<ManageBilling>().gql()?;
            plans::list_all(ctx.services(), &cap).await.gql()?
        } else {
            let cap = ctx.actor().grant::<OwnAccount>().gql()?;
            plans::list_active(ctx.services(), &cap).await.gql()?
        };
        Ok(found.into_iter().map(Into::into).collect())
    }

    /// A customer's current subscription, null without one (staff: any; a customer: own).
    async fn subscription(&self, ctx: &Context<'_>, customer_id: Uuid) -> async_graphql::Result<Option<CustomerSubscription>> {
        let cap = ctx.actor().grant::<ReadCustomers>().gql()?;
        subscriptions::get(ctx.services(), &cap, customer_id).await.map(|s| s.map(Into::into)).gql()
    }
}

#[derive(Default)]
pub struct BillingMutation;

#[Object]
impl BillingMutation {
    /// Changes a plan (ADMIN and above).
    async fn update_plan(&self, ctx: &Context<'_>, id: Uuid, input: UpdatePlanInput) -> async_graphql::Result<Plan> {
        let cap = ctx.actor().grant::<ManageBilling>().gql()?;
        let changes = plans::PlanChanges {
            name: input.name,
            token_allotment: input.token_allotment,
            price_minor: input.price_minor,
            stripe_price_id: input.stripe_price_id,
            active: input.active,
        };
        plans::update(ctx.services(), &cap, id, changes, ctx.meta()).await.map(Into::into).gql()
    }

    /// Creates or changes a customer's current subscription (ADMIN and above).
    async fn set_subscription(
        &self,
        ctx: &Context<'_>,
        customer_id: Uuid,
        plan_id: Uuid,
        status: SubscriptionStatus,
    ) -> async_graphql::Result<CustomerSubscription> {
        let cap = ctx.actor().grant::<ManageBilling>().gql()?;
        subscriptions::set(ctx.services(), &cap, customer_id, plan_id, status.into(), ctx.meta()).await.map(Into::into).gql()
    }

    /// Gives a customer the next founding-member seat (ADMIN and above).
    async fn grant_founding_member(
        &self,
        ctx: &Context<'_>,
        customer_id: Uuid,
        token_multiplier: i32,
        expires_at: DateTime<Utc>,
    ) -> async_graphql::Result<FoundingMember> {
        let cap = ctx.actor().grant::<ManageBilling>().gql()?;
        founding::grant(ctx.services(), &cap, customer_id, token_multiplier, expires_at, ctx.meta()).await.map(Into::into).gql()
    }
}
