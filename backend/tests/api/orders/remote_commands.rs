//! Remote commands: queued by staff, delivered to the tenant exactly once.

use serde_json::json;
use uuid::Uuid;

use super::*;

#[tokio::test]
async fn pending_commands_are_delivered_exactly_once() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (cust, cust_token) = customer(&app, "cust@example.com", "Carla").await;
    let id = order_for(&app, &owner, cust, "cmd.example.com").await;
    let order_id: Uuid = id.parse().unwrap();

    let queue = "mutation($id: UUID!, $c: RemoteCommandKind!) { queueRemoteCommand(orderId: $id, command: $c) { id args } }";
    let mut queued = Vec::new();
    for command in ["RESTART_AGENT", "RELOAD_CONFIG", "RUN_BACKUP", "UPDATE_STACK"] {
        let res = app.gql(queue, json!({ "id": id, "c": command }), Some(&support)).await;
        assert_eq!(res.data("queueRemoteCommand.args"), &json!({}));
        queued.push(res.data("queueRemoteCommand.id").as_str().unwrap().parse::<Uuid>().unwrap());
    }

    let take = || hub::domain::orders::remote_commands::take_pending(&app.services, order_id);
    let (a, b) = tokio::join!(take(), take());
    let mut delivered: Vec<Uuid> = a.unwrap().into_iter().chain(b.unwrap()).map(|c| c.id).collect();
    delivered.sort();
    queued.sort();
    assert_eq!(delivered, queued, "each command once, none lost");
    assert!(take().await.unwrap().is_empty());

    let listed = app
        .gql(
            "query($id: UUID!) { remoteCommands(orderId: $id) { totalCount edges { node { status deliveredAt } } } }",
            json!({ "id": id }),
            Some(&cust_token),
        )
        .await;
    assert_eq!(listed.data("remoteCommands.totalCount"), 4);
    for edge in listed.data("remoteCommands.edges").as_array().unwrap() {
        assert_eq!(edge["node"]["status"], "DELIVERED");
        assert!(edge["node"]["deliveredAt"].is_string());
    }
}
