//! `tenant_credentials`: an order's one-time registration token and its hub key,
//! both stored only as SHA-256 digests (spec 001 §3.3).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: Uuid,
    pub registration_token_hash: Option<String>,
    pub registration_expires_at: Option<DateTimeUtc>,
    pub hub_key_hash: Option<String>,
    pub hub_key_issued_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
