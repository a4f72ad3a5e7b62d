//! The graphql-transport-ws messages the SPA sends and understands
//! (<https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md>).
//! Pure data, so the encoding is unit-tested without a browser.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The WebSocket sub-protocol Hub's `/graphql/ws` speaks.
pub const SUBPROTOCOL: &str = "graphql-transport-ws";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// First message: the bearer token travels here, never in the URL.
    ConnectionInit {
        payload: Value,
    },
    /// Starts an operation; `payload` is `{query, variables, operationName}`.
    Subscribe {
        id: String,
        payload: Value,
    },
    /// Stops one operation.
    Complete {
        id: String,
    },
    Pong,
}

impl ClientMessage {
    pub fn init(token: &str) -> Self {
        ClientMessage::ConnectionInit { payload: serde_json::json!({ "authorization": format!("Bearer {token}") }) }
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("protocol messages are plain data")
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    ConnectionAck,
    /// One result of a running operation: `{data, errors}`.
    Next {
        id: String,
        payload: Value,
    },
    /// The operation failed before producing results (a list of GraphQL errors).
    Error {
        id: String,
        payload: Value,
    },
    /// The server ended the operation (for example, the token expired).
    Complete {
        id: String,
    },
    Ping,
    Pong,
}

impl ServerMessage {
    /// `None` for anything that is not a protocol message; it is ignored.
    pub fn decode(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

/// What a `next` payload carries: the data, or the first error's code.
pub fn split_result(payload: Value) -> Result<Value, String> {
    if let Some(code) = payload
        .get("errors")
        .and_then(|errors| errors.get(0))
        .map(|error| error.pointer("/extensions/code").and_then(Value::as_str).unwrap_or("INTERNAL").to_owned())
    {
        return Err(code);
    }
    payload.get("data").filter(|data| !data.is_null()).cloned().ok_or_else(|| "INTERNAL".to_owned())
}

/// The `ws://` or `wss://` address of `/graphql/ws` beside an `http(s)://` page.
pub fn endpoint(page_origin: &str) -> String {
    let ws = match page_origin.strip_prefix("https://") {
        Some(rest) => format!("wss://{rest}"),
        None => format!("ws://{}", page_origin.strip_prefix("http://").unwrap_or(page_origin)),
    };
    format!("{}/graphql/ws", ws.trim_end_matches('/'))
}

/// Waits before the `attempt`-th reconnection: 1 s doubling to 30 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.min(5)).min(30_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn init_carries_the_bearer_token_in_the_payload() {
        let text = ClientMessage::init("abc").encode();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value, json!({"type": "connection_init", "payload": {"authorization": "Bearer abc"}}));
    }

    #[test]
    fn subscribe_and_complete_use_the_wire_names() {
        let subscribe = ClientMessage::Subscribe { id: "7".into(), payload: json!({"query": "subscription { x }"}) }.encode();
        assert_eq!(serde_json::from_str::<Value>(&subscribe).unwrap()["type"], "subscribe");
        assert_eq!(ClientMessage::Complete { id: "7".into() }.encode(), r#"{"type":"complete","id":"7"}"#);
        assert_eq!(ClientMessage::Pong.encode(), r#"{"type":"pong"}"#);
    }

    #[test]
    fn server_messages_decode_and_junk_is_ignored() {
        assert_eq!(ServerMessage::decode(r#"{"type":"connection_ack"}"#), Some(ServerMessage::ConnectionAck));
        assert_eq!(ServerMessage::decode(r#"{"type":"complete","id":"3"}"#), Some(ServerMessage::Complete { id: "3".into() }));
        assert_eq!(ServerMessage::decode(r#"{"type":"ping","payload":{}}"#), Some(ServerMessage::Ping));
        assert!(matches!(ServerMessage::decode(r#"{"type":"next","id":"1","payload":{"data":{}}}"#), Some(ServerMessage::Next { .. })));
        assert_eq!(ServerMessage::decode("not json"), None);
        assert_eq!(ServerMessage::decode(r#"{"type":"surprise"}"#), None);
    }

    #[test]
    fn results_split_into_data_or_the_first_error_code() {
        assert_eq!(split_result(json!({"data": {"a": 1}})), Ok(json!({"a": 1})));
        assert_eq!(split_result(json!({"errors": [{"message": "no", "extensions": {"code": "NOT_FOUND"}}]})), Err("NOT_FOUND".into()));
        assert_eq!(split_result(json!({"data": null})), Err("INTERNAL".into()));
    }

    #[test]
    fn endpoint_follows_the_page_scheme() {
        assert_eq!(endpoint("http://127.0.0.1:8080"), "ws://127.0.0.1:8080/graphql/ws");
        assert_eq!(endpoint("https://hub.example.com"), "wss://hub.example.com/graphql/ws");
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(0), 1000);
        assert_eq!(backoff_ms(1), 2000);
        assert_eq!(backoff_ms(4), 16_000);
        assert_eq!(backoff_ms(9), 30_000);
    }
}
