//! `api_projects`: a customer's API product (spec 003 "publishableKey = Project").

use sea_orm::entity::prelude::*;

use crate::api_types::ApiProjectKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    /// Locked at creation.
    pub kind: ApiProjectKind,
    /// Set when the project went live (its live key set exists).
    pub live_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
