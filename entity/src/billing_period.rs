//! `billing_periods`: one customer's metering period — allotment, usage,
//! overage and its invoice — and when its usage alerts fired.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a period stands: OPEN while it runs, CLOSED once its end passed and its
/// overage is counted, INVOICED when Stripe has the invoice, PAID when it is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BillingPeriodStatus {
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
    #[sea_orm(string_value = "INVOICED")]
    Invoiced,
    #[sea_orm(string_value = "PAID")]
    Paid,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "billing_periods")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub customer_id: Uuid,
    pub subscription_id: Option<Uuid>,
    pub period_start: DateTimeUtc,
    /// Exclusive.
    pub period_end: DateTimeUtc,
    /// Plan allotment × the founding multiplier (while the seat had not expired at the start).
    pub allotment_tokens: i64,
    pub used_tokens: i64,
    pub overage_tokens: i64,
    pub overage_amount_minor: i64,
    /// ISO 4217, lower case (the plan's).
    pub currency: String,
    pub status: BillingPeriodStatus,
    pub invoice_id: Option<Uuid>,
    pub alert80_at: Option<DateTimeUtc>,
    pub alert100_at: Option<DateTimeUtc>,
    pub forecast_alert_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
