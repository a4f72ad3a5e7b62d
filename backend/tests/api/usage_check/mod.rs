//! The usage check, `POST /api/data` / `GET /api/usage` (CONTRACT §3): answers,
//! errors, limits under concurrency (one and two replicas), key changes, and
//! durability across a `kill -9`.

mod answers;
mod concurrency;
mod crash;
pub mod fixture;
mod keys;

use reqwest::{Response, StatusCode};
use serde_json::Value;

pub use fixture::{key, product, tier};

use crate::helpers::TestApp;

/// `POST /api/data` (or `GET /api/usage` when `count` is false) as `user` on `plan`.
pub async fn call(app: &TestApp, secret: &str, user: &str, plan: Option<&str>, count: bool) -> Response {
    call_at(&app.client, &app.url(""), secret, user, plan, count).await
}

pub async fn call_at(client: &reqwest::Client, base: &str, secret: &str, user: &str, plan: Option<&str>, count: bool) -> Response {
    let request = if count { client.post(format!("{base}/api/data")) } else { client.get(format!("{base}/api/usage")) };
    let request = request.bearer_auth(secret).header("X-User-Id", user);
    let request = match plan {
        Some(plan) => request.header("X-User-Plan", plan),
        None => request,
    };
    request.send().await.unwrap()
}

/// Status and JSON body.
pub async fn answer(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap())
}
