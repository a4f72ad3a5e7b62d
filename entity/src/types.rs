//! Enumerations stored as short strings so both SQLite and PostgreSQL hold them alike.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Whether an account belongs to a member of staff or to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountKind {
    #[sea_orm(string_value = "STAFF")]
    Staff,
    #[sea_orm(string_value = "CUSTOMER")]
    Customer,
}

/// Staff roles, most powerful first; compare them with [`StaffRole::at_least`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StaffRole {
    #[sea_orm(string_value = "OWNER")]
    Owner,
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "MANAGER")]
    Manager,
    #[sea_orm(string_value = "SUPPORT")]
    Support,
}

impl StaffRole {
    /// Higher is more powerful: OWNER 4, ADMIN 3, MANAGER 2, SUPPORT 1.
    pub fn rank(self) -> u8 {
        match self {
            StaffRole::Owner => 4,
            StaffRole::Admin => 3,
            StaffRole::Manager => 2,
            StaffRole::Support => 1,
        }
    }

    /// True when this role has every power of `other`.
    pub fn at_least(self, other: StaffRole) -> bool {
        self.rank() >= other.rank()
    }
}
