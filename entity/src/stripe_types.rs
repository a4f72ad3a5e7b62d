//! Enumerations of the Stripe tables, stored as short strings like the others.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What taking in a Stripe event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StripeEventOutcome {
    /// Its effect was written.
    #[sea_orm(string_value = "APPLIED")]
    Applied,
    /// A type Hub does not handle, acknowledged and kept.
    #[sea_orm(string_value = "IGNORED")]
    Ignored,
    /// Accepted and kept, but part of its effect needs a person (see `detail`).
    #[sea_orm(string_value = "NEEDS_ATTENTION")]
    NeedsAttention,
}

/// An invoice's state, following Stripe's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "PAID")]
    Paid,
    #[sea_orm(string_value = "UNCOLLECTIBLE")]
    Uncollectible,
    #[sea_orm(string_value = "VOID")]
    Void,
}

/// Whether one payment attempt on an invoice went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    #[sea_orm(string_value = "SUCCEEDED")]
    Succeeded,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}
