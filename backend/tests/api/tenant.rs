//! The tenant-host shim (spec 001 §6): registration, hub-key authentication,
//! heartbeats, config, approvals, usage buckets and backup reports.

use entity::{order, tenant_heartbeat, token_usage_bucket};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::agents::{customer, order_of};
use crate::helpers::*;

const ISSUE: &str = "mutation($o: UUID!) { issueRegistrationToken(orderId: $o) }";

async fn issue(app: &TestApp, staff: &str, order: Uuid) -> String {
    let res = app.gql(ISSUE, json!({ "o": order }), Some(staff)).await;
    res.data("issueRegistrationToken").as_str().unwrap().to_owned()
}

async fn send(app: &TestApp, path: &str, key: Option<&str>, body: Option<String>) -> (StatusCode, Value) {
    let url = app.url(path);
    let mut req = match body {
        Some(body) => reqwest::Client::new().post(url).header("content-type", "application/json").body(body),
        None => reqwest::Client::new().get(url),
    };
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

async fn post(app: &TestApp, path: &str, key: Option<&str>, body: Value) -> (StatusCode, Value) {
    send(app, path, key, Some(body.to_string())).await
}

async fn register(app: &TestApp, staff: &str, order: Uuid) -> String {
    let token = issue(app, staff, order).await;
    let (status, body) = post(app, "/api/v1/tenant/register", None, json!({ "registrationToken": token })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["hubApiKey"].as_str().unwrap().to_owned()
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("NO_CODE")
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap().to_owned()).collect()
}

fn heartbeat(config_version: i64) -> Value {
    json!({
        "status": "healthy",
        "openclawVersion": "v2026.2.1",
        "safetyWrapperVersion": "v1.0.3",
        "configVersion": config_version,
        "agents": { "dispatcher": { "status": "active", "lastActiveAt": "2026-03-15T14:20:00Z" } },
        "resources": { "cpuPercent": 23, "memoryUsedMb": 6144 },
        "tokenUsage": { "tokensUsed": 8234000, "tokenAllotment": 15000000 },
        "backupStatus": { "lastBackup": "2026-03-15T02:15:00Z", "status": "success", "sizeGb": 4.2 },
    })
}

async fn config_version(app: &TestApp, order_id: Uuid) -> i64 {
    order::Entity::find_by_id(order_id).one(&app.services.db).await.unwrap().unwrap().config_version
}

#[tokio::test]
async fn a_registration_token_buys_one_hub_key_and_registering_again_revokes_it() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let token = issue(&app, &owner, order).await;
    assert!(token.starts_with("hubreg_"));

    let (status, body) = post(&app, "/api/v1/tenant/register", None, json!({ "registrationToken": token })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], true);
    assert_eq!(body["data"]["orderId"], json!(order));
    let key = body["data"]["hubApiKey"].as_str().unwrap().to_owned();
    assert!(key.starts_with("hk_"));
    let (status, again) = post(&app, "/api/v1/tenant/register", None, json!({ "registrationToken": token })).await;
    assert_eq!((status, code(&again)), (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"));

    let (status, _) = send(&app, "/api/v1/tenant/config", Some(&key), None).await;
    assert_eq!(status, StatusCode::OK);
    for wrong in [None, Some("hk_nope"), Some("hubreg_nope")] {
        let (status, body) = send(&app, "/api/v1/tenant/config", wrong, None).await;
        assert_eq!((status, code(&body)), (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"));
    }

    let second = register(&app, &owner, order).await;
    let (status, _) = send(&app, "/api/v1/tenant/config", Some(&key), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the earlier key is revoked");
    let (status, _) = send(&app, "/api/v1/tenant/config", Some(&second), None).await;
    assert_eq!(status, StatusCode::OK);

    let audit = entity::audit_event::Entity::find().all(&app.services.db).await.unwrap();
    let logged = format!("{audit:?}");
    assert!(logged.contains("tenant.registration_token_issued"));
    assert!(!logged.contains(&token) && !logged.contains(&second), "secrets never reach the audit log");

    let cancelled = crate::fixtures::order_with_status(&app, a, entity::OrderStatus::Cancelled).await;
    let res = app.gql(ISSUE, json!({ "o": cancelled }), Some(&owner)).await;
    assert_eq!(res.code(), "CONFLICT");
}

#[tokio::test]
async fn heartbeats_deliver_commands_and_decisions_once() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let key = register(&app, &owner, order).await;
    let version = config_version(&app, order).await;

    let queue = "mutation($id: UUID!) { queueRemoteCommand(orderId: $id, command: RESTART_SERVICE, args: { service: \"ghost\" }) { id } }";
    app.gql(queue, json!({ "id": order }), Some(&owner)).await.data("queueRemoteCommand");
    let ask = json!({ "agentId": "it-admin", "commandClass": "red", "toolName": "file_delete", "toolArgs": { "path": "/tmp" }, "humanReadable": "IT Admin wants to delete /tmp" });
    let (status, created) = post(&app, "/api/v1/tenant/approval-request", Some(&key), ask).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["data"]["status"], "PENDING");
    let approval = created["data"]["id"].as_str().unwrap().to_owned();
    let (_, polled) = send(&app, &format!("/api/v1/tenant/approval-response/{approval}"), Some(&key), None).await;
    assert_eq!(polled["data"]["status"], "PENDING");

    let (_, first) = post(&app, "/api/v1/tenant/heartbeat", Some(&key), heartbeat(version)).await;
    assert_eq!(first["data"]["configChanged"], false);
    assert_eq!(first["data"]["pendingCommands"][0]["type"], "RESTART_SERVICE");
    assert_eq!(first["data"]["pendingCommands"][0]["payload"], json!({ "service": "ghost" }));
    assert_eq!(first["data"]["pendingApprovals"], json!([]), "a pending approval is not delivered");

    let decide = "mutation($id: UUID!) { decideApproval(id: $id, action: APPROVE, reason: \"fine\") { status } }";
    assert_eq!(app.gql(decide, json!({ "id": approval }), Some(&admin)).await.data("decideApproval.status"), "APPROVED");
    let (_, second) = post(&app, "/api/v1/tenant/heartbeat", Some(&key), heartbeat(version + 1)).await;
    assert_eq!(second["data"]["configChanged"], true);
    assert_eq!(second["data"]["configVersion"], version);
    assert_eq!(second["data"]["pendingCommands"], json!([]), "each command goes out once");
    assert_eq!(second["data"]["pendingApprovals"][0]["id"], approval);
    assert_eq!(second["data"]["pendingApprovals"][0]["action"], "approve");
    let (_, third) = post(&app, "/api/v1/tenant/heartbeat", Some(&key), heartbeat(version)).await;
    assert_eq!(third["data"]["pendingApprovals"], json!([]), "each decision goes out once");

    let (_, polled) = send(&app, &format!("/api/v1/tenant/approval-response/{approval}"), Some(&key), None).await;
    assert_eq!((polled["data"]["status"].as_str(), polled["data"]["reason"].as_str()), (Some("APPROVED"), Some("fine")));
    let stored = tenant_heartbeat::Entity::find_by_id(order).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!(stored.status.as_deref(), Some("healthy"));
    assert_eq!(stored.snapshot.unwrap()["resources"]["cpuPercent"], 23);
    assert!(stored.last_seen_at.is_some());
}

#[tokio::test]
async fn config_lists_the_orders_agents_and_a_tenant_reaches_only_its_own_rows() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let (_, b) = customer(&app, "b@example.com").await;
    let (a_order, b_order) = (order_of(&app, a).await, order_of(&app, b).await);
    let deploy = "mutation($o: UUID!, $i: DeployAgentInput!) { deployAgent(orderId: $o, input: $i) { id } }";
    app.gql(deploy, json!({ "o": a_order, "i": { "role": "sales", "agentId": "sales" } }), Some(&owner)).await.data("deployAgent");
    let (a_key, b_key) = (register(&app, &owner, a_order).await, register(&app, &owner, b_order).await);

    let (_, config) = send(&app, "/api/v1/tenant/config", Some(&a_key), None).await;
    assert_eq!(config["data"]["configVersion"], config_version(&app, a_order).await);
    let agents = config["data"]["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0]["agentId"], "sales");
    for key in ["name", "role", "soulMd", "toolsAllowed", "toolsDenied", "toolProfile", "autonomyLevel", "externalCommsUnlocks", "isActive"]
    {
        assert!(agents[0].get(key).is_some(), "{key} is listed");
    }
    assert!(config["data"]["modelRouting"]["defaultModel"].is_string());
    let (_, b_config) = send(&app, "/api/v1/tenant/config", Some(&b_key), None).await;
    assert_eq!(b_config["data"]["agents"], json!([]));

    let ask =
        json!({ "agentId": "sales", "commandClass": "yellow", "toolName": "send_email", "humanReadable": "Sales wants to send a mail" });
    let (_, created) = post(&app, "/api/v1/tenant/approval-request", Some(&b_key), ask).await;
    let b_approval = created["data"]["id"].as_str().unwrap().to_owned();
    let (status, body) = send(&app, &format!("/api/v1/tenant/approval-response/{b_approval}"), Some(&a_key), None).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "NOT_FOUND"));
    let (status, _) = send(&app, &format!("/api/v1/tenant/approval-response/{b_approval}"), Some(&b_key), None).await;
    assert_eq!(status, StatusCode::OK);
}

fn bucket(agent: &str, hour: &str, tokens: i64) -> Value {
    json!({
        "agentId": agent, "model": "deepseek/deepseek-v3.2", "bucketHour": hour,
        "tokensInput": tokens, "tokensOutput": 10, "tokensCacheRead": 0, "tokensCacheWrite": 0,
        "webSearchCount": 1, "webFetchCount": 0, "costCents": 3,
    })
}

async fn stored_input(app: &TestApp, order: Uuid) -> (usize, i64) {
    let rows =
        token_usage_bucket::Entity::find().filter(token_usage_bucket::Column::OrderId.eq(order)).all(&app.services.db).await.unwrap();
    (rows.len(), rows.iter().map(|r| r.tokens_input).sum())
}

#[tokio::test]
async fn usage_buckets_are_upserted_so_a_resent_batch_never_counts_twice() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let key = register(&app, &owner, order).await;
    let batch = json!({ "buckets": [bucket("marketing", "2026-03-15T14:00:00Z", 45000), bucket("sales", "2026-03-15T14:00:00Z", 5000)] });

    for _ in 0..2 {
        let (status, body) = post(&app, "/api/v1/tenant/usage", Some(&key), batch.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["accepted"], 2);
    }
    assert_eq!(stored_input(&app, order).await, (2, 50000));
    let changed = json!({ "buckets": [bucket("marketing", "2026-03-15T14:00:00Z", 1000)] });
    post(&app, "/api/v1/tenant/usage", Some(&key), changed).await;
    assert_eq!(stored_input(&app, order).await, (2, 6000), "a changed bucket replaces the stored one");

    let mut negative = bucket("sales", "2026-03-15T15:00:00Z", -1);
    negative["costCents"] = json!(-3);
    let bad = json!({ "buckets": [bucket("sales", "2026-03-15T15:00:00Z", 1), bucket("sales", "2026-03-15T15:30:00Z", 1), negative, bucket("sales", "2999-01-01T00:00:00Z", 1)] });
    let (status, body) = post(&app, "/api/v1/tenant/usage", Some(&key), bad).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "VALIDATION_ERROR"));
    assert_eq!(fields(&body), ["buckets[1].bucketHour", "buckets[2].tokensInput", "buckets[2].costCents", "buckets[3].bucketHour"]);
    assert_eq!(stored_input(&app, order).await, (2, 6000), "a refused batch stores nothing");
}

#[tokio::test]
async fn bodies_are_validated_limited_and_backups_recorded() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let key = register(&app, &owner, order).await;

    let (status, body) = send(&app, "/api/v1/tenant/heartbeat", Some(&key), Some("{not json".into())).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "VALIDATION_ERROR"));
    assert_eq!(body["success"], false);
    let mut bad = heartbeat(1);
    bad["status"] = json!("");
    bad["resources"] = json!([1]);
    let (status, body) = post(&app, "/api/v1/tenant/heartbeat", Some(&key), bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["status", "resources"]);

    let huge = json!({ "status": "healthy", "configVersion": 1, "agents": { "x": "y".repeat(1024 * 1024) } });
    let (status, body) = post(&app, "/api/v1/tenant/heartbeat", Some(&key), huge).await;
    assert_eq!((status, code(&body)), (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"));

    let (status, body) =
        post(&app, "/api/v1/tenant/backup-status", Some(&key), json!({ "status": "success", "lastBackup": "nope", "sizeGb": -1 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["lastBackup", "sizeGb"]);
    let report = json!({ "status": "success", "lastBackup": "2026-03-15T02:15:00Z", "sizeGb": 4.2 });
    let (status, _) = post(&app, "/api/v1/tenant/backup-status", Some(&key), report).await;
    assert_eq!(status, StatusCode::OK);
    let stored = tenant_heartbeat::Entity::find_by_id(order).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!(stored.backup.unwrap()["sizeGb"], 4.2);
    assert!(stored.backup_reported_at.is_some());
}
