//! Endpoints: the URL and secret from registration and heartbeats, auto-disable
//! with one alert, re-enabling, and redelivery.

use entity::{alert, audit_event, webhook_delivery, webhook_endpoint, AlertSeverity, WebhookDeliveryStatus};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::{
    deliveries, eventually, post, queue_command, receiver::SafetyWrapper, register, spawn_with_worker, wire, Wired, ENABLE, ENDPOINT,
    REDELIVER,
};
use crate::{agents::customer, agents::order_of, helpers::*};

async fn endpoint_row(app: &TestApp, order: Uuid) -> webhook_endpoint::Model {
    webhook_endpoint::Entity::find_by_id(order).one(&app.services.db).await.unwrap().expect("an endpoint")
}

async fn rows(app: &TestApp, order: Uuid) -> Vec<webhook_delivery::Model> {
    webhook_delivery::Entity::find().filter(webhook_delivery::Column::OrderId.eq(order)).all(&app.services.db).await.unwrap()
}

/// A MANAGER's and a SUPPORT member's access tokens.
async fn managers(app: &TestApp, owner: &str) -> (String, String) {
    let manager = app.invite_and_accept(owner, "manager@example.com", "MANAGER").await;
    (manager, app.invite_and_accept(owner, "support@example.com", "SUPPORT").await)
}

async fn audited(app: &TestApp, action: &str) -> usize {
    audit_event::Entity::find().filter(audit_event::Column::Action.eq(action)).all(&app.services.db).await.unwrap().len()
}

#[tokio::test]
async fn an_endpoint_that_keeps_failing_is_disabled_once_with_one_alert_and_holds_new_events_until_re_enabled() {
    let app = spawn_with_worker(10, |c| {
        c.webhooks.max_attempts = 2;
        c.webhooks.auto_disable_after = 2;
    })
    .await;
    let wrapper = SafetyWrapper::start(503).await;
    let mut events = app.services.events.subscribe();
    let Wired { owner, a, order, tenant, .. } = wire(&app, Some(&wrapper.url())).await;
    wrapper.trust(&tenant.secret);
    let (manager, support) = managers(&app, &owner).await;

    for _ in 0..3 {
        queue_command(&app, &owner, order).await;
    }
    eventually("the endpoint to be disabled", || async { (!endpoint_row(&app, order).await.enabled).then_some(()) }).await;
    let settled = eventually("no delivery in flight", || async {
        let all = rows(&app, order).await;
        all.iter().all(|d| d.locked_until.is_none()).then_some(all)
    })
    .await;
    let failed = settled.iter().filter(|d| d.status == WebhookDeliveryStatus::Failed).count();
    assert!(failed >= 2, "the threshold is two FAILED deliveries: {settled:?}");
    assert!(settled.iter().filter(|d| d.status == WebhookDeliveryStatus::Failed).all(|d| d.attempts == 2));

    let alerts = alert::Entity::find().all(&app.services.db).await.unwrap();
    assert_eq!(alerts.len(), 1, "one alert however many deliveries failed: {alerts:?}");
    assert_eq!((alerts[0].alert_type.as_str(), alerts[0].severity), ("WEBHOOK_ENDPOINT_DISABLED", AlertSeverity::Warning));
    assert_eq!((alerts[0].customer_id, alerts[0].subject_id.clone()), (Some(a), Some(order.to_string())));
    assert!(alerts[0].acknowledged_at.is_none());
    let announced: Vec<_> = std::iter::from_fn(|| events.try_recv().ok())
        .filter_map(|e| match e {
            hub::events::Event::Alert(a) => Some(a.alert),
            _ => None,
        })
        .collect();
    assert_eq!(announced.len(), 1, "the alert is announced once, after its commit");
    assert_eq!(*announced[0], alerts[0]);
    assert_eq!(audited(&app, "webhook.endpoint_disabled").await, 1);
    let shown = app.gql(ENDPOINT, json!({ "o": order }), Some(&support)).await;
    assert_eq!(shown.data("webhookEndpoint.enabled"), false);
    assert!(shown.data("webhookEndpoint.disabledReason").as_str().unwrap().contains("in a row"));

    // Disabled: a new event is stored and held, nothing more is sent.
    let sent = wrapper.received().len();
    queue_command(&app, &owner, order).await;
    assert_eq!(hub::jobs::outbox::deliver_due_batch(&app.services).await.unwrap(), 0, "nothing is claimable");
    let all = rows(&app, order).await;
    let held = all.iter().filter(|d| d.status == WebhookDeliveryStatus::Pending).count();
    assert_eq!(held + failed, 4, "every event is kept: {all:?}");
    assert!(all.iter().any(|d| d.status == WebhookDeliveryStatus::Pending && d.attempts == 0), "the new one was never tried");
    assert_eq!(wrapper.received().len(), sent);

    assert_eq!(app.gql(ENABLE, json!({ "o": order }), Some(&support)).await.code(), "FORBIDDEN");
    wrapper.answer(200);
    let enabled = app.gql(ENABLE, json!({ "o": order }), Some(&manager)).await;
    assert_eq!(
        (enabled.data("enableWebhookEndpoint.enabled"), enabled.data("enableWebhookEndpoint.consecutiveFailures")),
        (&json!(true), &json!(0))
    );
    eventually("the held deliveries to go out", || async {
        let all = rows(&app, order).await;
        let pending = all.iter().any(|d| d.status == WebhookDeliveryStatus::Pending);
        (!pending).then_some(())
    })
    .await;
    assert_eq!(rows(&app, order).await.iter().filter(|d| d.status == WebhookDeliveryStatus::Failed).count(), failed, "FAILED stays FAILED");
    let alert = alert::Entity::find_by_id(alerts[0].id).one(&app.services.db).await.unwrap().unwrap();
    assert!(alert.acknowledged_at.is_some() && alert.acknowledged_by.is_some(), "re-enabling deals with the alert");
    assert_eq!(audited(&app, "webhook.endpoint_enabled").await, 1);
}

#[tokio::test]
async fn managers_redeliver_with_the_same_event_id_and_others_may_not() {
    let app = spawn_with_worker(20, |_| {}).await;
    let wrapper = SafetyWrapper::start(200).await;
    let Wired { owner, a_token, order, tenant, .. } = wire(&app, Some(&wrapper.url())).await;
    wrapper.trust(&tenant.secret);
    let (manager, support) = managers(&app, &owner).await;
    queue_command(&app, &owner, order).await;
    let id = eventually("the first delivery", || async {
        rows(&app, order).await.into_iter().find(|d| d.status == WebhookDeliveryStatus::Delivered).map(|d| d.id)
    })
    .await;

    for who in [&support, &a_token] {
        assert_eq!(app.gql(REDELIVER, json!({ "id": id }), Some(who)).await.code(), "FORBIDDEN");
    }
    assert_eq!(app.gql(REDELIVER, json!({ "id": Uuid::new_v4() }), Some(&manager)).await.code(), "NOT_FOUND");
    let again = app.gql(REDELIVER, json!({ "id": id }), Some(&manager)).await;
    assert_eq!((again.data("redeliverWebhook.status"), again.data("redeliverWebhook.attempts")), (&json!("PENDING"), &json!(0)));
    eventually("the second delivery", || async { (wrapper.received().len() == 2).then_some(()) }).await;
    let received = wrapper.received();
    assert_eq!(received[0].id, received[1].id);
    assert!(received.iter().all(|r| r.letsbe_ok && r.standard_ok));
    let node = eventually("DELIVERED again", || async {
        let nodes = deliveries(&app, &owner, order).await;
        nodes.into_iter().find(|n| n["status"] == "DELIVERED" && n["attemptLog"].as_array().unwrap().len() == 2)
    })
    .await;
    assert_eq!(node["attemptLog"][1]["attempt"], 1, "a redelivery starts a new cycle");
    assert_eq!(audited(&app, "webhook.redelivered").await, 1);
}

#[tokio::test]
async fn registration_hands_out_the_secret_once_and_heartbeats_update_the_url() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a_token, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let res = app.gql("mutation($o: UUID!) { issueRegistrationToken(orderId: $o) }", json!({ "o": order }), Some(&owner)).await;
    let token = res.data("issueRegistrationToken").as_str().unwrap().to_owned();
    let (status, body) =
        post(&app, "/api/v1/tenant/register", None, json!({ "registrationToken": token, "safetyWrapperUrl": "ftp://x" })).await;
    assert_eq!((status, body["error"]["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("safetyWrapperUrl")));
    let (status, body) = post(
        &app,
        "/api/v1/tenant/register",
        None,
        json!({ "registrationToken": token, "safetyWrapperUrl": "https://sw.acme.example.com/" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a refused URL does not spend the token: {body}");
    let secret = body["data"]["webhookSecret"].as_str().unwrap().to_owned();
    let key = body["data"]["hubApiKey"].as_str().unwrap().to_owned();

    let shown = app.gql(ENDPOINT, json!({ "o": order }), Some(&a_token)).await;
    assert_eq!(shown.data("webhookEndpoint.url"), "https://sw.acme.example.com");
    assert_eq!(shown.data("webhookEndpoint.enabled"), true);
    let beat = json!({ "status": "healthy", "configVersion": 0, "safetyWrapperUrl": "https://sw2.acme.example.com" });
    assert_eq!(post(&app, "/api/v1/tenant/heartbeat", Some(&key), beat).await.0, StatusCode::OK);
    assert_eq!(endpoint_row(&app, order).await.url.as_deref(), Some("https://sw2.acme.example.com"));
    let bad = json!({ "status": "healthy", "configVersion": 0, "safetyWrapperUrl": "nope" });
    let (status, body) = post(&app, "/api/v1/tenant/heartbeat", Some(&key), bad).await;
    assert_eq!((status, body["error"]["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("safetyWrapperUrl")));

    // Registering again rotates the secret and keeps the URL when none is sent.
    let rotated = register(&app, &owner, order, None).await;
    assert_ne!(rotated.secret, secret);
    let row = endpoint_row(&app, order).await;
    assert_eq!(row.url.as_deref(), Some("https://sw2.acme.example.com"));
    assert!(!row.secret_encrypted.contains(&rotated.secret), "stored encrypted");
    assert_eq!(app.services.master_key.decrypt(&row.secret_encrypted).unwrap(), rotated.secret.as_bytes());

    // Never shown again: the schema has no field for it, and no log holds it.
    let asked = app.gql("query($o: UUID!) { webhookEndpoint(orderId: $o) { secret } }", json!({ "o": order }), Some(&owner)).await;
    assert_eq!(asked.code(), "VALIDATION_ERROR");
    let audit = format!("{:?}", audit_event::Entity::find().all(&app.services.db).await.unwrap());
    assert!(!audit.contains(&secret) && !audit.contains(&rotated.secret));
}

#[tokio::test]
async fn an_open_alert_is_raised_once_per_dedupe_key_and_again_after_acknowledgement() {
    use hub::domain::alerts::{acknowledge_by_key, raise, NewAlert};
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let me: Uuid = app.gql(ME, json!({}), Some(&owner)).await.data("me.id").as_str().unwrap().parse().unwrap();
    let alert = |key: &str| NewAlert {
        alert_type: "WEBHOOK_ENDPOINT_DISABLED",
        severity: AlertSeverity::Warning,
        customer_id: None,
        subject: Some(("order", "x".into())),
        message: "switched off".into(),
        dedupe_key: Some(key.into()),
    };
    let db = &app.services.db;
    assert!(raise(db, alert("k1")).await.unwrap().is_some());
    assert!(raise(db, alert("k1")).await.unwrap().is_none(), "one open alert per key");
    assert!(raise(db, alert("k2")).await.unwrap().is_some());
    assert_eq!(acknowledge_by_key(db, "k1", me).await.unwrap(), 1);
    assert!(raise(db, alert("k1")).await.unwrap().is_some(), "a new one once the old is acknowledged");
    assert_eq!(alert::Entity::find().all(db).await.unwrap().len(), 3);
}
