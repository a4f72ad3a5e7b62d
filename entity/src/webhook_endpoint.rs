//! `webhook_endpoints`: where an order's Safety Wrapper takes webhooks, the
//! signing secret (encrypted with the master key) and whether sending is on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: Uuid,
    /// The Safety Wrapper's base URL as the tenant reported it; paths are appended.
    pub url: Option<String>,
    /// `whsec_…`, encrypted with the master key; never shown after registration.
    pub secret_encrypted: String,
    pub secret_issued_at: DateTimeUtc,
    pub enabled: bool,
    /// Deliveries in a row that used up every attempt; reset by any success.
    pub consecutive_failures: i32,
    pub disabled_at: Option<DateTimeUtc>,
    pub disabled_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
