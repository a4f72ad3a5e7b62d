//! `customers`: the business record of a customer account (same id as `users`).

use sea_orm::entity::prelude::*;

use crate::control_types::CustomerStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    /// Equals the customer's `users.id`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub status: CustomerStatus,
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
