use chrono::{Duration, Utc};
use entity::command_approval;
use hub::domain::approvals::{self, ApprovalRequest};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use crate::agents::{customer, order_of};
use crate::helpers::*;

/// A red `tool` request by the IT Admin agent.
pub fn ask(tool: &str) -> ApprovalRequest {
    ApprovalRequest {
        agent_id: "it-admin".into(),
        command_class: "red".into(),
        tool_name: tool.into(),
        tool_args: json!({ "path": "/opt/letsbe/tmp/*", "recursive": true }),
        human_readable: format!("IT Admin wants to run {tool}"),
    }
}

async fn requested(app: &TestApp, order: Uuid, tool: &str) -> Uuid {
    approvals::request(&app.services, order, ask(tool)).await.unwrap().id
}

const LIST: &str = "query($s: ApprovalStatus) { approvals(status: $s) { totalCount edges { node { id orderId toolName status } } } }";
const DECIDE: &str = "mutation($id: UUID!, $a: ApprovalAction!, $r: String) { decideApproval(id: $id, action: $a, reason: $r) { status decidedAt decidedBy decisionReason } }";

#[tokio::test]
async fn requests_are_pending_for_a_day_and_validated() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let created = approvals::request(&app.services, order, ask("file_delete")).await.unwrap();
    assert_eq!(created.status, entity::ApprovalStatus::Pending);
    assert_eq!((created.expires_at - created.requested_at).num_hours(), 24);

    let bad = ApprovalRequest {
        agent_id: "IT".into(),
        command_class: "".into(),
        tool_name: "rm -rf".into(),
        tool_args: json!([]),
        human_readable: " ".into(),
    };
    let err = approvals::request(&app.services, order, bad).await.unwrap_err();
    let fields: Vec<_> = err.fields().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["agentId", "commandClass", "toolName", "toolArgs", "humanReadable"]);
    let missing = approvals::request(&app.services, Uuid::new_v4(), ask("x")).await.unwrap_err();
    assert_eq!(missing.code(), "NOT_FOUND");
}

#[tokio::test]
async fn approvals_are_listed_per_scope() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (a_token, a) = customer(&app, "a@example.com").await;
    let (b_token, b) = customer(&app, "b@example.com").await;
    let (a_order, b_order) = (order_of(&app, a).await, order_of(&app, b).await);
    let a1 = requested(&app, a_order, "file_delete").await;
    requested(&app, a_order, "shell").await;
    let b1 = requested(&app, b_order, "docker").await;

    assert_eq!(app.gql(LIST, json!({}), Some(&support)).await.data("approvals.totalCount"), 3);
    let mine = app.gql(LIST, json!({}), Some(&a_token)).await;
    assert_eq!(mine.data("approvals.totalCount"), 2);
    assert!(mine.data("approvals.edges").as_array().unwrap().iter().all(|e| e["node"]["orderId"] == json!(a_order)));
    assert_eq!(app.gql(LIST, json!({}), Some(&b_token)).await.data("approvals.totalCount"), 1);

    const ONE: &str = "query($id: UUID!) { approval(id: $id) { id toolArgs humanReadable commandClass agentId requestedAt expiresAt } }";
    let detail = app.gql(ONE, json!({ "id": a1 }), Some(&a_token)).await;
    assert_eq!(detail.data("approval.toolArgs.recursive"), true);
    assert_eq!(app.gql(ONE, json!({ "id": b1 }), Some(&a_token)).await.code(), "NOT_FOUND");

    app.gql(DECIDE, json!({ "id": a1, "a": "DENY" }), Some(&a_token)).await.data("decideApproval");
    assert_eq!(app.gql(LIST, json!({ "s": "PENDING" }), Some(&owner)).await.data("approvals.totalCount"), 2);
    assert_eq!(app.gql(LIST, json!({ "s": "DENIED" }), Some(&a_token)).await.data("approvals.totalCount"), 1);
}

#[tokio::test]
async fn an_approval_is_decided_exactly_once() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let (a_token, a) = customer(&app, "a@example.com").await;
    let (b_token, _) = customer(&app, "b@example.com").await;
    let order = order_of(&app, a).await;
    let first = requested(&app, order, "file_delete").await;
    let second = requested(&app, order, "shell").await;

    assert_eq!(app.gql(DECIDE, json!({ "id": first, "a": "APPROVE" }), Some(&manager)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(DECIDE, json!({ "id": first, "a": "APPROVE" }), Some(&b_token)).await.code(), "NOT_FOUND");

    let approved = app.gql(DECIDE, json!({ "id": first, "a": "APPROVE", "r": "  looks fine " }), Some(&admin)).await;
    assert_eq!(approved.data("decideApproval.status"), "APPROVED");
    assert_eq!(approved.data("decideApproval.decisionReason"), "looks fine");
    assert!(approved.data("decideApproval.decidedAt").is_string());
    let again = app.gql(DECIDE, json!({ "id": first, "a": "DENY" }), Some(&a_token)).await;
    assert_eq!(again.code(), "CONFLICT");

    let denied = app.gql(DECIDE, json!({ "id": second, "a": "DENY" }), Some(&a_token)).await;
    assert_eq!(denied.data("decideApproval.status"), "DENIED");
    let a_id = app.gql(ME, json!({}), Some(&a_token)).await.data("me.id").clone();
    assert_eq!(denied.data("decideApproval.decidedBy"), &a_id);
    assert_eq!(app.gql(DECIDE, json!({ "id": second, "a": "APPROVE" }), Some(&owner)).await.code(), "CONFLICT");

    let stored = command_approval::Entity::find_by_id(first).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!(stored.status, entity::ApprovalStatus::Approved);
    let audit = app.gql("{ auditLog(action: \"approval.decided\") { totalCount } }", json!({}), Some(&owner)).await;
    assert_eq!(audit.data("auditLog.totalCount"), 2);
}

#[tokio::test]
async fn stale_approvals_expire_and_cannot_be_decided() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let overdue = requested(&app, order, "file_delete").await;
    let fresh = requested(&app, order, "shell").await;
    let decided = requested(&app, order, "docker").await;
    app.gql(DECIDE, json!({ "id": decided, "a": "APPROVE" }), Some(&owner)).await.data("decideApproval");
    let mut row = command_approval::Entity::find_by_id(overdue).one(&app.services.db).await.unwrap().unwrap().into_active_model();
    row.expires_at = Set(Utc::now() - Duration::minutes(1));
    row.update(&app.services.db).await.unwrap();

    // Past its time but not yet swept: still refused.
    assert_eq!(app.gql(DECIDE, json!({ "id": overdue, "a": "APPROVE" }), Some(&owner)).await.code(), "CONFLICT");
    assert_eq!(approvals::expire_stale(&app.services, Utc::now()).await.unwrap().len(), 1);
    assert!(approvals::expire_stale(&app.services, Utc::now()).await.unwrap().is_empty());
    let status = |id: Uuid| {
        let db = app.services.db.clone();
        async move { command_approval::Entity::find_by_id(id).one(&db).await.unwrap().unwrap().status }
    };
    assert_eq!(status(overdue).await, entity::ApprovalStatus::Expired);
    assert_eq!(status(fresh).await, entity::ApprovalStatus::Pending);
    assert_eq!(status(decided).await, entity::ApprovalStatus::Approved);
    assert_eq!(app.gql(DECIDE, json!({ "id": overdue, "a": "APPROVE" }), Some(&owner)).await.code(), "CONFLICT");
    assert_eq!(app.gql(DECIDE, json!({ "id": fresh, "a": "APPROVE" }), Some(&owner)).await.data("decideApproval.status"), "APPROVED");
}

#[tokio::test]
async fn racing_deciders_cannot_both_win() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a_token, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    for _ in 0..3 {
        let id = requested(&app, order, "file_delete").await;
        let (x, y) = tokio::join!(
            app.gql(DECIDE, json!({ "id": id, "a": "APPROVE" }), Some(&owner)),
            app.gql(DECIDE, json!({ "id": id, "a": "DENY" }), Some(&a_token)),
        );
        let mut outcomes = [x, y].map(|r| if r.body["errors"].is_null() { "won".to_owned() } else { r.code().to_owned() });
        outcomes.sort();
        assert_eq!(outcomes, ["CONFLICT", "won"]);
    }
}
