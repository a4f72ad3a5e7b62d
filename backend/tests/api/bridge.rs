//! The inbound signed bridge (spec 000): project registration, the signature
//! check and its refusals, heartbeats, site telemetry and the sync log. Requests
//! are signed here with hmac exactly as a child project would.

use entity::{audit_event, project, site_stat};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::customers::signed_in_customer;
use crate::helpers::*;

const REGISTER: &str = "mutation($i: RegisterProjectInput!) { registerProject(input: $i) { projectKey secret project { slug } } }";
const HEARTBEAT: &str = "/api/internal/saas/project/heartbeat";
const SITE_STATS: &str = "/api/internal/saas/site-stats";

/// A registered project as its child knows it.
pub struct Child {
    pub slug: String,
    pub key: String,
    pub secret: String,
}

async fn register(app: &TestApp, token: &str, slug: &str) -> Gql {
    let input = json!({ "slug": slug, "name": "ShopCore", "baseUrl": "https://shopcore.example.com" });
    app.gql(REGISTER, json!({ "i": input }), Some(token)).await
}

pub async fn child(app: &TestApp, token: &str, slug: &str) -> Child {
    let res = register(app, token, slug).await;
    let key = res.data("registerProject.projectKey").as_str().unwrap().to_owned();
    let secret = res.data("registerProject.secret").as_str().unwrap().to_owned();
    Child { slug: slug.to_owned(), key, secret }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn sign(secret: &str, timestamp: i64, path: &str, body: &str) -> String {
    sign_as(secret, timestamp, "POST", path, body)
}

fn sign_as(secret: &str, timestamp: i64, method: &str, path: &str, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{method}.{}.{body}", path.trim_start_matches('/')).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Sends `body` to `path` with the given headers (project, key, timestamp, signature).
async fn send_raw(app: &TestApp, path: &str, headers: [&str; 4], body: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(app.url(path))
        .header("content-type", "application/json")
        .header("X-Mintreu-Project", headers[0])
        .header("X-Mintreu-Key", headers[1])
        .header("X-Mintreu-Timestamp", headers[2])
        .header("X-Mintreu-Signature", headers[3])
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

/// Sends `body` correctly signed by `child`.
pub async fn send(app: &TestApp, child: &Child, path: &str, body: &Value) -> (StatusCode, Value) {
    let (body, ts) = (body.to_string(), now());
    let signature = sign(&child.secret, ts, path, &body);
    send_raw(app, path, [&child.slug, &child.key, &ts.to_string(), &signature], &body).await
}

pub fn heartbeat() -> Value {
    json!({
        "machine": { "host": "shopcore-node-01", "os": "linux", "memory_total_mb": 4096 },
        "runtime": { "node": "20.10.0", "nuxt": "3.15.1" },
        "health": { "status": "ok", "version": "v1" }
    })
}

pub fn window(orders: i64) -> Value {
    json!({
        "site_id": 81,
        "site_uuid": "33333333-3333-3333-3333-333333333333",
        "site_slug": "velori-live",
        "vendor_id": 101,
        "window_start": "2026-02-20T09:00:00Z",
        "window_end": "2026-02-20T10:00:00Z",
        "metrics": { "orders_count": orders, "new_users_count": 2, "revenue_paise": 149000, "requests_count": 220, "errors_count": 1 },
        "machine": { "host": "shopcore-node-01" },
        "something_new": true
    })
}

#[tokio::test]
async fn registering_needs_a_manager_and_the_secret_is_stored_encrypted() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (_, customer) = signed_in_customer(&app, &owner, "c@example.com").await;
    assert_eq!(register(&app, &support, "shopcore-api").await.code(), "FORBIDDEN");
    assert_eq!(register(&app, &customer, "shopcore-api").await.code(), "FORBIDDEN");
    assert_eq!(register(&app, &manager, "Bad Slug").await.code(), "VALIDATION_ERROR");

    let created = child(&app, &manager, "shopcore-api").await;
    assert!(created.key.starts_with("pk_"));
    assert_eq!(register(&app, &manager, "shopcore-api").await.code(), "CONFLICT");
    let row = project::Entity::find().filter(project::Column::Slug.eq("shopcore-api")).one(&app.services.db).await.unwrap().unwrap();
    assert!(!row.secret_encrypted.contains(&created.secret));
    assert_eq!(app.services.master_key.decrypt(&row.secret_encrypted).unwrap(), created.secret.as_bytes());
    let audit = audit_event::Entity::find().all(&app.services.db).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "project.registered"));
    assert!(!format!("{audit:?}").contains(&created.secret), "the secret must never be audited");

    // The secret is answered once: reads never show it.
    let read = app.gql("query { project(slug: \"shopcore-api\") { projectKey } }", json!({}), Some(&support)).await;
    assert_eq!(read.data("project.projectKey"), created.key.as_str());
    assert!(!read.body.to_string().contains(&created.secret));
}

#[tokio::test]
async fn an_accepted_heartbeat_is_stored_and_visible() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let child = child(&app, &owner, "shopcore-api").await;
    let (status, body) = send(&app, &child, HEARTBEAT, &heartbeat()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], true);
    let read =
        app.gql("query { project(slug: \"shopcore-api\") { lastHeartbeatAt healthStatus lastHeartbeat } }", json!({}), Some(&owner)).await;
    assert_eq!(read.data("project.healthStatus"), "ok");
    assert!(read.data("project.lastHeartbeatAt").is_string());
    assert_eq!(read.data("project.lastHeartbeat")["machine"]["host"], "shopcore-node-01");
}

#[tokio::test]
async fn each_refusal_is_401_in_the_envelope_and_logged() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let child = child(&app, &owner, "shopcore-api").await;
    let body = heartbeat().to_string();
    let ts = now();
    let good = sign(&child.secret, ts, HEARTBEAT, &body);
    let old = now() - 301;
    // Well past the 300 s, so the moment the request takes cannot bring it back inside.
    let ahead = now() + 330;
    let ts_s = ts.to_string();
    let tampered = sign(&child.secret, ts, HEARTBEAT, &body.replace("shopcore-node-01", "shopcore-node-02"));
    let cases: [(&str, [&str; 4]); 8] = [
        ("unknown project", ["no-such-project", &child.key, &ts_s, &good]),
        ("wrong key", [&child.slug, "pk_wrong", &ts_s, &good]),
        ("wrong secret", [&child.slug, &child.key, &ts_s, &sign("not-the-secret", ts, HEARTBEAT, &body)]),
        ("tampered body", [&child.slug, &child.key, &ts_s, &tampered]),
        ("signed for another path", [&child.slug, &child.key, &ts_s, &sign(&child.secret, ts, SITE_STATS, &body)]),
        ("signed for another method", [&child.slug, &child.key, &ts_s, &sign_as(&child.secret, ts, "GET", HEARTBEAT, &body)]),
        ("old timestamp", [&child.slug, &child.key, &old.to_string(), &sign(&child.secret, old, HEARTBEAT, &body)]),
        ("future timestamp", [&child.slug, &child.key, &ahead.to_string(), &sign(&child.secret, ahead, HEARTBEAT, &body)]),
    ];
    let mut messages = Vec::new();
    for (name, headers) in cases {
        let (status, answer) = send_raw(&app, HEARTBEAT, headers, &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}: {answer}");
        assert_eq!(answer["success"], false, "{name}");
        assert_eq!(answer["error"]["code"], "UNAUTHORIZED", "{name}");
        messages.push(answer["error"]["message"].as_str().unwrap().to_owned());
    }
    assert_eq!(messages[0], messages[1], "an unknown slug and a wrong key read the same, so slugs cannot be probed");
    assert_ne!(messages[2], messages[0], "with the right key the cause is named");
    let stored = project::Entity::find().filter(project::Column::Slug.eq(&child.slug)).one(&app.services.db).await.unwrap().unwrap();
    assert!(stored.last_heartbeat_at.is_none(), "no refused heartbeat was stored");
    let headers = [child.slug.as_str(), &child.key, &ts_s, &good];
    assert_eq!(send_raw(&app, HEARTBEAT, headers, &body).await.0, StatusCode::OK);
    let (status, answer) = send_raw(&app, HEARTBEAT, headers, &body).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("UNAUTHORIZED")), "replay");

    let logs = app
        .gql(
            "query { syncLogs(first: 20) { totalCount edges { node { direction projectSlug endpoint status errorCode } } } }",
            json!({}),
            Some(&owner),
        )
        .await;
    assert_eq!(logs.data("syncLogs.totalCount"), 10, "8 refusals, the accepted call and its replay");
    let nodes: Vec<&Value> = logs.data("syncLogs.edges").as_array().unwrap().iter().map(|e| &e["node"]).collect();
    assert_eq!(nodes[0]["status"], 401, "newest first: the replay");
    assert_eq!(nodes[1]["status"], 200);
    assert!(nodes[1]["errorCode"].is_null());
    assert!(nodes.iter().all(|n| n["direction"] == "INBOUND" && n["endpoint"] == HEARTBEAT));
    assert_eq!(nodes.iter().filter(|n| n["errorCode"] == "UNAUTHORIZED").count(), 9);
    assert!(nodes.iter().any(|n| n["projectSlug"] == "no-such-project"), "the slug is logged as sent");
    let mine = app.gql("query { syncLogs(first: 20, project: \"no-such-project\") { totalCount } }", json!({}), Some(&owner)).await;
    assert_eq!(mine.data("syncLogs.totalCount"), 1);
}

#[tokio::test]
async fn site_stats_are_stored_once_per_window_and_validated() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let child = child(&app, &owner, "shopcore-api").await;
    assert_eq!(send(&app, &child, SITE_STATS, &window(9)).await.0, StatusCode::OK);
    let (status, body) = send(&app, &child, SITE_STATS, &window(12)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = site_stat::Entity::find().all(&app.services.db).await.unwrap();
    assert_eq!(rows.len(), 1, "a re-sent window replaces the earlier one");
    assert_eq!(rows[0].metrics["orders_count"], 12);
    assert_eq!(site_stat::Entity::find().count(&app.services.db).await.unwrap(), 1);

    let mut bad = window(-1);
    bad["window_end"] = json!("2026-02-20T08:00:00Z");
    bad["site_uuid"] = json!("not-a-uuid");
    let (status, body) = send(&app, &child, SITE_STATS, &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
    let fields: Vec<&str> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["site_uuid", "window_end", "metrics.orders_count"]);
}

#[tokio::test]
async fn a_rotated_secret_replaces_the_old_one() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let mut child = child(&app, &owner, "shopcore-api").await;
    let res = app.gql("mutation { rotateProjectSecret(slug: \"shopcore-api\") { secret } }", json!({}), Some(&owner)).await;
    let rotated = res.data("rotateProjectSecret.secret").as_str().unwrap().to_owned();
    assert_eq!(send(&app, &child, HEARTBEAT, &heartbeat()).await.0, StatusCode::UNAUTHORIZED);
    child.secret = rotated;
    assert_eq!(send(&app, &child, HEARTBEAT, &heartbeat()).await.0, StatusCode::OK);
}
