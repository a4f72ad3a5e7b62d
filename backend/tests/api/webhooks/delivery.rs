//! Delivery: retries until the Safety Wrapper answers 2xx, both signatures, the
//! attempt log, and pending deliveries outliving a Hub restart.

use entity::{remote_command, webhook_delivery, RemoteCommandStatus, WebhookDeliveryStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::{
    deliveries, eventually, queue_command,
    receiver::{unused_addr, SafetyWrapper},
    spawn_with_worker, wire, Wired,
};
use crate::helpers::*;

/// The order's only delivery, read straight from the database.
async fn only_delivery(app: &TestApp, order: Uuid) -> Option<webhook_delivery::Model> {
    let rows = webhook_delivery::Entity::find().filter(webhook_delivery::Column::OrderId.eq(order)).all(&app.services.db).await.unwrap();
    assert!(rows.len() <= 1, "one event, one delivery");
    rows.into_iter().next()
}

async fn delivered(app: &TestApp, order: Uuid) -> webhook_delivery::Model {
    eventually("the delivery to be DELIVERED", || async {
        only_delivery(app, order).await.filter(|d| d.status == WebhookDeliveryStatus::Delivered)
    })
    .await
}

#[tokio::test]
async fn a_failing_safety_wrapper_gets_the_webhook_once_it_answers_with_both_signatures_valid() {
    let app = spawn_with_worker(20, |_| {}).await;
    let wrapper = SafetyWrapper::start(503).await;
    let Wired { owner, order, tenant, .. } = wire(&app, Some(&wrapper.url())).await;
    assert!(tenant.secret.starts_with("whsec_"));
    wrapper.trust(&tenant.secret);

    let command = queue_command(&app, &owner, order).await;
    eventually("two refused attempts", || async { (wrapper.received().len() >= 2).then_some(()) }).await;
    wrapper.answer(200);
    let done = delivered(&app, order).await;

    let received = wrapper.received();
    assert!(received.len() >= 3, "{received:?}");
    for got in &received {
        assert!(got.letsbe_ok && got.standard_ok, "both signatures verify: {got:?}");
        assert_eq!((got.path.as_str(), got.event.as_str()), ("/webhooks/command", "command.queued"));
        assert_eq!(got.id, done.id.to_string(), "the event id stays the same on every attempt");
        assert_eq!(got.body["commandId"], command.as_str());
        assert_eq!((&got.body["type"], &got.body["payload"]), (&json!("RESTART_SERVICE"), &json!({ "service": "ghost" })));
    }

    let nodes = deliveries(&app, &owner, order).await;
    assert_eq!(nodes.len(), 1);
    let node = &nodes[0];
    assert_eq!(
        (node["status"].as_str(), node["event"].as_str(), node["lastStatus"].as_i64()),
        (Some("DELIVERED"), Some("COMMAND_QUEUED"), Some(200))
    );
    assert_eq!(node["subjectId"], command.as_str());
    let log = node["attemptLog"].as_array().unwrap();
    assert_eq!(log.len(), received.len(), "every attempt is logged");
    assert_eq!(node["attempts"].as_u64(), Some(log.len() as u64));
    let (last, failed) = log.split_last().unwrap();
    assert_eq!((last["succeeded"].as_bool(), last["statusCode"].as_i64()), (Some(true), Some(200)));
    for (n, attempt) in failed.iter().enumerate() {
        assert_eq!(attempt["attempt"].as_u64(), Some(n as u64 + 1));
        assert_eq!((attempt["succeeded"].as_bool(), attempt["statusCode"].as_i64()), (Some(false), Some(503)));
        assert_eq!(attempt["error"], "HTTP 503 Service Unavailable");
    }

    // The tenant has the command now: the heartbeat does not hand it over again.
    let row = remote_command::Entity::find_by_id(command.parse::<Uuid>().unwrap()).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!(row.status, RemoteCommandStatus::Delivered);
    let beat = json!({ "status": "healthy", "configVersion": 0 });
    let (_, reply) = super::post(&app, "/api/v1/tenant/heartbeat", Some(&tenant.hub_key), beat).await;
    assert_eq!(reply["data"]["pendingCommands"], json!([]));
}

#[tokio::test]
async fn pending_deliveries_survive_a_restart_of_hub() {
    let app = spawn_with_worker(200, |_| {}).await;
    let addr = unused_addr().await;
    let Wired { owner, order, tenant, .. } = wire(&app, Some(&format!("http://{addr}"))).await;
    queue_command(&app, &owner, order).await;
    let refused = eventually("a refused attempt", || async {
        only_delivery(&app, order).await.filter(|d| d.attempts >= 1 && d.locked_until.is_none())
    })
    .await;
    assert_eq!(refused.status, WebhookDeliveryStatus::Pending);
    assert!(refused.last_error.as_deref().is_some_and(|e| e.starts_with("could not connect")), "{:?}", refused.last_error);

    let app = app.restart().await;
    let wrapper = SafetyWrapper::start_on(addr, 200).await;
    wrapper.trust(&tenant.secret);
    let done = delivered(&app, order).await;
    assert!(done.attempts >= 2);
    let received = wrapper.received();
    assert_eq!(received.len(), 1, "the restarted Hub sent it once");
    assert!(received[0].letsbe_ok && received[0].standard_ok);
    assert_eq!(received[0].id, done.id.to_string());
    let log = deliveries(&app, &owner, order).await[0]["attemptLog"].as_array().unwrap().clone();
    assert!(log.first().unwrap()["statusCode"].is_null() && log.last().unwrap()["succeeded"] == true, "{log:?}");
}
