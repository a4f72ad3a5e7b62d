//! `invoices`: Stripe invoices of Hub customers, amounts in minor units. An
//! invoice may arrive before Hub knows its customer; the links fill in later.

use sea_orm::entity::prelude::*;

use crate::stripe_types::InvoiceStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `in_…`
    #[sea_orm(unique)]
    pub stripe_invoice_id: String,
    pub customer_id: Option<Uuid>,
    pub subscription_id: Option<Uuid>,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub status: InvoiceStatus,
    pub amount_due: i64,
    pub amount_paid: i64,
    /// ISO 4217, lower case (as Stripe writes it).
    pub currency: String,
    pub period_start: Option<DateTimeUtc>,
    pub period_end: Option<DateTimeUtc>,
    pub hosted_invoice_url: Option<String>,
    /// The `created` time (unix seconds) of the event this state comes from.
    pub state_at: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
