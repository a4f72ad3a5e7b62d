//! Enumerations of licences and licensed sites, stored as short strings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Whether a licence may have sites added to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LicenseStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    #[sea_orm(string_value = "REVOKED")]
    Revoked,
}

/// Where a licensed site stands with its child project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SiteStatus {
    /// Written, the child not (yet) answered.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// The child provisioned it.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// The child refused or could not be reached; staff may retry.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}
