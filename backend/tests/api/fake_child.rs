//! A child API project for the outbound bridge tests: a real axum server on
//! 127.0.0.1 that checks Hub's `X-Mintreu-*` headers against the credentials it
//! was given at registration (with its own HMAC code, not Hub's), records every
//! call, and answers as the test tells it. It can be stopped and started again
//! on the same port, to play a child that is down.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::IntoResponse,
    Json, Router,
};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use crate::helpers::TestApp;

pub const PROVISION: &str = "/api/internal/saas/vendors/provision";
pub const HEALTH: &str = "/api/health";

/// One call as the child received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub project: String,
    pub key: String,
    pub body: Vec<u8>,
    /// Slug and key matched, the timestamp was fresh and the signature right.
    pub verified: bool,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Default)]
struct Child {
    /// slug, key, secret: what Hub's registration answered.
    credentials: Option<(String, String, String)>,
    provision_answer: Option<(u16, Value)>,
    received: Vec<Received>,
}

type Shared = Arc<Mutex<Child>>;

pub struct FakeChild {
    pub port: u16,
    state: Shared,
    running: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

/// A provisioning answer with every field Hub reads.
pub fn provisioned() -> Value {
    json!({
        "success": true,
        "data": { "vendor_id": 101, "site_id": 81, "url": "https://velori.shop.example", "server_ip": "203.0.113.7", "ssh_port": 2222 }
    })
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

fn verify(secret: &str, headers: &HeaderMap, method: &Method, path: &str, body: &[u8]) -> bool {
    let timestamp = header(headers, "x-mintreu-timestamp");
    let fresh = timestamp.parse::<i64>().is_ok_and(|ts| (chrono::Utc::now().timestamp() - ts).abs() <= 300);
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{method}.{}.", path.trim_start_matches('/')).as_bytes());
    mac.update(body);
    let given = hex::decode(header(headers, "x-mintreu-signature")).unwrap_or_default();
    fresh && mac.verify_slice(&given).is_ok()
}

async fn handle(State(state): State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let mut child = state.lock().unwrap();
    let (project, key) = (header(&headers, "x-mintreu-project"), header(&headers, "x-mintreu-key"));
    let verified = child
        .credentials
        .as_ref()
        .is_some_and(|(slug, k, secret)| *slug == project && *k == key && verify(secret, &headers, &method, uri.path(), &body));
    child.received.push(Received { method: method.to_string(), path: uri.path().to_owned(), project, key, body: body.to_vec(), verified });
    let (status, answer) = if !verified {
        (401, json!({ "success": false, "error": { "message": "bad signature" } }))
    } else if uri.path() == HEALTH {
        (200, json!({ "status": "ok" }))
    } else if uri.path() == PROVISION {
        child.provision_answer.clone().unwrap_or_else(|| (201, provisioned()))
    } else {
        (404, json!({ "success": false, "error": { "message": "no such route" } }))
    };
    (StatusCode::from_u16(status).unwrap(), Json(answer))
}

impl FakeChild {
    /// Starts a child, registers it with Hub as `slug` (as `staff`, MANAGER and
    /// above) and hands it the key and secret Hub answered.
    pub async fn registered(app: &TestApp, staff: &str, slug: &str) -> Self {
        let child = Self::start().await;
        let res = app
            .gql(
                "mutation($i: RegisterProjectInput!) { registerProject(input: $i) { projectKey secret } }",
                json!({ "i": { "slug": slug, "name": "ShopCore", "baseUrl": child.base_url() } }),
                Some(staff),
            )
            .await;
        let (key, secret) = (res.data("registerProject.projectKey"), res.data("registerProject.secret"));
        child.trust(slug, key.as_str().unwrap(), secret.as_str().unwrap());
        child
    }

    /// Starts on a free port.
    pub async fn start() -> Self {
        let mut child = FakeChild { port: 0, state: Shared::default(), running: None };
        child.listen().await;
        child
    }

    async fn listen(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.expect("the fake child's port is free");
        self.port = listener.local_addr().unwrap().port();
        let router = Router::new().fallback(handle).with_state(self.state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            axum::serve(listener, router).with_graceful_shutdown(shutdown).await.unwrap();
        });
        self.running = Some((tx, task));
    }

    /// What Hub stores as the project's base URL.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The credentials Hub answered `registerProject` with.
    pub fn trust(&self, slug: &str, key: &str, secret: &str) {
        self.state.lock().unwrap().credentials = Some((slug.to_owned(), key.to_owned(), secret.to_owned()));
    }

    /// How the child answers provisioning calls from now on.
    pub fn answer_provision(&self, status: u16, body: Value) {
        self.state.lock().unwrap().provision_answer = Some((status, body));
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Closes the port: calls are refused until [`FakeChild::restart`].
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            let aborter = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
                aborter.abort();
            }
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) {
        self.listen().await;
    }
}
