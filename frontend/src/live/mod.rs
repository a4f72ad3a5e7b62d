//! Live updates: one GraphQL WebSocket per signed-in tab, shared by every
//! subscription on the page (graphql-transport-ws, see `protocol`).
//!
//! The socket opens with the first subscription and closes with the last. It
//! authenticates in `connection_init` with the current access token. When the
//! server ends a stream (the token it was opened with expired or was revoked)
//! or the connection drops, the client reconnects with backoff and the current
//! token, resubscribes everything and calls each subscription's `on_resume`, so
//! pages can catch up on what happened meanwhile (alerts resume with `after`).

pub mod alerts;
pub mod approvals;
pub mod protocol;

use crate::auth::Auth;
use graphql_client::GraphQLQuery;
use leptos::prelude::set_timeout;
use protocol::{ClientMessage, ServerMessage};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

struct Operation {
    /// Builds `{query, variables}` at each (re)subscribe, so variables such as
    /// a resume cursor are current.
    payload: Rc<dyn Fn() -> Value>,
    on_data: Rc<dyn Fn(Value)>,
    on_resume: Rc<dyn Fn()>,
}

/// The socket's event handlers; kept alive while the socket is, dropped at
/// the next connect (never from inside one of them).
struct Handlers {
    _open: Closure<dyn FnMut()>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

#[derive(Default)]
struct Client {
    auth: Option<Auth>,
    socket: Option<WebSocket>,
    handlers: Option<Handlers>,
    acked: bool,
    next_id: u64,
    operations: BTreeMap<String, Operation>,
    attempt: u32,
    reconnect_pending: bool,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client::default());
}

/// A running subscription; `stop` it when the component using it goes away.
#[derive(Clone, Debug)]
pub struct Subscription {
    id: String,
}

impl Subscription {
    pub fn stop(&self) {
        let (socket, last) = CLIENT.with(|c| {
            let mut client = c.borrow_mut();
            client.operations.remove(&self.id);
            let socket = client.socket.clone().filter(|_| client.acked);
            (socket, client.operations.is_empty())
        });
        if let Some(socket) = socket {
            let _ = socket.send_with_str(&ClientMessage::Complete { id: self.id.clone() }.encode());
            if last {
                let _ = socket.close();
            }
        }
    }
}

/// Starts the subscription `Q`. `variables` is asked again at every
/// resubscription; `on_resume` runs after each (re)connection is acknowledged.
pub fn subscribe<Q>(
    auth: Auth,
    variables: impl Fn() -> Q::Variables + 'static,
    on_data: impl Fn(Q::ResponseData) + 'static,
    on_resume: impl Fn() + 'static,
) -> Subscription
where
    Q: GraphQLQuery + 'static,
{
    let operation = Operation {
        payload: Rc::new(move || serde_json::to_value(Q::build_query(variables())).expect("GraphQL variables serialize")),
        on_data: Rc::new(move |data| {
            if let Ok(data) = serde_json::from_value::<Q::ResponseData>(data) {
                on_data(data);
            }
        }),
        on_resume: Rc::new(on_resume),
    };
    let (id, send_now, connect_now) = CLIENT.with(|c| {
        let mut client = c.borrow_mut();
        client.auth = Some(auth);
        client.next_id += 1;
        let id = client.next_id.to_string();
        let payload = (operation.payload)();
        client.operations.insert(id.clone(), operation);
        let send_now = client.socket.clone().filter(|_| client.acked).map(|s| (s, payload));
        let connect_now = client.socket.is_none() && !client.reconnect_pending;
        (id, send_now, connect_now)
    });
    if let Some((socket, payload)) = send_now {
        let _ = socket.send_with_str(&ClientMessage::Subscribe { id: id.clone(), payload }.encode());
    }
    if connect_now {
        connect();
    }
    Subscription { id }
}

fn connect() {
    let token = CLIENT.with(|c| c.borrow().auth.and_then(|auth| auth.access_token()));
    let origin = web_sys::window().and_then(|w| w.location().origin().ok());
    let (Some(token), Some(origin)) = (token, origin) else {
        return schedule_reconnect();
    };
    let Ok(socket) = WebSocket::new_with_str(&protocol::endpoint(&origin), protocol::SUBPROTOCOL) else {
        return schedule_reconnect();
    };
    let opened = socket.clone();
    let open = Closure::<dyn FnMut()>::new(move || {
        let _ = opened.send_with_str(&ClientMessage::init(&token).encode());
    });
    let message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        if let Some(text) = event.data().as_string() {
            if let Some(message) = ServerMessage::decode(&text) {
                handle(message);
            }
        }
    });
    let mine = socket.clone();
    let close = Closure::<dyn FnMut(CloseEvent)>::new(move |_event: CloseEvent| closed(&mine));
    socket.set_onopen(Some(open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(close.as_ref().unchecked_ref()));
    CLIENT.with(|c| {
        let mut client = c.borrow_mut();
        client.socket = Some(socket);
        client.acked = false;
        client.handlers = Some(Handlers { _open: open, _message: message, _close: close });
    });
}

fn handle(message: ServerMessage) {
    match message {
        ServerMessage::ConnectionAck => {
            let (socket, subscribes, resumes) = CLIENT.with(|c| {
                let mut client = c.borrow_mut();
                client.acked = true;
                client.attempt = 0;
                let subscribes: Vec<_> = client.operations.iter().map(|(id, op)| (id.clone(), (op.payload)())).collect();
                let resumes: Vec<_> = client.operations.values().map(|op| op.on_resume.clone()).collect();
                (client.socket.clone(), subscribes, resumes)
            });
            if let Some(socket) = socket {
                for (id, payload) in subscribes {
                    let _ = socket.send_with_str(&ClientMessage::Subscribe { id, payload }.encode());
                }
            }
            resumes.iter().for_each(|resume| resume());
        }
        ServerMessage::Next { id, payload } => {
            let on_data = CLIENT.with(|c| c.borrow().operations.get(&id).map(|op| op.on_data.clone()));
            if let (Some(on_data), Ok(data)) = (on_data, protocol::split_result(payload)) {
                on_data(data);
            }
        }
        // Refused (not found, not allowed): retrying would be refused again.
        ServerMessage::Error { id, .. } => {
            CLIENT.with(|c| c.borrow_mut().operations.remove(&id));
        }
        // The server ended a stream we still want: its credential has run
        // out. Reconnect with the current token (`closed` schedules it).
        ServerMessage::Complete { id } => {
            let socket = CLIENT.with(|c| {
                let client = c.borrow();
                client.operations.contains_key(&id).then(|| client.socket.clone()).flatten()
            });
            if let Some(socket) = socket {
                let _ = socket.close();
            }
        }
        ServerMessage::Ping => {
            if let Some(socket) = CLIENT.with(|c| c.borrow().socket.clone()) {
                let _ = socket.send_with_str(&ClientMessage::Pong.encode());
            }
        }
        ServerMessage::Pong => {}
    }
}

/// `socket` closed; a socket already replaced by a newer one changes nothing.
fn closed(socket: &WebSocket) {
    let wanted = CLIENT.with(|c| {
        let mut client = c.borrow_mut();
        if client.socket.as_ref() != Some(socket) {
            return false;
        }
        client.socket = None;
        client.acked = false;
        !client.operations.is_empty()
    });
    if wanted {
        schedule_reconnect();
    }
}

fn schedule_reconnect() {
    let delay = CLIENT.with(|c| {
        let mut client = c.borrow_mut();
        if client.reconnect_pending || client.operations.is_empty() {
            return None;
        }
        client.reconnect_pending = true;
        let delay = protocol::backoff_ms(client.attempt);
        client.attempt += 1;
        Some(delay)
    });
    if let Some(delay) = delay {
        set_timeout(
            || {
                let go = CLIENT.with(|c| {
                    let mut client = c.borrow_mut();
                    client.reconnect_pending = false;
                    client.socket.is_none() && !client.operations.is_empty()
                });
                if go {
                    connect();
                }
            },
            Duration::from_millis(delay.into()),
        );
    }
}
