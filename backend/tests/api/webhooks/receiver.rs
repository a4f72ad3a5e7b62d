//! A stand-in Safety Wrapper: a real HTTP server on 127.0.0.1 that checks both
//! signatures of every webhook it gets (with its own HMAC code, not Hub's) and
//! answers whatever status the test sets.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicU16, Ordering},
        Arc, Mutex,
    },
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::{net::TcpListener, sync::oneshot};

/// One webhook as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub event: String,
    pub id: String,
    pub body: Value,
    /// `X-LetsBe-Signature` is the hex HMAC of the body.
    pub letsbe_ok: bool,
    /// `webhook-signature` holds a `v1,` HMAC of `{id}.{timestamp}.{body}`, and the
    /// two timestamps agree and are within five minutes.
    pub standard_ok: bool,
}

#[derive(Default)]
struct Shared {
    key: Mutex<Vec<u8>>,
    answer: AtomicU16,
    received: Mutex<Vec<Received>>,
}

pub struct SafetyWrapper {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

/// A local address nothing listens on (yet): connecting is refused.
pub async fn unused_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap()
}

impl SafetyWrapper {
    /// Listens on a free port, answering `status`.
    pub async fn start(status: u16) -> Self {
        Self::start_on(unused_addr().await, status).await
    }

    /// Listens on `addr`, answering `status`.
    pub async fn start_on(addr: SocketAddr, status: u16) -> Self {
        let listener = TcpListener::bind(addr).await.expect("the receiver's port is free");
        let shared = Arc::new(Shared::default());
        shared.answer.store(status, Ordering::SeqCst);
        let router = Router::new().fallback(receive).with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Self { addr, shared, _stop: stop }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The `whsec_…` secret Hub handed out at registration.
    pub fn trust(&self, secret: &str) {
        let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("a whsec_ secret")).unwrap();
        *self.shared.key.lock().unwrap() = key;
    }

    pub fn answer(&self, status: u16) {
        self.shared.answer.store(status, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn mac(key: &[u8], message: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(message);
    mac
}

async fn receive(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap, body: Bytes) -> StatusCode {
    let key = shared.key.lock().unwrap().clone();
    let letsbe_ok = hex::decode(header(&headers, "x-letsbe-signature")).is_ok_and(|sig| mac(&key, &body).verify_slice(&sig).is_ok());
    let (id, timestamp) = (header(&headers, "webhook-id"), header(&headers, "webhook-timestamp"));
    let signed = [id.as_bytes(), b".", timestamp.as_bytes(), b".", &body].concat();
    let fresh = timestamp.parse::<i64>().is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() <= 300);
    let signature_ok = header(&headers, "webhook-signature").split(' ').any(|entry| {
        entry.strip_prefix("v1,").and_then(|b64| STANDARD.decode(b64).ok()).is_some_and(|sig| mac(&key, &signed).verify_slice(&sig).is_ok())
    });
    let standard_ok = signature_ok && fresh && timestamp == header(&headers, "x-letsbe-timestamp");
    shared.received.lock().unwrap().push(Received {
        path: uri.path().to_owned(),
        event: header(&headers, "x-letsbe-event").to_owned(),
        id: id.to_owned(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        letsbe_ok,
        standard_ok,
    });
    StatusCode::from_u16(shared.answer.load(Ordering::SeqCst)).unwrap()
}
