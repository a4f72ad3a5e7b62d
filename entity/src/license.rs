//! `licenses`: a customer's right to sites on one child project (spec 000 §5).

use sea_orm::entity::prelude::*;

use crate::site_types::LicenseStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "licenses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The licence key (`lic_…`) children see in provisioning calls.
    pub key: String,
    pub customer_id: Uuid,
    pub project_id: Uuid,
    /// The plan the licence was sold under, as a label (e.g. `PRO`).
    pub plan: String,
    pub max_sites: i32,
    /// Sites taken (any status); only ever raised by a conditional update.
    pub sites_used: i32,
    pub status: LicenseStatus,
    pub expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
