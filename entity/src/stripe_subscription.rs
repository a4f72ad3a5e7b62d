//! `stripe_subscriptions`: Stripe's state of a subscription as the newest event
//! told it, kept whether or not the Hub subscription exists yet (events may
//! arrive before the checkout that introduces it). Hub's `subscriptions` row
//! with the same Stripe id is a projection of this one.

use sea_orm::entity::prelude::*;

use crate::control_types::SubscriptionStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stripe_subscriptions")]
pub struct Model {
    /// `sub_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub stripe_subscription_id: String,
    pub stripe_customer_id: Option<String>,
    /// Stripe's own word (`active`, `past_due`, `canceled`, …).
    pub stripe_status: String,
    /// The same in Hub's vocabulary.
    pub status: SubscriptionStatus,
    pub current_period_start: Option<DateTimeUtc>,
    pub current_period_end: Option<DateTimeUtc>,
    pub cancel_at_period_end: bool,
    /// The `created` time (unix seconds) of the event this state comes from;
    /// an older event never overwrites a newer one.
    pub state_at: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
