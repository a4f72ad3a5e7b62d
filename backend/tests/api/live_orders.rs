//! Live order events (`orderEvents`: status changes and provisioning log lines)
//! and live approval requests (`approvalRequested`), each for its viewers only.

use entity::OrderStatus;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::agents::customer;
use crate::fixtures::order_with_status;
use crate::helpers::*;
use crate::subscriptions::{assert_quiet, next_json, subscribe, Ws};

const ORDER_EVENTS: &str =
    "subscription($o: UUID!) { orderEvents(orderId: $o) { kind orderId at fromStatus toStatus jobId seq level message } }";
const APPROVALS: &str =
    "subscription { approvalRequested { id orderId customerId agentId commandClass toolName humanReadable requestedAt expiresAt } }";

async fn next_data(ws: &mut Ws, field: &str) -> Value {
    let event = next_json(ws).await.expect("an event");
    assert_eq!(event["type"], "next", "{event}");
    event["payload"]["data"][field].clone()
}

/// The code a refused subscription answers with: one `next` carrying the error
/// and no data (a resolver error, as for queries), then `complete`.
pub async fn refused_with(ws: &mut Ws) -> String {
    let event = next_json(ws).await.expect("an answer");
    assert_eq!(event["type"], "next", "{event}");
    assert!(event["payload"]["data"].is_null(), "{event}");
    let code = event["payload"]["errors"][0]["extensions"]["code"].as_str().unwrap().to_owned();
    assert_eq!(next_json(ws).await.expect("complete")["type"], "complete");
    code
}

#[tokio::test]
async fn order_events_carry_status_changes_and_log_lines_to_those_who_may_read_the_order() {
    let app = spawn_app_with(|c| c.provisioning.simulated_step_ms = 5).await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (a, a_id) = customer(&app, "a@example.com").await;
    let (b, _) = customer(&app, "b@example.com").await;
    let order = order_with_status(&app, a_id, OrderStatus::PaymentConfirmed).await;
    let other = order_with_status(&app, a_id, OrderStatus::PaymentConfirmed).await;

    let mut b_ws = subscribe(&app, &b, "o", ORDER_EVENTS, json!({ "o": order })).await;
    assert_eq!(refused_with(&mut b_ws).await, "NOT_FOUND");
    let mut unknown = subscribe(&app, &a, "o", ORDER_EVENTS, json!({ "o": Uuid::new_v4() })).await;
    assert_eq!(refused_with(&mut unknown).await, "NOT_FOUND");

    let mut a_ws = subscribe(&app, &a, "o", ORDER_EVENTS, json!({ "o": order })).await;
    let mut staff_ws = subscribe(&app, &support, "o", ORDER_EVENTS, json!({ "o": order })).await;
    // Another order's changes do not show on this order's stream.
    app.gql("mutation($id: UUID!) { cancelOrder(id: $id) { id } }", json!({ "id": other }), Some(&owner)).await.data("cancelOrder");
    app.gql("mutation($id: UUID!) { provisionOrder(id: $id) { id } }", json!({ "id": order }), Some(&owner)).await.data("provisionOrder");

    for ws in [&mut a_ws, &mut staff_ws] {
        let started = next_data(ws, "orderEvents").await;
        assert_eq!(started["kind"], "STATUS_CHANGED", "{started}");
        assert_eq!(started["orderId"], order.to_string());
        assert_eq!((started["fromStatus"].as_str(), started["toStatus"].as_str()), (Some("PAYMENT_CONFIRMED"), Some("PROVISIONING")));
        assert!(started["message"].is_null());
        let mut lines = Vec::new();
        let finished = loop {
            let event = next_data(ws, "orderEvents").await;
            if event["kind"] == "STATUS_CHANGED" {
                break event;
            }
            assert_eq!(event["kind"], "LOG_LINE", "{event}");
            assert_eq!(event["seq"], lines.len(), "lines in order, none missing");
            assert!(event["jobId"].is_string() && event["level"] == "INFO" && event["fromStatus"].is_null());
            lines.push(event["message"].as_str().unwrap().to_owned());
        };
        assert_eq!((finished["fromStatus"].as_str(), finished["toStatus"].as_str()), (Some("PROVISIONING"), Some("FULFILLED")));
        assert!(lines.first().unwrap().starts_with("Allocating a server"), "{lines:?}");
        assert!(lines.last().unwrap().starts_with("Provisioning finished"), "{lines:?}");
        let stored =
            app.gql("query($o: UUID!) { provisioningLog(orderId: $o, first: 100) { totalCount } }", json!({ "o": order }), Some(&a)).await;
        assert_eq!(stored.data("provisioningLog.totalCount"), lines.len());
        assert_quiet(ws).await;
    }
}

const ISSUE: &str = "mutation($o: UUID!) { issueRegistrationToken(orderId: $o) }";

/// Registers the tenant server of `order`; answers its hub key.
pub async fn tenant_key(app: &TestApp, staff: &str, order: Uuid) -> String {
    let token = app.gql(ISSUE, json!({ "o": order }), Some(staff)).await.data("issueRegistrationToken").as_str().unwrap().to_owned();
    let res =
        reqwest::Client::new().post(app.url("/api/v1/tenant/register")).json(&json!({ "registrationToken": token })).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.unwrap()["data"]["hubApiKey"].as_str().unwrap().to_owned()
}

async fn ask(app: &TestApp, key: &str, text: &str) -> String {
    let body = json!({ "agentId": "it-admin", "commandClass": "red", "toolName": "file_delete", "toolArgs": { "path": "/tmp" }, "humanReadable": text });
    let res = reqwest::Client::new().post(app.url("/api/v1/tenant/approval-request")).bearer_auth(key).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["data"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn approval_requests_reach_those_who_may_decide_them() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (a, a_id) = customer(&app, "a@example.com").await;
    let (b, b_id) = customer(&app, "b@example.com").await;
    let a_key = tenant_key(&app, &owner, order_with_status(&app, a_id, OrderStatus::Fulfilled).await).await;
    let b_order = order_with_status(&app, b_id, OrderStatus::Fulfilled).await;
    let b_key = tenant_key(&app, &owner, b_order).await;

    // SUPPORT reads approvals but may not decide them (CONTRACT: "who may decide").
    let mut support_ws = subscribe(&app, &support, "p", APPROVALS, json!({})).await;
    assert_eq!(refused_with(&mut support_ws).await, "FORBIDDEN");

    let mut a_ws = subscribe(&app, &a, "p", APPROVALS, json!({})).await;
    let mut b_ws = subscribe(&app, &b, "p", APPROVALS, json!({})).await;
    let mut admin_ws = subscribe(&app, &admin, "p", APPROVALS, json!({})).await;

    let a_approval = ask(&app, &a_key, "IT Admin wants to delete /tmp").await;
    let b_approval = ask(&app, &b_key, "B's agent asks too").await;

    let seen = next_data(&mut a_ws, "approvalRequested").await;
    assert_eq!(seen["id"], a_approval);
    assert_eq!(seen["customerId"], a_id.to_string());
    assert_eq!((seen["agentId"].as_str(), seen["toolName"].as_str()), (Some("it-admin"), Some("file_delete")));
    assert_eq!(seen["humanReadable"], "IT Admin wants to delete /tmp");
    assert_eq!(seen["commandClass"], "red");
    assert_eq!(next_data(&mut b_ws, "approvalRequested").await["id"], b_approval);
    assert_eq!(next_data(&mut admin_ws, "approvalRequested").await["id"], a_approval);
    let b_seen = next_data(&mut admin_ws, "approvalRequested").await;
    assert_eq!((b_seen["id"].as_str(), b_seen["orderId"].as_str()), (Some(b_approval.as_str()), Some(b_order.to_string().as_str())));
    for ws in [&mut a_ws, &mut b_ws, &mut admin_ws] {
        assert_quiet(ws).await;
    }
}
