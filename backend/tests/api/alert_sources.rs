//! Where alerts come from (issue 5): each source raises in the transaction of
//! the change that noticed it, announces after commit, keeps one open alert per
//! subject, and — where the condition can clear — resolves it when it does.

use chrono::{Duration, Utc};
use entity::{alert, project, tenant_heartbeat, AlertSeverity};
use hub::{
    domain::{
        alerts::{self, NewAlert},
        approvals,
        tenants::heartbeat,
    },
    events::Event,
    jobs::{self, Trigger},
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{json, Value};
use tokio::sync::broadcast::Receiver;
use uuid::Uuid;

use crate::agents::{customer, order_of};
use crate::bridge::{child, send, window};
use crate::helpers::*;

async fn of_type(app: &TestApp, kind: &str) -> Vec<alert::Model> {
    alert::Entity::find().filter(alert::Column::AlertType.eq(kind)).all(&app.services.db).await.unwrap()
}

fn open(alerts: &[alert::Model]) -> Vec<&alert::Model> {
    alerts.iter().filter(|a| a.acknowledged_at.is_none() && a.resolved_at.is_none()).collect()
}

/// The alerts announced on the bus since `events` subscribed.
fn announced(events: &mut Receiver<Event>) -> Vec<alert::Model> {
    std::iter::from_fn(|| events.try_recv().ok())
        .filter_map(|e| match e {
            Event::Alert(a) => Some((*a.alert).clone()),
            _ => None,
        })
        .collect()
}

async fn heartbeat_check(app: &TestApp, minutes_ahead: i64) {
    let slot = Utc::now() + Duration::minutes(minutes_ahead);
    let report = jobs::run(&app.services, jobs::find("heartbeat-check").unwrap(), slot, Trigger::Manual).await.unwrap();
    assert_eq!(report.status, jobs::RunStatus::Ran);
}

fn tenant_heartbeat(disk_used: f64) -> heartbeat::Heartbeat {
    serde_json::from_value(json!({
        "status": "healthy",
        "configVersion": 0,
        "resources": { "cpuPercent": 10, "diskUsedGb": disk_used, "diskTotalGb": 100 },
    }))
    .unwrap()
}

#[tokio::test]
async fn an_approval_request_raises_one_alert_for_the_customer() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let mut events = app.services.events.subscribe();
    let approval = approvals::request(&app.services, order, crate::approvals::ask("file_delete")).await.unwrap();
    let raised = of_type(&app, "APPROVAL_REQUESTED").await;
    assert_eq!(raised.len(), 1);
    assert_eq!((raised[0].customer_id, raised[0].subject_id.clone()), (Some(a), Some(approval.id.to_string())));
    assert!(raised[0].message.contains("IT Admin wants to run file_delete"), "{}", raised[0].message);
    assert_eq!(announced(&mut events), raised);
}

#[tokio::test]
async fn a_silent_tenant_goes_offline_escalates_and_clears_when_it_heartbeats_again() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (a_token, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    heartbeat::record(&app.services, order, tenant_heartbeat(10.0)).await.unwrap();
    let silence = |minutes: i64| {
        let db = app.services.db.clone();
        async move {
            let mut row = tenant_heartbeat::Entity::find_by_id(order).one(&db).await.unwrap().unwrap().into_active_model();
            row.last_seen_at = Set(Some(Utc::now() - Duration::minutes(minutes)));
            row.update(&db).await.unwrap();
        }
    };
    // Two missed heartbeats (10 minutes) are not yet offline; three (16 minutes) are.
    silence(10).await;
    heartbeat_check(&app, 0).await;
    assert!(of_type(&app, "TENANT_OFFLINE").await.is_empty());
    let mut events = app.services.events.subscribe();
    silence(16).await;
    heartbeat_check(&app, 1).await;
    heartbeat_check(&app, 2).await;
    let offline = of_type(&app, "TENANT_OFFLINE").await;
    assert_eq!(offline.len(), 1, "one alert per tenant however often the check runs");
    assert_eq!((offline[0].severity, offline[0].customer_id), (AlertSeverity::Warning, Some(a)));
    assert_eq!(announced(&mut events), offline);

    // An hour of silence escalates: the WARNING is resolved, a CRITICAL takes its place.
    silence(61).await;
    heartbeat_check(&app, 3).await;
    let offline = of_type(&app, "TENANT_OFFLINE").await;
    let still_open = open(&offline);
    assert_eq!(still_open.len(), 1);
    assert_eq!(still_open[0].severity, AlertSeverity::Critical);
    assert_eq!(announced(&mut events).len(), 1);

    // It heartbeats again: cleared (resolved, not acknowledged by anybody).
    heartbeat::record(&app.services, order, tenant_heartbeat(10.0)).await.unwrap();
    let offline = of_type(&app, "TENANT_OFFLINE").await;
    assert!(open(&offline).is_empty());
    assert!(offline.iter().all(|a| a.resolved_at.is_some() && a.acknowledged_by.is_none()));

    // Resolved alerts are not open (the header count asks `open: true`), though nobody acknowledged them.
    const LIST: &str =
        "query($open: Boolean, $ack: Boolean) { alerts(open: $open, acknowledged: $ack) { totalCount nodes { resolvedAt } } }";
    let count = |open: Value, ack: Value| {
        let (app, token) = (&app, a_token.clone());
        async move { app.gql(LIST, json!({ "open": open, "ack": ack }), Some(&token)).await }
    };
    assert_eq!(count(json!(true), Value::Null).await.data("alerts.totalCount"), 0);
    let closed = count(json!(false), Value::Null).await;
    assert_eq!(closed.data("alerts.totalCount"), 2);
    assert!(closed.data("alerts.nodes").as_array().unwrap().iter().all(|n| n["resolvedAt"].is_string()));
    assert_eq!(count(Value::Null, json!(false)).await.data("alerts.totalCount"), 2, "unacknowledged still means unacknowledged");
}

#[tokio::test]
async fn a_cancelled_order_or_a_server_that_never_heartbeated_is_not_offline() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let _never = order_of(&app, a).await;
    let cancelled = crate::fixtures::order_with_status(&app, a, entity::OrderStatus::Cancelled).await;
    heartbeat::record(&app.services, cancelled, tenant_heartbeat(10.0)).await.unwrap();
    let mut row = tenant_heartbeat::Entity::find_by_id(cancelled).one(&app.services.db).await.unwrap().unwrap().into_active_model();
    row.last_seen_at = Set(Some(Utc::now() - Duration::hours(3)));
    row.update(&app.services.db).await.unwrap();
    heartbeat_check(&app, 0).await;
    assert!(of_type(&app, "TENANT_OFFLINE").await.is_empty());
}

#[tokio::test]
async fn a_disk_over_ninety_percent_raises_storage_quota_once_and_clears_below() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let mut events = app.services.events.subscribe();
    heartbeat::record(&app.services, order, tenant_heartbeat(89.0)).await.unwrap();
    assert!(of_type(&app, "STORAGE_QUOTA").await.is_empty());
    heartbeat::record(&app.services, order, tenant_heartbeat(93.0)).await.unwrap();
    heartbeat::record(&app.services, order, tenant_heartbeat(95.0)).await.unwrap();
    let quota = of_type(&app, "STORAGE_QUOTA").await;
    assert_eq!(quota.len(), 1, "one open alert per server");
    assert_eq!((quota[0].customer_id, quota[0].subject_id.clone()), (Some(a), Some(order.to_string())));
    assert!(quota[0].message.contains("93 %"), "{}", quota[0].message);
    assert_eq!(announced(&mut events), quota);
    heartbeat::record(&app.services, order, tenant_heartbeat(40.0)).await.unwrap();
    assert!(open(&of_type(&app, "STORAGE_QUOTA").await).is_empty());
}

#[tokio::test]
async fn a_silent_child_project_is_stale_for_staff_only_until_it_heartbeats() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let shop = child(&app, &owner, "shopcore-api").await;
    assert_eq!(send(&app, &shop, "/api/internal/saas/project/heartbeat", &unique(crate::bridge::heartbeat())).await.0, StatusCode::OK);
    heartbeat_check(&app, 0).await;
    assert!(of_type(&app, "PROJECT_HEARTBEAT_STALE").await.is_empty());

    let found = project::Entity::find().filter(project::Column::Slug.eq("shopcore-api")).one(&app.services.db).await.unwrap().unwrap();
    let mut row = found.into_active_model();
    row.last_heartbeat_at = Set(Some(Utc::now() - Duration::minutes(20)));
    row.update(&app.services.db).await.unwrap();
    heartbeat_check(&app, 1).await;
    heartbeat_check(&app, 2).await;
    let stale = of_type(&app, "PROJECT_HEARTBEAT_STALE").await;
    assert_eq!(stale.len(), 1);
    assert_eq!((stale[0].customer_id, stale[0].subject_id.as_deref()), (None, Some("shopcore-api")));

    assert_eq!(send(&app, &shop, "/api/internal/saas/project/heartbeat", &unique(crate::bridge::heartbeat())).await.0, StatusCode::OK);
    assert!(open(&of_type(&app, "PROJECT_HEARTBEAT_STALE").await).is_empty());
}

#[tokio::test]
async fn a_failed_payment_alerts_the_customer_once_per_invoice_and_a_later_success_resolves_it() {
    use crate::stripe_webhook::{checkout_completed, deliver, event, now, stripe_app};
    let app = stripe_app(None).await;
    app.setup_owner().await;
    let t = now();
    deliver(&app, &checkout_completed(40, "pat@example.com", t)).await;
    let invoice = |status: &str, paid: i64| {
        json!({
            "id": "in_40", "object": "invoice", "customer": "cus_40", "status": status, "currency": "eur",
            "amount_due": 7900, "amount_paid": paid, "attempt_count": 1,
            "parent": { "type": "subscription_details", "subscription_details": { "subscription": "sub_40" } },
        })
    };
    let mut events = app.services.events.subscribe();
    assert_eq!(deliver(&app, &event("evt_f40", "invoice.payment_failed", t + 10, invoice("open", 0))).await, "APPLIED");
    assert_eq!(deliver(&app, &event("evt_f41", "invoice.payment_failed", t + 20, invoice("open", 0))).await, "APPLIED");
    let failed = of_type(&app, "PAYMENT_FAILED").await;
    assert_eq!(failed.len(), 1, "Stripe's retries of one invoice are one alert");
    let customer = entity::subscription::Entity::find().one(&app.services.db).await.unwrap().unwrap().customer_id;
    assert_eq!((failed[0].customer_id, failed[0].severity), (Some(customer), AlertSeverity::Critical));
    assert!(failed[0].message.contains("in_40"));
    assert_eq!(announced(&mut events), failed);

    assert_eq!(deliver(&app, &event("evt_s40", "invoice.payment_succeeded", t + 30, invoice("paid", 7900))).await, "APPLIED");
    assert!(open(&of_type(&app, "PAYMENT_FAILED").await).is_empty());
    // A failure older than the payment, arriving late, raises nothing.
    assert_eq!(deliver(&app, &event("evt_f42", "invoice.payment_failed", t + 25, invoice("open", 0))).await, "APPLIED");
    assert!(open(&of_type(&app, "PAYMENT_FAILED").await).is_empty());
}

/// A site of customer `customer` on the project `slug`'s licence; returns its uuid.
async fn licensed_site(app: &TestApp, staff: &str, customer: &str, slug: &str) -> Uuid {
    let license: Uuid = crate::sites::license(app, staff, customer, slug, 3).await.parse().unwrap();
    crate::fixtures::failed_site(app, license, "velori-live").await
}

/// Signatures are remembered (replays refused): each body here differs.
fn unique(mut body: Value) -> Value {
    body["nonce"] = json!(Uuid::new_v4());
    body
}

fn errors_window(site: Uuid, errors: i64) -> Value {
    let mut w = unique(window(3));
    w["site_uuid"] = json!(site);
    w["metrics"]["errors_count"] = json!(errors);
    w
}

#[tokio::test]
async fn a_site_reporting_too_many_errors_alerts_its_customer_or_else_staff() {
    let app = spawn_app_with(|c| c.alerts.site_errors_per_report = 10).await;
    let owner = app.setup_owner().await;
    let shop = child(&app, &owner, "shopcore-api").await;
    let (customer_id, _) = crate::customers::signed_in_customer(&app, &owner, "c@example.com").await;
    let site = licensed_site(&app, &owner, &customer_id, "shopcore-api").await;
    let unknown = Uuid::new_v4();
    let mut events = app.services.events.subscribe();

    assert_eq!(send(&app, &shop, "/api/internal/saas/site-stats", &errors_window(site, 9)).await.0, StatusCode::OK);
    assert!(of_type(&app, "SITE_ERRORS").await.is_empty(), "under the line");
    for target in [site, site, unknown] {
        assert_eq!(send(&app, &shop, "/api/internal/saas/site-stats", &errors_window(target, 12)).await.0, StatusCode::OK);
    }
    let raised = of_type(&app, "SITE_ERRORS").await;
    assert_eq!(raised.len(), 2, "one per site: {raised:?}");
    let about = |id: Uuid| raised.iter().find(|a| a.subject_id == Some(id.to_string())).unwrap().customer_id;
    assert_eq!(about(site), Some(customer_id.parse().unwrap()));
    assert_eq!(about(unknown), None, "a site Hub does not know is for staff only");
    assert_eq!(announced(&mut events).len(), 2);
    assert_eq!(send(&app, &shop, "/api/internal/saas/site-stats", &errors_window(site, 0)).await.0, StatusCode::OK);
    assert_eq!(open(&of_type(&app, "SITE_ERRORS").await).len(), 1, "a clean report clears that site's alert");
}

#[tokio::test]
async fn a_child_project_posts_alerts_through_the_signed_bridge() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let shop = child(&app, &owner, "shopcore-api").await;
    let other = child(&app, &owner, "other-api").await;
    let (customer_id, _) = crate::customers::signed_in_customer(&app, &owner, "c@example.com").await;
    let site = licensed_site(&app, &owner, &customer_id, "shopcore-api").await;
    const ALERTS: &str = "/api/internal/saas/alerts";
    let mut events = app.services.events.subscribe();

    // Validation names each field.
    let (status, body) =
        send(&app, &shop, ALERTS, &json!({ "severity": "loud", "type": "disk full", "message": " ", "site_uuid": "x" })).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("VALIDATION_ERROR")));
    let mut fields: Vec<_> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    fields.sort();
    assert_eq!(fields, ["message", "severity", "site_uuid", "type"]);
    let (_, body) = send(&app, &shop, ALERTS, &json!({ "severity": "WARNING", "type": "PAYMENT_FAILED", "message": "spoof" })).await;
    assert_eq!(body["error"]["details"][0]["field"], "type", "Hub's own types are not for children");

    // Naming nothing (or another project's site): staff only. Naming its own site: the site's customer too.
    let plain = json!({ "severity": "warning", "type": "QUEUE_BACKLOG", "message": "Jobs are piling up", "dedupe_key": "queue" });
    let (status, body) = send(&app, &shop, ALERTS, &plain).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["raised"], true);
    let (_, again) = send(&app, &shop, ALERTS, &unique(plain.clone())).await;
    assert_eq!((again["data"]["raised"].as_bool(), again["data"]["alertId"].is_null()), (Some(false), true), "deduped");
    let (_, theirs) = send(&app, &other, ALERTS, &plain).await;
    assert_eq!(theirs["data"]["raised"], true, "dedupe keys are per project");
    let on_site = json!({ "severity": "CRITICAL", "type": "CHECKOUT_DOWN", "message": "Checkout fails", "site_uuid": site });
    assert_eq!(send(&app, &shop, ALERTS, &on_site).await.1["data"]["raised"], true);
    assert_eq!(send(&app, &other, ALERTS, &unique(on_site)).await.1["data"]["raised"], true);

    let backlog = of_type(&app, "QUEUE_BACKLOG").await;
    assert_eq!(backlog.len(), 2);
    assert!(backlog.iter().all(|a| a.customer_id.is_none() && a.severity == AlertSeverity::Warning));
    let down = of_type(&app, "CHECKOUT_DOWN").await;
    let customer: Uuid = customer_id.parse().unwrap();
    assert_eq!(down.iter().filter(|a| a.customer_id == Some(customer)).count(), 1, "only the site's own project speaks for it");
    assert!(down.iter().any(|a| a.customer_id.is_none() && a.subject_id.as_deref() == Some("other-api")));
    assert!(down.iter().all(|a| a.message.starts_with("ShopCore: ")));
    assert_eq!(announced(&mut events).len(), 4);
}

#[tokio::test]
async fn an_overlong_message_is_cut_when_raised() {
    let app = spawn_app().await;
    let alert = NewAlert {
        alert_type: "QUEUE_BACKLOG",
        severity: AlertSeverity::Info,
        customer_id: None,
        subject: None,
        message: "x".repeat(10_000),
        dedupe_key: None,
    };
    let raised = alerts::raise(&app.services.db, alert).await.unwrap().unwrap();
    let stored = alert::Entity::find_by_id(raised.id).one(&app.services.db).await.unwrap().unwrap();
    // Cut to what a PostgreSQL notification can carry, marked as cut.
    assert!(stored.message.len() <= hub::events::MAX_EVENT_TEXT && stored.message.len() > hub::events::MAX_EVENT_TEXT - 8);
    assert!(stored.message.ends_with('…'));
    assert_eq!(stored.message, raised.message);
}
