//! `Order.server`: the tenant server is NEVER before its first heartbeat,
//! ONLINE after one sent through the REST shim (with the versions and figures
//! it carried), OFFLINE once silent past the offline line; customers see only
//! their own orders' servers.

use chrono::{Duration, Utc};
use entity::tenant_heartbeat;
use reqwest::StatusCode;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{
    agents::{customer, order_of},
    helpers::*,
    live_orders::tenant_key,
};

const SERVER: &str = "query($o: UUID!) { order(id: $o) { server { state lastHeartbeatAt reportedStatus agentVersion runtimeVersion \
    cpuPercent memoryPercent diskPercent } } }";
const ORDERS: &str = "{ orders(first: 50) { nodes { id server { state } } } }";

async fn server(app: &TestApp, token: &str, order: Uuid) -> Value {
    app.gql(SERVER, json!({ "o": order }), Some(token)).await.data("order.server").clone()
}

async fn heartbeat(app: &TestApp, key: &str) {
    let body = json!({
        "status": "healthy", "configVersion": 1, "openclawVersion": "v2026.2.1", "safetyWrapperVersion": "v1.0.3",
        "resources": { "cpuPercent": 23, "memoryUsedMb": 4096, "memoryTotalMb": 16384, "diskUsedGb": 45, "diskTotalGb": 90 },
    });
    let res = reqwest::Client::new().post(app.url("/api/v1/tenant/heartbeat")).bearer_auth(key).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_server_goes_from_never_to_online_to_offline() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, a_id) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a_id).await;

    let before = server(&app, &a, order).await;
    assert_eq!(before["state"], "NEVER");
    assert!(before["lastHeartbeatAt"].is_null() && before["cpuPercent"].is_null() && before["agentVersion"].is_null(), "{before}");

    let key = tenant_key(&app, &owner, order).await;
    heartbeat(&app, &key).await;
    let online = server(&app, &a, order).await;
    assert_eq!(online["state"], "ONLINE", "{online}");
    assert!(online["lastHeartbeatAt"].is_string());
    assert_eq!(online["reportedStatus"], "healthy");
    assert_eq!((&online["agentVersion"], &online["runtimeVersion"]), (&json!("v1.0.3"), &json!("v2026.2.1")));
    assert_eq!((&online["cpuPercent"], &online["memoryPercent"], &online["diskPercent"]), (&json!(23.0), &json!(25.0), &json!(50.0)));
    assert_eq!(server(&app, &owner, order).await["state"], "ONLINE", "staff see it too");

    // Silent for longer than the missed heartbeats that raise TENANT_OFFLINE (3 × 5 minutes).
    tenant_heartbeat::Entity::update_many()
        .col_expr(tenant_heartbeat::Column::LastSeenAt, Expr::value(Utc::now() - Duration::minutes(16)))
        .filter(tenant_heartbeat::Column::OrderId.eq(order))
        .exec(&app.services.db)
        .await
        .unwrap();
    let offline = server(&app, &a, order).await;
    assert_eq!(offline["state"], "OFFLINE", "{offline}");
    assert_eq!(offline["diskPercent"], 50.0, "the last figures stay known");

    // The heartbeat-check job agrees: the same server is offline.
    let report = hub::domain::tenants::liveness::check_offline(&app.services, Utc::now()).await.unwrap();
    assert_eq!(report.offline, 1);

    heartbeat(&app, &key).await;
    assert_eq!(server(&app, &a, order).await["state"], "ONLINE", "a heartbeat brings it back");
}

#[tokio::test]
async fn customers_see_only_their_own_servers() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, a_id) = customer(&app, "a@example.com").await;
    let (b, b_id) = customer(&app, "b@example.com").await;
    let a_order = order_of(&app, a_id).await;
    let b_order = order_of(&app, b_id).await;
    heartbeat(&app, &tenant_key(&app, &owner, a_order).await).await;

    let res = app.gql(SERVER, json!({ "o": a_order }), Some(&b)).await;
    assert_eq!(res.code(), "NOT_FOUND", "B cannot read A's order, nor its server");
    let b_nodes = app.gql(ORDERS, json!({}), Some(&b)).await.data("orders.nodes").clone();
    assert_eq!(b_nodes, json!([{ "id": b_order, "server": { "state": "NEVER" } }]));
    let a_nodes = app.gql(ORDERS, json!({}), Some(&a)).await.data("orders.nodes").clone();
    assert_eq!(a_nodes, json!([{ "id": a_order, "server": { "state": "ONLINE" } }]));

    let all = app.gql(ORDERS, json!({}), Some(&owner)).await.data("orders.nodes").clone();
    let states: Vec<_> =
        all.as_array().unwrap().iter().map(|n| (n["id"].as_str().unwrap().to_owned(), n["server"]["state"].clone())).collect();
    assert!(states.contains(&(a_order.to_string(), json!("ONLINE"))) && states.contains(&(b_order.to_string(), json!("NEVER"))), "{all}");
}
