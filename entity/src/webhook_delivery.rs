//! `webhook_deliveries`: the outbox. One row per event for an order's endpoint,
//! written in the transaction of the change it reports; its id is the event id
//! (`webhook-id`) and stays the same across retries.

use sea_orm::entity::prelude::*;

use crate::webhook_types::{WebhookDeliveryStatus, WebhookEvent};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub event: WebhookEvent,
    /// The command or approval the event is about, if any.
    pub subject_id: Option<Uuid>,
    /// The JSON body sent, exactly as signed.
    pub payload: Json,
    pub status: WebhookDeliveryStatus,
    /// Attempts in the current cycle (a redelivery or re-enable starts a new one).
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker holds the delivery until then; nobody else sends it meanwhile.
    pub locked_until: Option<DateTimeUtc>,
    /// Which claim holds the lease; the outcome is written only by that claim.
    pub claim_token: Option<Uuid>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
