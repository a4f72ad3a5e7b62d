//! `api_products`: a Store project's one-off products per mode (spec 003
//! "Store"); bought by Stripe price id. `inventory` never goes below zero.

use sea_orm::entity::prelude::*;

use crate::api_types::ApiMode;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub name: String,
    pub description: Option<String>,
    pub image_url: Option<String>,
    pub price_minor: i64,
    /// ISO 4217, lower case.
    pub currency: String,
    /// Units left; 0: sold out.
    pub inventory: i64,
    pub stripe_price_id: Option<String>,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
