//! `payments`: one row per payment attempt on an invoice, as Stripe reported it
//! (`invoice.payment_succeeded` / `invoice.payment_failed`).

use sea_orm::entity::prelude::*;

use crate::stripe_types::PaymentStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub invoice_id: Uuid,
    /// The event that reported the attempt; one row per event.
    #[sea_orm(unique)]
    pub stripe_event_id: String,
    pub stripe_payment_intent_id: Option<String>,
    pub status: PaymentStatus,
    /// Paid (succeeded) or due (failed), in minor units of `currency`.
    pub amount: i64,
    pub currency: String,
    pub attempt_count: i32,
    pub occurred_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
