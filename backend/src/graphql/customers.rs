//! Customers: list, read, create (with a set-password link), update, and the
//! mutation with which a customer sets a password through that link.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
    identity::signed_in,
    types::AuthSession,
};
use crate::{
    auth::capability::{CreateCustomers, ReadCustomers, UpdateCustomers},
    domain::customers::{self, CustomerView},
};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::CustomerStatus")]
pub enum CustomerStatus {
    Active,
    Suspended,
    Cancelled,
}

/// A customer account and its business record (nested fields: `graphql/nested.rs`).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Customer {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub status: CustomerStatus,
    /// Staff notes; always null for a customer reading their own record.
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CustomerView> for Customer {
    fn from(v: CustomerView) -> Self {
        Self {
            id: v.id,
            email: v.email,
            name: v.name,
            company: v.company,
            phone: v.phone,
            status: v.status.into(),
            notes: v.notes,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

/// A new customer and the one-time link with which they choose a password.
#[derive(SimpleObject)]
pub struct CustomerCreated {
    pub customer: Customer,
    /// Shown this once; valid 7 days. Pass it to `setPassword`.
    pub set_password_token: String,
    /// The SPA path to send the customer: `/set-password?token=…`.
    pub set_password_path: String,
}

#[derive(InputObject)]
pub struct CreateCustomerInput {
    pub email: String,
    pub name: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// Omitted fields stay as they are; an empty string clears company, phone or notes.
#[derive(InputObject)]
pub struct UpdateCustomerInput {
    pub name: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub status: Option<CustomerStatus>,
    pub notes: Option<String>,
}

#[derive(Default)]
pub struct CustomerQuery;

#[Object]
impl CustomerQuery {
    /// Customers, newest first (staff). `search` matches name, e-mail or company.
    async fn customers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        search: Option<String>,
        status: Option<CustomerStatus>,
    ) -> async_graphql::Result<Paged<Customer>> {
        let cap = ctx.actor().grant::<ReadCustomers>().gql()?;
        let filter = customers::CustomerFilter { search, status: status.map(Into::into) };
        paged(first, after, |page| customers::list(ctx.services(), &cap, filter, page)).await
    }

    /// One customer (staff: any; a customer: only their own).
    async fn customer(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Customer> {
        let cap = ctx.actor().grant::<ReadCustomers>().gql()?;
        customers::get(ctx.services(), &cap, id).await.map(Into::into).gql()
    }
}

#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
    /// Creates a customer account (ADMIN and above); answers a one-time set-password link.
    async fn create_customer(&self, ctx: &Context<'_>, input: CreateCustomerInput) -> async_graphql::Result<CustomerCreated> {
        let cap = ctx.actor().grant::<CreateCustomers>().gql()?;
        let new =
            customers::NewCustomer { email: input.email, name: input.name, company: input.company, phone: input.phone, notes: input.notes };
        let (customer, token) = customers::create(ctx.services(), &cap, new, ctx.meta()).await.gql()?;
        let set_password_path = format!("/set-password?token={token}");
        Ok(CustomerCreated { customer: customer.into(), set_password_token: token, set_password_path })
    }

    /// Changes a customer's record (MANAGER and above).
    async fn update_customer(&self, ctx: &Context<'_>, id: Uuid, input: UpdateCustomerInput) -> async_graphql::Result<Customer> {
        let cap = ctx.actor().grant::<UpdateCustomers>().gql()?;
        let changes = customers::CustomerChanges {
            name: input.name,
            company: input.company,
            phone: input.phone,
            status: input.status.map(Into::into),
            notes: input.notes,
        };
        customers::update(ctx.services(), &cap, id, changes, ctx.meta()).await.map(Into::into).gql()
    }

    /// Sets the password with a one-time link token and signs the account in.
    async fn set_password(&self, ctx: &Context<'_>, token: String, password: String) -> async_graphql::Result<AuthSession> {
        let tokens = customers::set_password(ctx.services(), &token, &password, ctx.meta()).await.gql()?;
        Ok(signed_in(ctx, tokens))
    }
}
