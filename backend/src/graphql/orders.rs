//! Orders, their provisioning runs and logs, and remote commands.

use async_graphql::{Context, InputObject, Json, Object};
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
    order_types::{AutomationMode, Order, OrderStatus, ProvisioningJob, ProvisioningLogLine, RemoteCommand, RemoteCommandKind},
};
use crate::{
    auth::capability::{ManageContainers, ManageOrders, ReadOrders},
    domain::{
        orders::{self, provisioning, read, remote_commands},
        tenants,
    },
};

#[derive(InputObject)]
pub struct CreateOrderInput {
    pub customer_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub tier: String,
    /// The customer's domain, e.g. `acme.example.com`.
    pub domain: String,
    /// Tool slugs (`[a-z0-9-]+`); duplicates are dropped.
    #[graphql(default)]
    pub tools: Vec<String>,
    /// MANUAL when left out.
    pub automation_mode: Option<AutomationMode>,
}

/// Fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateOrderInput {
    pub domain: Option<String>,
    pub tier: Option<String>,
    pub tools: Option<Vec<String>>,
    pub server_ip: Option<String>,
    pub ssh_port: Option<i32>,
    pub dashboard_url: Option<String>,
    pub portainer_url: Option<String>,
}

#[derive(Default)]
pub struct OrderQuery;

#[Object]
impl OrderQuery {
    /// Orders, newest first (staff: all; a customer: their own). `search` matches
    /// the domain and the customer's name or e-mail address.
    async fn orders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<OrderStatus>,
        tier: Option<String>,
        search: Option<String>,
    ) -> async_graphql::Result<Paged<Order>> {
        let cap = ctx.actor().grant::<ReadOrders>().gql()?;
        let filter = orders::OrderFilter { status: status.map(Into::into), tier, search };
        paged(first, after, |page| orders::list(ctx.services(), &cap, filter, page)).await
    }

    /// One order (staff: any; a customer: their own).
    async fn order(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Order> {
        let cap = ctx.actor().grant::<ReadOrders>().gql()?;
        orders::get(ctx.services(), &cap, id).await.map(Into::into).gql()
    }

    /// The provisioning runs of an order, newest first.
    async fn provisioning_jobs(&self, ctx: &Context<'_>, order_id: Uuid) -> async_graphql::Result<Vec<ProvisioningJob>> {
        let cap = ctx.actor().grant::<ReadOrders>().gql()?;
        let jobs = provisioning::jobs(ctx.services(), &cap, order_id).await.gql()?;
        Ok(jobs.into_iter().map(Into::into).collect())
    }

    /// The provisioning log of an order, oldest line first, run by run.
    async fn provisioning_log(
        &self,
        ctx: &Context<'_>,
        order_id: Uuid,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Paged<ProvisioningLogLine>> {
        let cap = ctx.actor().grant::<ReadOrders>().gql()?;
        paged(first, after, |page| read::log_lines(ctx.services(), &cap, order_id, page)).await
    }

    /// Remote commands queued for an order's server, newest first.
    async fn remote_commands(
        &self,
        ctx: &Context<'_>,
        order_id: Uuid,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Paged<RemoteCommand>> {
        let cap = ctx.actor().grant::<ReadOrders>().gql()?;
        paged(first, after, |page| remote_commands::list(ctx.services(), &cap, order_id, page)).await
    }
}

#[derive(Default)]
pub struct OrderMutation;

#[Object]
impl OrderMutation {
    /// Creates a paid order (PAYMENT_CONFIRMED) for a customer (MANAGER and above).
    /// In AUTO mode it starts provisioning at once.
    async fn create_order(&self, ctx: &Context<'_>, input: CreateOrderInput) -> async_graphql::Result<Order> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        let new = orders::NewOrder {
            customer_id: input.customer_id,
            plan_id: input.plan_id,
            tier: input.tier,
            domain: input.domain,
            tools: input.tools,
            automation_mode: input.automation_mode.map(Into::into),
        };
        orders::create(ctx.services(), &cap, new, ctx.meta()).await.map(Into::into).gql()
    }

    /// Changes an order's domain, tier, tools or server details (MANAGER and above).
    async fn update_order(&self, ctx: &Context<'_>, id: Uuid, input: UpdateOrderInput) -> async_graphql::Result<Order> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        let changes = orders::OrderChanges {
            domain: input.domain,
            tier: input.tier,
            tools: input.tools,
            server_ip: input.server_ip,
            ssh_port: input.ssh_port,
            dashboard_url: input.dashboard_url,
            portainer_url: input.portainer_url,
        };
        orders::update(ctx.services(), &cap, id, changes, ctx.meta()).await.map(Into::into).gql()
    }

    /// Sets the automation mode (MANAGER and above); AUTO on a paid order starts provisioning.
    async fn set_automation_mode(&self, ctx: &Context<'_>, id: Uuid, mode: AutomationMode) -> async_graphql::Result<Order> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        orders::set_automation_mode(ctx.services(), &cap, id, mode.into(), ctx.meta()).await.map(Into::into).gql()
    }

    /// Starts a provisioning run (MANAGER and above) from PAYMENT_CONFIRMED,
    /// AWAITING_DNS or FAILED; follow it with `order` and `provisioningLog`.
    async fn provision_order(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ProvisioningJob> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        provisioning::provision(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Mints the order's one-time tenant registration token (MANAGER and above),
    /// valid for 7 days and replacing any unused earlier one. It is shown only
    /// here; the server exchanges it at `POST /api/v1/tenant/register`. A
    /// CANCELLED order is `CONFLICT`.
    async fn issue_registration_token(&self, ctx: &Context<'_>, order_id: Uuid) -> async_graphql::Result<String> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        tenants::issue_registration_token(ctx.services(), &cap, order_id, ctx.meta()).await.gql()
    }

    /// Cancels an order that is neither FULFILLED nor CANCELLED (MANAGER and above).
    async fn cancel_order(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Order> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        orders::cancel(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Marks a paid order as waiting for its DNS records (MANAGER and above).
    async fn mark_order_awaiting_dns(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Order> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        orders::mark_awaiting_dns(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Queues a command for an order's server (SUPPORT and above); `args` is a
    /// JSON object of at most 4 KB.
    async fn queue_remote_command(
        &self,
        ctx: &Context<'_>,
        order_id: Uuid,
        command: RemoteCommandKind,
        args: Option<Json<serde_json::Value>>,
    ) -> async_graphql::Result<RemoteCommand> {
        let cap = ctx.actor().grant::<ManageContainers>().gql()?;
        let args = args.map(|Json(v)| v);
        remote_commands::queue(ctx.services(), &cap, order_id, command.into(), args, ctx.meta()).await.map(Into::into).gql()
    }
}
