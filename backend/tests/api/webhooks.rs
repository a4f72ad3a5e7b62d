//! Outbound webhooks to tenant hosts (spec 001 §8.2): the durable outbox, its
//! worker, signatures, retries, auto-disable, redelivery and who may do what.
//! A real local HTTP server plays the Safety Wrapper (`receiver.rs`).

mod all_orders;
mod delivery;
mod endpoint;
mod events;
mod receiver;

use std::{future::Future, time::Duration};

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

/// What a registered tenant holds.
pub struct Tenant {
    pub hub_key: String,
    pub secret: String,
}

/// Customer A's FULFILLED order, its server registered with `url` as its Safety
/// Wrapper, and who is who.
pub struct Wired {
    pub owner: String,
    pub a_token: String,
    pub a: Uuid,
    pub order: Uuid,
    pub tenant: Tenant,
}

/// Sets up the OWNER, customer A and A's order, and registers the order's server.
pub async fn wire(app: &TestApp, url: Option<&str>) -> Wired {
    let owner = app.setup_owner().await;
    let (a_token, a) = crate::agents::customer(app, "a@example.com").await;
    let order = crate::agents::order_of(app, a).await;
    let tenant = register(app, &owner, order, url).await;
    Wired { owner, a_token, a, order, tenant }
}

/// Issues a registration token as `staff` and registers the order's server,
/// reporting `url` as its Safety Wrapper.
pub async fn register(app: &TestApp, staff: &str, order: Uuid, url: Option<&str>) -> Tenant {
    let res = app.gql("mutation($o: UUID!) { issueRegistrationToken(orderId: $o) }", json!({ "o": order }), Some(staff)).await;
    let token = res.data("issueRegistrationToken").as_str().unwrap().to_owned();
    let (status, body) = post(app, "/api/v1/tenant/register", None, json!({ "registrationToken": token, "safetyWrapperUrl": url })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Tenant {
        hub_key: body["data"]["hubApiKey"].as_str().unwrap().to_owned(),
        secret: body["data"]["webhookSecret"].as_str().unwrap().to_owned(),
    }
}

/// POSTs JSON to a REST route, with a hub key if given.
pub async fn post(app: &TestApp, path: &str, key: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(app.url(path)).json(&body);
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.json().await.unwrap())
}

pub const DELIVERIES: &str = "query($o: UUID!, $s: WebhookDeliveryStatus) { webhookDeliveries(orderId: $o, status: $s, first: 50) { totalCount nodes { id event eventName subjectId payload status attempts nextAttemptAt sending lastStatus lastError deliveredAt attemptLog { attempt statusCode error succeeded durationMs } } } }";
pub const ENDPOINT: &str = "query($o: UUID!) { webhookEndpoint(orderId: $o) { orderId url enabled consecutiveFailures disabledAt disabledReason secretIssuedAt } }";
pub const REDELIVER: &str = "mutation($id: UUID!) { redeliverWebhook(deliveryId: $id) { id status attempts attemptLog { attempt } } }";
pub const ENABLE: &str = "mutation($o: UUID!) { enableWebhookEndpoint(orderId: $o) { enabled consecutiveFailures disabledAt } }";
pub const QUEUE: &str =
    "mutation($o: UUID!) { queueRemoteCommand(orderId: $o, command: RESTART_SERVICE, args: { service: \"ghost\" }) { id } }";

/// The order's deliveries (newest first), as `token` sees them.
pub async fn deliveries(app: &TestApp, token: &str, order: Uuid) -> Vec<Value> {
    let res = app.gql(DELIVERIES, json!({ "o": order }), Some(token)).await;
    res.data("webhookDeliveries.nodes").as_array().unwrap().clone()
}

/// Queues a RESTART_SERVICE command; returns its id.
pub async fn queue_command(app: &TestApp, staff: &str, order: Uuid) -> String {
    app.gql(QUEUE, json!({ "o": order }), Some(staff)).await.data("queueRemoteCommand.id").as_str().unwrap().to_owned()
}

/// Polls `check` until it answers `Some`, for up to 15 s (the work is asynchronous).
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A Hub whose outbox worker polls every 20 ms and retries after `base_backoff_ms`.
pub async fn spawn_with_worker(base_backoff_ms: u64, tweak: impl FnOnce(&mut hub::config::Config)) -> TestApp {
    spawn_app_with(|c| {
        c.webhooks.worker = true;
        c.webhooks.poll_interval_ms = 20;
        c.webhooks.base_backoff_ms = base_backoff_ms;
        c.rate_limit.per_minute = 100_000;
        tweak(c);
    })
    .await
}
