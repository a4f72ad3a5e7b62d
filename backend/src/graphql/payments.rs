//! Paying through Stripe: Checkout for a plan, the billing portal, cancelling
//! at period end. Each answers a URL to send the person to, or `STRIPE_ERROR`.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use uuid::Uuid;

use super::{billing::CustomerSubscription, context::ContextExt, error::GqlResultExt};
use crate::{
    auth::capability::UseBilling,
    domain::payments::{self, CheckoutRequest, SessionLink},
};

/// A Stripe-hosted page: go to `url`.
#[derive(SimpleObject)]
pub struct StripeSession {
    /// Stripe's id of the session (`cs_…`, `bps_…`).
    pub id: String,
    pub url: String,
}

impl From<SessionLink> for StripeSession {
    fn from(link: SessionLink) -> Self {
        Self { id: link.id, url: link.url }
    }
}

/// What to buy: `planId` for a tenant at `domain` with `tools`.
#[derive(InputObject)]
pub struct StartCheckoutInput {
    /// Staff name the customer; a customer may leave it out.
    pub customer_id: Option<Uuid>,
    pub plan_id: Uuid,
    pub domain: String,
    #[graphql(default)]
    pub tools: Vec<String>,
}

#[derive(Default)]
pub struct PaymentsMutation;

#[Object]
impl PaymentsMutation {
    /// Opens a Stripe Checkout for a plan (a customer for themselves, ADMIN and
    /// above for any customer). Paying it creates the subscription and the order.
    async fn start_checkout(&self, ctx: &Context<'_>, input: StartCheckoutInput) -> async_graphql::Result<StripeSession> {
        let cap = ctx.actor().grant::<UseBilling>().gql()?;
        let request = CheckoutRequest { customer_id: input.customer_id, plan_id: input.plan_id, domain: input.domain, tools: input.tools };
        payments::start_checkout(ctx.services(), &cap, request, ctx.meta()).await.map(Into::into).gql()
    }

    /// Opens the customer's Stripe billing portal (payment methods, invoices).
    async fn open_billing_portal(&self, ctx: &Context<'_>, customer_id: Option<Uuid>) -> async_graphql::Result<StripeSession> {
        let cap = ctx.actor().grant::<UseBilling>().gql()?;
        payments::open_billing_portal(ctx.services(), &cap, customer_id).await.map(Into::into).gql()
    }

    /// Cancels the customer's current subscription at the end of its period.
    async fn cancel_subscription(&self, ctx: &Context<'_>, customer_id: Option<Uuid>) -> async_graphql::Result<CustomerSubscription> {
        let cap = ctx.actor().grant::<UseBilling>().gql()?;
        payments::cancel_at_period_end(ctx.services(), &cap, customer_id, ctx.meta()).await.map(Into::into).gql()
    }
}
