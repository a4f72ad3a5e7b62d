//! Enumerations of the API-product tables (spec 003), stored as short strings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What an API project sells; chosen at creation and locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiProjectKind {
    /// Subscription tiers with usage limits.
    #[sea_orm(string_value = "SAAS")]
    Saas,
    /// One-off products with inventory.
    #[sea_orm(string_value = "STORE")]
    Store,
}

/// Test or live: keys, tiers, end users and counters of the two modes never mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiMode {
    #[sea_orm(string_value = "TEST")]
    Test,
    #[sea_orm(string_value = "LIVE")]
    Live,
}

impl ApiMode {
    /// The key prefix word: `pk_test_…`, `sk_live_…`.
    pub fn word(self) -> &'static str {
        match self {
            ApiMode::Test => "test",
            ApiMode::Live => "live",
        }
    }
}

/// What an API checkout buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiCheckoutKind {
    /// A SaaS end user's subscription to a tier.
    #[sea_orm(string_value = "SUBSCRIPTION")]
    Subscription,
    /// A Store cart of products, paid once.
    #[sea_orm(string_value = "CART")]
    Cart,
}

/// Where an API checkout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiCheckoutStatus {
    /// Opened; not paid yet.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Paid and applied (tier set, or inventory decremented).
    #[sea_orm(string_value = "PAID")]
    Paid,
    /// Paid, but some line had not enough inventory left: nothing went below
    /// zero and an alert was raised.
    #[sea_orm(string_value = "OVERSOLD")]
    Oversold,
}
