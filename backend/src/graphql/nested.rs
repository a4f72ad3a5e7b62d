//! Nested fields that cross areas, resolved through the request's [`Loaders`], so
//! a page of customers with their subscriptions, orders and agents costs the same
//! number of queries whatever its length.

use async_graphql::{ComplexObject, Context};

use super::{
    agents::AgentConfig,
    billing::{CustomerSubscription, FoundingMember},
    customers::Customer,
    loaders::Loaders,
    order_types::Order,
    tenant_server::TenantServer,
};

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a Loaders {
    ctx.data::<Loaders>().expect("the transports insert Loaders into every request")
}

#[ComplexObject]
impl Customer {
    /// The current subscription with its plan, if any.
    async fn subscription(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CustomerSubscription>> {
        Ok(loaders(ctx).subscriptions.load_one(self.id).await?.map(Into::into))
    }

    /// The customer's orders, newest first.
    async fn orders(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Order>> {
        let orders = loaders(ctx).orders_by_customer.load_one(self.id).await?.unwrap_or_default();
        Ok(orders.into_iter().map(Into::into).collect())
    }

    /// The founding-member seat, if the customer holds one.
    async fn founding_member(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<FoundingMember>> {
        Ok(loaders(ctx).founding_members.load_one(self.id).await?.map(Into::into))
    }
}

#[ComplexObject]
impl Order {
    /// The customer who bought the order.
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Customer>> {
        Ok(loaders(ctx).customers.load_one(self.customer_id).await?.map(Into::into))
    }

    /// The agents deployed on the order's tenant.
    async fn agents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AgentConfig>> {
        let agents = loaders(ctx).agents_by_order.load_one(self.id).await?.unwrap_or_default();
        Ok(agents.into_iter().map(Into::into).collect())
    }

    /// The tenant server as its last heartbeat tells: ONLINE, OFFLINE or NEVER,
    /// its versions and figures. Null only for an order the viewer may not read.
    async fn server(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TenantServer>> {
        Ok(loaders(ctx).servers_by_order.load_one(self.id).await?.map(Into::into))
    }
}
