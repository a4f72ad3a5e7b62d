//! Enqueuing: each kind of event stores exactly one delivery in the transaction
//! of its change, only for orders whose server gave a URL; and customers see
//! their own deliveries only, read-only.

use entity::webhook_delivery;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{deliveries, queue_command, wire, Wired, ENABLE, ENDPOINT, REDELIVER};
use crate::{agents::customer, agents::order_of, helpers::*};

const DEPLOY: &str = "mutation($o: UUID!, $i: DeployAgentInput!) { deployAgent(orderId: $o, input: $i) { id } }";
const UPDATE: &str = "mutation($id: UUID!, $i: UpdateAgentInput!) { updateAgent(id: $id, input: $i) { id } }";
const REMOVE: &str = "mutation($id: UUID!) { removeAgent(id: $id) { id } }";
const DECIDE: &str = "mutation($id: UUID!) { decideApproval(id: $id, action: APPROVE, reason: \"go\") { status } }";

async fn stored(app: &TestApp) -> u64 {
    webhook_delivery::Entity::find().count(&app.services.db).await.unwrap()
}

async fn config_version(app: &TestApp, order: Uuid) -> i64 {
    entity::order::Entity::find_by_id(order).one(&app.services.db).await.unwrap().unwrap().config_version
}

/// The newest delivery of the order, as staff see it.
async fn newest(app: &TestApp, staff: &str, order: Uuid) -> Value {
    deliveries(app, staff, order).await.into_iter().next().expect("a delivery")
}

#[tokio::test]
async fn each_event_enqueues_exactly_one_delivery_with_its_change() {
    let app = spawn_app().await;
    let Wired { owner, a_token, a, order, tenant } = wire(&app, Some("http://127.0.0.1:9")).await;
    let (_, b) = customer(&app, "b@example.com").await;
    let unregistered = order_of(&app, b).await;
    assert_eq!(stored(&app).await, 0, "registering is not an event");

    let deployed = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "sales", "agentId": "sales" } }), Some(&owner)).await;
    let agent = deployed.data("deployAgent.id").as_str().unwrap().to_owned();
    assert_eq!(stored(&app).await, 1);
    let event = newest(&app, &owner, order).await;
    assert_eq!(
        (event["event"].as_str(), event["eventName"].as_str(), event["status"].as_str()),
        (Some("CONFIG_UPDATED"), Some("config.updated"), Some("PENDING"))
    );
    assert_eq!(event["payload"], json!({ "configVersion": config_version(&app, order).await, "changedFields": ["agents.sales"] }));

    let tuned = app.gql(UPDATE, json!({ "id": agent, "i": { "soulMd": "# Sales\nBe kind.", "autonomyLevel": 2 } }), Some(&a_token)).await;
    tuned.data("updateAgent.id");
    assert_eq!(stored(&app).await, 2);
    let event = newest(&app, &owner, order).await;
    assert_eq!(event["payload"]["changedFields"], json!(["agents.sales.soulMd", "agents.sales.autonomyLevel"]));
    assert_eq!(event["payload"]["configVersion"], config_version(&app, order).await);

    let again = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "sales", "agentId": "sales" } }), Some(&owner)).await;
    assert_eq!(again.code(), "CONFLICT");
    assert_eq!(stored(&app).await, 2, "a refused change enqueues nothing");

    let ask = json!({ "agentId": "sales", "commandClass": "red", "toolName": "send_email", "humanReadable": "Sales wants to mail" });
    let (_, created) = super::post(&app, "/api/v1/tenant/approval-request", Some(&tenant.hub_key), ask).await;
    assert_eq!(stored(&app).await, 2, "asking for approval is not an event");
    let approval = created["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.gql(DECIDE, json!({ "id": approval }), Some(&a_token)).await.data("decideApproval.status"), "APPROVED");
    assert_eq!(stored(&app).await, 3);
    let event = newest(&app, &owner, order).await;
    assert_eq!((event["event"].as_str(), event["subjectId"].as_str()), (Some("APPROVAL_RESPONDED"), Some(approval.as_str())));
    assert_eq!((event["payload"]["approvalId"].as_str(), event["payload"]["action"].as_str()), (Some(approval.as_str()), Some("approve")));
    assert_eq!(
        (event["payload"]["respondedBy"]["id"].as_str(), event["payload"]["respondedBy"]["kind"].as_str()),
        (Some(a.to_string().as_str()), Some("customer"))
    );
    assert_eq!(event["payload"]["reason"], "go");
    assert_eq!(app.gql(DECIDE, json!({ "id": approval }), Some(&owner)).await.code(), "CONFLICT");
    assert_eq!(stored(&app).await, 3);

    let command = queue_command(&app, &owner, order).await;
    assert_eq!(stored(&app).await, 4);
    let event = newest(&app, &owner, order).await;
    assert_eq!((event["event"].as_str(), event["payload"]["commandId"].as_str()), (Some("COMMAND_QUEUED"), Some(command.as_str())));

    app.gql(REMOVE, json!({ "id": agent }), Some(&owner)).await.data("removeAgent.id");
    assert_eq!(stored(&app).await, 5);
    assert_eq!(newest(&app, &owner, order).await["payload"]["changedFields"], json!(["agents.sales"]));

    // An order whose server gave no URL gets no deliveries (heartbeats still serve it).
    app.gql(DEPLOY, json!({ "o": unregistered, "i": { "role": "sales" } }), Some(&owner)).await.data("deployAgent.id");
    queue_command(&app, &owner, unregistered).await;
    assert_eq!(stored(&app).await, 5);
    let pending = app
        .gql("query($o: UUID!) { webhookDeliveries(orderId: $o, status: PENDING) { totalCount } }", json!({ "o": order }), Some(&owner))
        .await;
    assert_eq!(pending.data("webhookDeliveries.totalCount"), 5);
}

#[tokio::test]
async fn customers_read_their_own_deliveries_only_and_change_nothing() {
    let app = spawn_app().await;
    let Wired { owner, a_token, order, tenant, .. } = wire(&app, Some("http://127.0.0.1:9")).await;
    let (b_token, _) = customer(&app, "b@example.com").await;
    queue_command(&app, &owner, order).await;

    let own = deliveries(&app, &a_token, order).await;
    assert_eq!(own.len(), 1);
    assert_eq!(app.gql(ENDPOINT, json!({ "o": order }), Some(&a_token)).await.data("webhookEndpoint.url"), "http://127.0.0.1:9");
    for query in [super::DELIVERIES, ENDPOINT] {
        let res = app.gql(query, json!({ "o": order }), Some(&b_token)).await;
        assert_eq!(res.code(), "NOT_FOUND", "B learns nothing about A's order");
        assert!(res.body["data"].is_null() || res.body["data"].as_object().unwrap().values().all(Value::is_null));
    }
    assert_eq!(app.gql(REDELIVER, json!({ "id": own[0]["id"] }), Some(&a_token)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(ENABLE, json!({ "o": order }), Some(&a_token)).await.code(), "FORBIDDEN");
    let everything = format!("{own:?}");
    assert!(!everything.contains(&tenant.secret) && !everything.contains(&tenant.hub_key));
}
