//! `/graphql/ws` speaks graphql-transport-ws and authenticates in `connection_init`.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

use crate::helpers::*;

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp) -> Ws {
    let mut request = format!("ws://{}/graphql/ws", app.addr).into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", HeaderValue::from_static("graphql-transport-ws"));
    let (ws, response) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    ws
}

/// The next text message, or `None` when the server closed; panics after 5 s.
pub async fn next_json(ws: &mut Ws) -> Option<Value> {
    let deadline = std::time::Duration::from_secs(5);
    loop {
        match tokio::time::timeout(deadline, ws.next()).await.expect("a message within 5 s") {
            Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn unauthenticated_connection_init_is_refused() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    ws.send(Message::text(json!({ "type": "connection_init", "payload": {} }).to_string())).await.unwrap();
    assert!(next_json(&mut ws).await.is_none(), "the server closes instead of acknowledging");

    let mut ws = connect(&app).await;
    ws.send(Message::text(json!({ "type": "connection_init", "payload": { "authorization": "Bearer nonsense" } }).to_string()))
        .await
        .unwrap();
    assert!(next_json(&mut ws).await.is_none());
}

/// Opens a socket as `token` and subscribes to `query` with `variables` under
/// `id`, then gives the server a moment to register it before anything is published.
pub async fn subscribe(app: &TestApp, token: &str, id: &str, query: &str, variables: Value) -> Ws {
    let mut ws = connect(app).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    ws.send(Message::text(init.to_string())).await.unwrap();
    assert_eq!(next_json(&mut ws).await.unwrap()["type"], "connection_ack");
    let subscribe = json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } });
    ws.send(Message::text(subscribe.to_string())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    ws
}

/// Asserts that nothing arrives on `ws` for a short while.
pub async fn assert_quiet(ws: &mut Ws) {
    let extra = tokio::time::timeout(std::time::Duration::from_millis(300), ws.next()).await;
    assert!(extra.is_err(), "nothing more was expected: {extra:?}");
}

/// Opens a socket as `token` and subscribes to `securityEvents` under `id`.
async fn subscribe_security_events(app: &TestApp, token: &str, id: &str) -> Ws {
    subscribe(app, token, id, "subscription { securityEvents { action } }", json!({})).await
}

#[tokio::test]
async fn security_events_reach_only_their_account() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;

    let mut ws = subscribe_security_events(&app, &owner, "1").await;

    // The admin's event must not reach the owner; the owner's must.
    app.gql("mutation { createApiToken(name: \"admin's\") { token } }", json!({}), Some(&admin)).await.data("createApiToken");
    app.gql("mutation { createApiToken(name: \"owner's\") { token } }", json!({}), Some(&owner)).await.data("createApiToken");
    let event = next_json(&mut ws).await.unwrap();
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["payload"]["data"]["securityEvents"]["action"], "api_token.created");
    // Exactly one event arrived: the next thing is nothing within a short wait.
    let extra = tokio::time::timeout(std::time::Duration::from_millis(300), ws.next()).await;
    assert!(extra.is_err(), "no second event: {extra:?}");
}

#[tokio::test]
async fn signing_out_ends_live_subscriptions() {
    let app = spawn_app_with(|c| c.graphql.subscription_recheck_secs = 1).await;
    let owner = app.setup_owner().await;
    let mut ws = subscribe_security_events(&app, &owner, "7").await;

    app.gql("mutation { logout }", json!({}), Some(&owner)).await.data("logout");
    // The logout event itself is not delivered: the credential is checked first.
    let ended = next_json(&mut ws).await.expect("a message");
    assert_eq!(ended["type"], "complete", "{ended}");
    assert_eq!(ended["id"], "7");
}
