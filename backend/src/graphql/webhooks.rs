//! Outbound webhooks to tenant hosts: deliveries with their attempts, the
//! order's endpoint, and what staff do about them. Reading follows the order
//! (SUPPORT and above; a customer their own, read-only); redelivering and
//! re-enabling are order management (MANAGER and above). No secret is exposed.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{webhook_attempt, webhook_endpoint};
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
};
use crate::{
    auth::capability::{ManageOrders, ReadOrders},
    domain::webhooks::{self, endpoints, manage, read::DeliveryView},
};

/// What a webhook tells the Safety Wrapper about (spec 001 §8.2).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::WebhookEvent")]
pub enum WebhookEventType {
    /// Agent configuration changed: `{configVersion, changedFields}` to `/webhooks/config-update`.
    ConfigUpdated,
    /// An approval was decided: `{approvalId, action, respondedBy, …}` to `/webhooks/approval-response`.
    ApprovalResponded,
    /// A remote command was queued: `{commandId, type, payload}` to `/webhooks/command`.
    CommandQueued,
}

/// PENDING deliveries are retried until DELIVERED (2xx) or FAILED (out of attempts).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::WebhookDeliveryStatus")]
pub enum WebhookDeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

/// One HTTP attempt of a delivery.
#[derive(SimpleObject)]
pub struct WebhookAttempt {
    pub id: Uuid,
    /// Its number within the delivery's current cycle, from 1.
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// The HTTP status, when an answer came.
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub succeeded: bool,
}

impl From<webhook_attempt::Model> for WebhookAttempt {
    fn from(a: webhook_attempt::Model) -> Self {
        Self {
            id: a.id,
            attempt: a.attempt,
            started_at: a.started_at,
            duration_ms: a.duration_ms,
            status_code: a.status_code,
            error: a.error,
            succeeded: a.succeeded,
        }
    }
}

/// One event on its way to an order's Safety Wrapper. `id` is the event id
/// (`webhook-id`), the same on every attempt and redelivery.
#[derive(SimpleObject)]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub order_id: Uuid,
    pub event: WebhookEventType,
    /// The `X-LetsBe-Event` header value, e.g. `command.queued`.
    pub event_name: String,
    /// The command or approval it is about.
    pub subject_id: Option<Uuid>,
    /// The JSON body sent.
    pub payload: serde_json::Value,
    pub status: WebhookDeliveryStatus,
    /// Attempts in the current cycle (a redelivery or re-enable starts a new one).
    pub attempts: i32,
    /// When a PENDING delivery is tried next (held while the endpoint is disabled).
    pub next_attempt_at: DateTime<Utc>,
    /// Whether a worker is sending it right now.
    pub sending: bool,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<WebhookAttempt>,
}

impl From<DeliveryView> for WebhookDelivery {
    fn from(view: DeliveryView) -> Self {
        let d = view.delivery;
        Self {
            id: d.id,
            order_id: d.order_id,
            event: d.event.into(),
            event_name: webhooks::event_name(d.event).to_owned(),
            subject_id: d.subject_id,
            payload: d.payload,
            status: d.status.into(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            sending: d.locked_until.is_some_and(|until| until > Utc::now()),
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: d.created_at,
            updated_at: d.updated_at,
            delivered_at: d.delivered_at,
            attempt_log: view.attempts.into_iter().map(Into::into).collect(),
        }
    }
}

/// Where an order's Safety Wrapper takes webhooks. The signing secret is shown
/// only to the server, once, when it registers.
#[derive(SimpleObject)]
pub struct WebhookEndpoint {
    pub order_id: Uuid,
    /// The base URL the tenant reported; event paths are appended.
    pub url: Option<String>,
    /// Off after repeated failures (or a 410 Gone) until staff re-enable it;
    /// deliveries are held meanwhile.
    pub enabled: bool,
    /// Deliveries in a row that failed every attempt.
    pub consecutive_failures: i32,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub secret_issued_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<webhook_endpoint::Model> for WebhookEndpoint {
    fn from(e: webhook_endpoint::Model) -> Self {
        Self {
            order_id: e.order_id,
            url: e.url,
            enabled: e.enabled,
            consecutive_failures: e.consecutive_failures,
            disabled_at: e.disabled_at,
            disabled_reason: e.disabled_reason,
            secret_issued_at: e.secret_issued_at,
            updated_at: e.updated_at,
        }
    }
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Webhook deliveries, newest first, with their attempts: one order's (who
    /// may read the order), or without `orderId` every order's (staff SUPPORT
    /// and above) — a customer only ever sees their own orders'.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        order_id: Option<Uuid>,
        status: Option<WebhookDeliveryStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Paged<WebhookDelivery>> {
        let cap = ctx.actor().grant::<ReadOrders>().gql()?;
        paged(first, after, |page| webhooks::read::list(ctx.services(), &cap, order_id, status.map(Into::into), page)).await
    }

    /// The order's webhook endpoint; null until its server registers with a URL
    /// or a secret (who may read the order).
    async fn webhook_endpoint(&self, ctx: &Context<'_>, order_id: Uuid) -> async_graphql::Result<Option<WebhookEndpoint>> {
        let cap = ctx.actor().grant::<ReadOrders>().gql()?;
        Ok(endpoints::get(ctx.services(), &cap, order_id).await.gql()?.map(Into::into))
    }
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Sends a delivery again (MANAGER and above): PENDING, due now, with a
    /// fresh set of attempts and the same event id. `CONFLICT` while a worker is
    /// sending it.
    async fn redeliver_webhook(&self, ctx: &Context<'_>, delivery_id: Uuid) -> async_graphql::Result<WebhookDelivery> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        manage::redeliver(ctx.services(), &cap, delivery_id, ctx.meta()).await.map(Into::into).gql()
    }

    /// Switches an order's webhook endpoint back on (MANAGER and above): held
    /// deliveries go out at once and the open alert about it is acknowledged.
    async fn enable_webhook_endpoint(&self, ctx: &Context<'_>, order_id: Uuid) -> async_graphql::Result<WebhookEndpoint> {
        let cap = ctx.actor().grant::<ManageOrders>().gql()?;
        manage::enable_endpoint(ctx.services(), &cap, order_id, ctx.meta()).await.map(Into::into).gql()
    }
}
