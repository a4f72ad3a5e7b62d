//! `plans`: the catalogue. One row per plan family and tier, prices in minor units.

use sea_orm::entity::prelude::*;

use crate::control_types::PlanCode;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: PlanCode,
    /// e.g. `Lite`, `Build`, `Scale`; unique within a plan family.
    pub tier: String,
    pub name: String,
    /// Tokens included per billing period.
    pub token_allotment: i64,
    pub price_minor: i64,
    /// ISO 4217, lower case (as Stripe writes it).
    pub currency: String,
    pub stripe_price_id: Option<String>,
    pub active: bool,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
