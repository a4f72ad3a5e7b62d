//! A local fake of the Stripe API (axum on 127.0.0.1:0) for the endpoints Hub
//! calls: it answers JSON shaped like Stripe's and records every request (form
//! fields, auth and idempotency headers) so tests can assert what Hub sent.
//! Also: signing webhook payloads the way Stripe does.

use std::sync::{Arc, Mutex};

use axum::{
    extract::{Path, State},
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::post,
    Form, Json, Router,
};
use hmac::{Hmac, KeyInit, Mac};
use hub::config::{Config, SecretString};
use serde_json::{json, Value};
use sha2::Sha256;

pub const SECRET_KEY: &str = "sk_test_hub_fake_key_123";
pub const WEBHOOK_SECRET: &str = "whsec_hub_test_secret";
/// A price the fake refuses, with a message that (wrongly) echoes the key.
pub const MISSING_PRICE: &str = "price_missing";

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub form: Vec<(String, String)>,
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
}

impl Seen {
    /// The first value of a form field (`line_items[0][price]`, `metadata[hub_domain]`, …).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Default)]
pub struct FakeStripe {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeStripe {
    pub async fn start() -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/v1/customers", post(customer))
            .route("/v1/checkout/sessions", post(checkout_session))
            .route("/v1/billing_portal/sessions", post(portal_session))
            .route("/v1/subscriptions/{id}", post(subscription))
            .route("/v1/invoices", post(invoice))
            .route("/v1/invoiceitems", post(invoice_item))
            .route("/v1/invoices/{id}/finalize", post(finalize))
            .layer(axum::middleware::from_fn_with_state(seen.clone(), record))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, seen }
    }

    /// Points `config` at this fake, with the test key and webhook secret.
    pub fn configure(&self, config: &mut Config) {
        config.stripe.secret_key = Some(SecretString::new(SECRET_KEY));
        config.stripe.webhook_secret = Some(SecretString::new(WEBHOOK_SECRET));
        config.stripe.api_base = self.url.clone();
    }

    /// Every request so far to `path`.
    pub fn seen(&self, path: &str) -> Vec<Seen> {
        self.seen.lock().unwrap().iter().filter(|s| s.path == path).cloned().collect()
    }
}

/// The requests received so far.
type Log = Arc<Mutex<Vec<Seen>>>;

/// Records the request (its form body is read again by the handler).
async fn record(State(seen): State<Log>, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let form = form_pairs(&bytes);
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        form,
        authorization: header("authorization"),
        idempotency_key: header("idempotency-key"),
    });
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// `a=1&b%5Bc%5D=2` as pairs, through axum's own form decoding.
fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    let uri: Uri = format!("/?{}", String::from_utf8_lossy(bytes)).parse().unwrap_or_default();
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri).map(|q| q.0).unwrap_or_default()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn customer(Form(form): Form<Vec<(String, String)>>) -> Json<Value> {
    let email = form.iter().find(|(k, _)| k == "email").map(|(_, v)| v.clone());
    Json(json!({ "id": "cus_fake_1", "object": "customer", "created": now(), "livemode": false, "email": email }))
}

async fn checkout_session(State(seen): State<Log>, Form(form): Form<Vec<(String, String)>>) -> Response {
    if form.iter().any(|(k, v)| k == "line_items[0][price]" && v == MISSING_PRICE) {
        let message = format!("No such price: '{MISSING_PRICE}' (request made with {SECRET_KEY})");
        let body = json!({ "error": { "type": "invalid_request_error", "code": "resource_missing", "message": message } });
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let n = seen.lock().unwrap().len();
    let id = format!("cs_test_fake_{n}");
    Json(json!({
        "id": id, "object": "checkout.session", "mode": "subscription", "status": "open", "created": now(),
        "url": format!("https://checkout.stripe.test/c/pay/{id}"),
    }))
    .into_response()
}

async fn portal_session(Form(form): Form<Vec<(String, String)>>) -> Json<Value> {
    let customer = form.iter().find(|(k, _)| k == "customer").map(|(_, v)| v.clone());
    Json(json!({
        "id": "bps_fake_1", "object": "billing_portal.session", "customer": customer,
        "url": "https://billing.stripe.test/p/session/fake",
    }))
}

async fn subscription(Path(id): Path<String>) -> Json<Value> {
    Json(json!({ "id": id, "object": "subscription", "status": "active", "cancel_at_period_end": true }))
}

async fn invoice() -> Json<Value> {
    Json(json!({ "id": "in_fake_1", "object": "invoice", "status": "draft", "amount_due": 0, "amount_paid": 0, "currency": "eur" }))
}

async fn invoice_item(Form(form): Form<Vec<(String, String)>>) -> Json<Value> {
    let amount = form.iter().find(|(k, _)| k == "amount").map(|(_, v)| v.clone());
    Json(json!({ "id": format!("ii_fake_{}", amount.unwrap_or_default()), "object": "invoiceitem" }))
}

async fn finalize(State(seen): State<Log>, Path(id): Path<String>) -> Json<Value> {
    let total: i64 = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.path == "/v1/invoiceitems" && s.field("invoice") == Some(id.as_str()))
        .filter_map(|s| s.field("amount").and_then(|a| a.parse::<i64>().ok()))
        .sum();
    Json(json!({
        "id": id, "object": "invoice", "status": "open", "amount_due": total, "amount_paid": 0, "currency": "eur",
        "period_start": now() - 86_400, "period_end": now(), "hosted_invoice_url": format!("https://invoice.stripe.test/i/{id}"),
    }))
}

/// The `Stripe-Signature` header Stripe would send for `body` at unix time `t`.
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}
