//! Hub → child calls other than sites: `pingProject` against a child that is up
//! and down, the sync log's direction filter, and the bridge provisioning driver
//! taking an order to FULFILLED or FAILED through a (fake) child.

use entity::OrderStatus;
use hub::config::ProvisioningDriver;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::customers::signed_in_customer;
use crate::fake_child::{FakeChild, HEALTH, PROVISION};
use crate::fixtures::order_row;
use crate::helpers::*;
use crate::orders::{get_order, log_lines, mutate, settled};
use crate::sites::outbound_logs;

const PING: &str = "mutation($s: String!) { pingProject(slug: $s) { slug lastPing { at ok status latencyMs error } } }";

#[tokio::test]
async fn a_ping_records_whether_the_child_answers() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let mut child = FakeChild::registered(&app, &manager, "shopcore-api").await;
    let vars = json!({ "s": "shopcore-api" });

    let up = app.gql(PING, vars.clone(), Some(&manager)).await;
    let ping = up.data("pingProject.lastPing");
    assert_eq!((ping["ok"].as_bool(), ping["status"].as_i64()), (Some(true), Some(200)), "{ping}");
    assert!(ping["latencyMs"].as_i64().unwrap() >= 0 && ping["error"].is_null());
    let calls = child.received();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].verified, "a GET is signed over an empty body");
    assert_eq!((calls[0].method.as_str(), calls[0].path.as_str(), calls[0].body.len()), ("GET", HEALTH, 0));
    assert_eq!(app.gql(PING, vars.clone(), Some(&support)).await.code(), "FORBIDDEN");

    child.stop().await;
    let down = app.gql(PING, vars.clone(), Some(&manager)).await;
    let ping = down.data("pingProject.lastPing");
    assert_eq!((ping["ok"].as_bool(), ping["status"].is_null()), (Some(false), true), "{ping}");
    assert!(ping["error"].as_str().unwrap().contains("unreachable"));
    let kept = app.gql("query { project(slug: \"shopcore-api\") { lastPing { ok error } } }", json!({}), Some(&support)).await;
    assert_eq!(kept.data("project.lastPing.ok"), false, "the last ping is kept on the project");

    let logs = outbound_logs(&app, &support, "shopcore-api").await;
    let seen: Vec<(Option<i64>, Option<&str>)> = logs.iter().map(|l| (l["status"].as_i64(), l["errorCode"].as_str())).collect();
    assert_eq!(seen, [(Some(0), Some("UNREACHABLE")), (Some(200), None)]);
    assert!(logs.iter().all(|l| l["endpoint"] == HEALTH));
    let inbound = app.gql("query { syncLogs(first: 5, direction: INBOUND) { totalCount } }", json!({}), Some(&support)).await;
    assert_eq!(inbound.data("syncLogs.totalCount"), 0);
    assert_eq!(app.gql(PING, json!({ "s": "no-such-project" }), Some(&manager)).await.code(), "NOT_FOUND");
}

/// An app provisioning through the bridge project `builder`.
async fn bridge_app() -> TestApp {
    spawn_app_with(|c| {
        c.provisioning.driver = ProvisioningDriver::Bridge;
        c.provisioning.bridge_project = Some("builder".into());
        c.rate_limit.per_minute = 10_000;
    })
    .await
}

async fn paid_order(app: &TestApp, customer: &str) -> String {
    let customer: Uuid = customer.parse().unwrap();
    order_row(app, customer, OrderStatus::PaymentConfirmed, Some("acme.example.com".into()), json!(["ghost"])).await.to_string()
}

#[tokio::test]
async fn the_bridge_driver_provisions_an_order_through_the_child() {
    let app = bridge_app().await;
    let owner = app.setup_owner().await;
    let child = FakeChild::registered(&app, &owner, "builder").await;
    let (customer, customer_token) = signed_in_customer(&app, &owner, "c@example.com").await;
    let order = paid_order(&app, &customer).await;

    assert_eq!(mutate(&app, &owner, "provisionOrder", &order).await.data("provisionOrder.driver"), "bridge");
    assert_eq!(settled(&app, &order).await, OrderStatus::Fulfilled);
    let read = get_order(&app, &customer_token, &order).await;
    assert_eq!(read.data("order.serverIp"), "203.0.113.7");
    assert_eq!(read.data("order.sshPort"), 2222);
    assert_eq!(read.data("order.dashboardUrl"), "https://velori.shop.example");

    let calls = child.received();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].verified);
    assert_eq!(calls[0].path, PROVISION);
    let body = calls[0].json();
    assert_eq!((body["site_uuid"].as_str(), body["site_slug"].as_str()), (Some(order.as_str()), Some("acme-example-com")));
    assert_eq!(body["order"], json!({ "id": order, "tier": "Build", "tools": ["ghost"] }));
    assert_eq!(body["customer"]["email"], "c@example.com");

    let lines: Vec<String> = log_lines(&app, &owner, &order).await.iter().map(|l| l["message"].as_str().unwrap().to_owned()).collect();
    assert!(lines[0].starts_with("Asking builder ("), "{lines:?}");
    assert!(lines.iter().any(|l| l == "Vendor 101, site 81 created"), "{lines:?}");
    assert!(lines.iter().any(|l| l == "Server at 203.0.113.7, SSH port 2222"), "{lines:?}");
    let logs = outbound_logs(&app, &owner, "builder").await;
    assert_eq!((logs.len(), logs[0]["status"].as_i64(), logs[0]["endpoint"].as_str()), (1, Some(201), Some(PROVISION)));
}

async fn failure_reason(app: &TestApp, token: &str, order: &str) -> String {
    assert_eq!(mutate(app, token, "provisionOrder", order).await.data("provisionOrder.driver"), "bridge");
    assert_eq!(settled(app, order).await, OrderStatus::Failed);
    get_order(app, token, order).await.data("order.failureReason").as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_missing_project_or_a_refusing_child_fails_the_order_with_the_reason() {
    let app = bridge_app().await;
    let owner = app.setup_owner().await;
    let (customer, _) = signed_in_customer(&app, &owner, "c@example.com").await;
    let order = paid_order(&app, &customer).await;
    assert_eq!(failure_reason(&app, &owner, &order).await, "the bridge project builder is not registered");

    let child = FakeChild::registered(&app, &owner, "builder").await;
    child.answer_provision(500, json!({ "message": "out of capacity" }));
    assert_eq!(failure_reason(&app, &owner, &order).await, "builder could not provision acme.example.com: HTTP 500: out of capacity");
    let failed = outbound_logs(&app, &owner, "builder").await;
    assert_eq!((failed[0]["status"].as_i64(), failed[0]["errorCode"].as_str()), (Some(500), Some("CHILD_ERROR")));

    child.answer_provision(200, json!({ "success": true, "data": { "vendor_id": 7 } }));
    assert_eq!(failure_reason(&app, &owner, &order).await, "the child's answer is unusable: server_ip is missing");
    let lines = log_lines(&app, &owner, &order).await;
    let last: &Value = lines.last().unwrap();
    assert_eq!(
        (last["level"].as_str(), last["message"].as_str()),
        (Some("ERROR"), Some("Provisioning failed: the child's answer is unusable: server_ip is missing"))
    );

    child.answer_provision(201, crate::fake_child::provisioned());
    mutate(&app, &owner, "provisionOrder", &order).await.data("provisionOrder.id");
    assert_eq!(settled(&app, &order).await, OrderStatus::Fulfilled, "a retry after the child is fixed succeeds");
}
