//! `stripe_events`: every Stripe event Hub took in, by Stripe's event id, written
//! in the same transaction as its effect so that each id takes effect once.

use sea_orm::entity::prelude::*;

use crate::stripe_types::StripeEventOutcome;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stripe_events")]
pub struct Model {
    /// Stripe's event id (`evt_…`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// e.g. `checkout.session.completed`.
    pub event_type: String,
    /// The id of `data.object` (`cs_…`, `in_…`, `sub_…`).
    pub object_id: Option<String>,
    pub outcome: StripeEventOutcome,
    /// Why an event was ignored or needs attention.
    pub detail: Option<String>,
    /// The event as Stripe sent it (verified).
    pub payload: Json,
    /// The event's `created` time at Stripe.
    pub stripe_created_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
