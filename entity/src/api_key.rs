//! `api_keys`: one secret key of a project's mode, with its publishable key.
//! The secret is stored only as its SHA-256 (hex). A rotation adds a row with
//! the same publishable key and gives the old row an `expires_at` (grace period).

use sea_orm::entity::prelude::*;

use crate::api_types::ApiMode;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    /// `pk_test_…` / `pk_live_…`: public, identifies the project's mode.
    pub publishable_key: String,
    /// Hex SHA-256 of the whole secret key.
    #[sea_orm(unique)]
    pub secret_hash: String,
    /// The secret's prefix and last four characters, e.g. `sk_test_…a1b2`, for lists.
    pub secret_hint: String,
    /// End of a rotation's grace period; none while the key is current.
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
