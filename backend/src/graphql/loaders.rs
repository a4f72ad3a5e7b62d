//! Per-request DataLoaders for nested fields that cross areas (Customer.orders,
//! Customer.subscription, Order.customer, Order.agents…). A `Loaders` is built for
//! one request (or one WebSocket connection) from its own actor and keeps no cache
//! (async-graphql's `DataLoader::new` only batches), so nothing loaded for one
//! viewer can reach another; every batch goes through the domain's scoped batch
//! functions, so a customer's loader only ever reads that customer's rows. Each
//! nested list costs one query per level, not one per row.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    ErrorExtensions,
};
use entity::{agent_config, founding_member, order, plan, subscription};
use uuid::Uuid;

use crate::{
    auth::{
        capability::{ReadAgents, ReadCustomers, ReadOrders},
        Actor,
    },
    domain::{agents, billing, customers, customers::CustomerView, orders, tenants::status},
    error::AppError,
    Services,
};

/// The loaders of one request.
pub struct Loaders {
    pub customers: DataLoader<ByKey<CustomerById>>,
    pub subscriptions: DataLoader<ByKey<SubscriptionByCustomer>>,
    pub founding_members: DataLoader<ByKey<FoundingByCustomer>>,
    pub orders_by_customer: DataLoader<ByKey<OrdersByCustomer>>,
    pub agents_by_order: DataLoader<ByKey<AgentsByOrder>>,
    pub servers_by_order: DataLoader<ByKey<ServerByOrder>>,
}

impl Loaders {
    /// Loaders acting as `actor`.
    pub fn new(services: &Services, actor: &Actor) -> Self {
        let source = Source { services: services.clone(), actor: Arc::new(actor.clone()) };
        Self {
            customers: DataLoader::new(ByKey::new(&source), tokio::spawn),
            subscriptions: DataLoader::new(ByKey::new(&source), tokio::spawn),
            founding_members: DataLoader::new(ByKey::new(&source), tokio::spawn),
            orders_by_customer: DataLoader::new(ByKey::new(&source), tokio::spawn),
            agents_by_order: DataLoader::new(ByKey::new(&source), tokio::spawn),
            servers_by_order: DataLoader::new(ByKey::new(&source), tokio::spawn),
        }
    }
}

/// Who is asking, and with what.
#[derive(Clone)]
pub struct Source {
    services: Services,
    actor: Arc<Actor>,
}

/// A loader of one kind of row by a UUID key, answered by [`Batch::load`].
pub struct ByKey<K> {
    source: Source,
    _kind: std::marker::PhantomData<fn() -> K>,
}

impl<K> ByKey<K> {
    fn new(source: &Source) -> Self {
        Self { source: source.clone(), _kind: std::marker::PhantomData }
    }
}

/// One batch function of the domain, as a loader kind.
pub trait Batch: Send + Sync + 'static {
    type Value: Clone + Send + Sync + 'static;
    fn load(source: &Source, keys: &[Uuid]) -> impl std::future::Future<Output = Result<HashMap<Uuid, Self::Value>, AppError>> + Send;
}

impl<K: Batch> Loader<Uuid> for ByKey<K> {
    type Value = K::Value;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        K::load(&self.source, keys).await.map_err(|e| e.extend())
    }
}

pub struct CustomerById;
impl Batch for CustomerById {
    type Value = CustomerView;
    async fn load(source: &Source, keys: &[Uuid]) -> Result<HashMap<Uuid, CustomerView>, AppError> {
        customers::by_ids(&source.services, &source.actor.grant::<ReadCustomers>()?, keys).await
    }
}

pub struct SubscriptionByCustomer;
impl Batch for SubscriptionByCustomer {
    type Value = (subscription::Model, plan::Model);
    async fn load(source: &Source, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        billing::subscriptions_by_customers(&source.services, &source.actor.grant::<ReadCustomers>()?, keys).await
    }
}

pub struct FoundingByCustomer;
impl Batch for FoundingByCustomer {
    type Value = founding_member::Model;
    async fn load(source: &Source, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        billing::founding_by_customers(&source.services, &source.actor.grant::<ReadCustomers>()?, keys).await
    }
}

pub struct OrdersByCustomer;
impl Batch for OrdersByCustomer {
    type Value = Vec<order::Model>;
    async fn load(source: &Source, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        orders::by_customers(&source.services, &source.actor.grant::<ReadOrders>()?, keys).await
    }
}

pub struct AgentsByOrder;
impl Batch for AgentsByOrder {
    type Value = Vec<agent_config::Model>;
    async fn load(source: &Source, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        agents::by_orders(&source.services, &source.actor.grant::<ReadAgents>()?, keys).await
    }
}

pub struct ServerByOrder;
impl Batch for ServerByOrder {
    type Value = status::ServerStatus;
    async fn load(source: &Source, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, AppError> {
        status::by_orders(&source.services, &source.actor.grant::<ReadOrders>()?, keys).await
    }
}
