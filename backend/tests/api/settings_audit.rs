use serde_json::json;

use crate::helpers::*;

const UPDATE: &str = "mutation($v: JSON!) { updateSettings(values: $v) { key value updatedAt } }";
const SETTINGS: &str = "query($c: String) { settings(category: $c) { key value } }";

#[tokio::test]
async fn admins_bulk_update_settings_by_category() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let values = json!({ "email.smtp_host": "smtp.example.com", "email.smtp_port": 587, "email.smtp_password": "s3cret", "hub.features.beta": true });
    let updated = app.gql(UPDATE, json!({ "v": values }), Some(&admin)).await;
    assert!(updated.data("updateSettings").as_array().unwrap().iter().any(|s| s["key"] == "email.smtp_port" && s["value"] == 587));

    let email = app.gql(SETTINGS, json!({ "c": "email" }), Some(&admin)).await;
    let keys: Vec<_> = email.data("settings").as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["email.smtp_host", "email.smtp_password", "email.smtp_port"]);

    // Upsert, and null removes.
    app.gql(UPDATE, json!({ "v": { "email.smtp_port": 2525, "email.smtp_password": null } }), Some(&admin)).await.data("updateSettings");
    let email = app.gql(SETTINGS, json!({ "c": "email" }), Some(&admin)).await;
    assert_eq!(
        email.data("settings"),
        &json!([{ "key": "email.smtp_host", "value": "smtp.example.com" }, { "key": "email.smtp_port", "value": 2525 }])
    );
    // `_` in a category is literal, not a LIKE wildcard.
    app.gql(UPDATE, json!({ "v": { "a_b.k": 1, "axb.k": 2 } }), Some(&admin)).await.data("updateSettings");
    assert_eq!(app.gql(SETTINGS, json!({ "c": "a_b" }), Some(&admin)).await.data("settings"), &json!([{ "key": "a_b.k", "value": 1 }]));
    let all = app.gql(SETTINGS, json!({}), Some(&admin)).await;
    assert!(all.data("settings").as_array().unwrap().iter().any(|s| s["key"] == "hub.features.beta"));

    // The audit names keys, never values.
    let audit = app
        .gql(
            "{ auditLog(action: \"settings.updated\") { totalCount edges { node { details actor { email } } } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(audit.data("auditLog.totalCount"), 3);
    let text = audit.data("auditLog.edges").to_string();
    assert!(text.contains("email.smtp_password") && !text.contains("s3cret") && text.contains("admin@example.com"));
}

#[tokio::test]
async fn settings_are_validated_and_the_system_category_is_reserved() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let bad = app.gql(UPDATE, json!({ "v": { "email.ok": 1, "Email.host": "x", "nodot": 2 } }), Some(&owner)).await;
    assert_eq!(bad.code(), "VALIDATION_ERROR");
    let fields: Vec<_> =
        bad.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"Email.host") && fields.contains(&"nodot") && !fields.contains(&"email.ok"), "{fields:?}");
    assert_eq!(app.gql(UPDATE, json!({ "v": [1] }), Some(&owner)).await.code(), "VALIDATION_ERROR");
    assert_eq!(app.gql(SETTINGS, json!({ "c": "Bad-Cat" }), Some(&owner)).await.code(), "VALIDATION_ERROR");

    let reserved = app.gql(UPDATE, json!({ "v": { "email.ok": 1, "system.setup_completed_at": "never" } }), Some(&owner)).await;
    assert_eq!(reserved.code(), "FORBIDDEN");
    // Nothing of a refused batch was written.
    assert_eq!(app.gql(SETTINGS, json!({ "c": "email" }), Some(&owner)).await.data("settings"), &json!([]));
    let system = app.gql(SETTINGS, json!({ "c": "system" }), Some(&owner)).await;
    assert_ne!(system.data("settings")[0]["value"], "never");

    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    assert_eq!(app.gql(SETTINGS, json!({}), Some(&manager)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(UPDATE, json!({ "v": { "email.ok": 1 } }), Some(&manager)).await.code(), "FORBIDDEN");
}

#[tokio::test]
async fn the_audit_log_shows_staff_actions_and_logins_to_admins_only() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(app.login_raw(OWNER_EMAIL, "wrong-password-1").await.code(), "UNAUTHORIZED");

    const LOG: &str = "query($a: String, $u: UUID, $f: DateTime, $t: DateTime, $n: Int) { auditLog(action: $a, actorId: $u, from: $f, to: $t, first: $n) { totalCount pageInfo { hasNextPage } edges { node { action actorId actor { email name } targetType createdAt } } } }";
    let all = app.gql(LOG, json!({}), Some(&admin)).await;
    let actions: Vec<_> =
        all.data("auditLog.edges").as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap().to_owned()).collect();
    for expected in ["setup.completed", "staff.invited", "staff.invitation_accepted", "login.succeeded", "login.failed"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} missing from {actions:?}");
    }
    assert_eq!(actions[0], "login.failed", "newest first");
    let invited = all.data("auditLog.edges").as_array().unwrap().iter().find(|e| e["node"]["action"] == "staff.invited").unwrap();
    assert_eq!(invited["node"]["actor"]["email"], OWNER_EMAIL);

    let logins = app.gql(LOG, json!({ "a": "login." }), Some(&admin)).await;
    assert_eq!(logins.data("auditLog.totalCount"), 2);
    let owner_id = app.gql(ME, json!({}), Some(&owner)).await.data("me.id").clone();
    let by_owner = app.gql(LOG, json!({ "u": owner_id, "a": "staff.invited" }), Some(&admin)).await;
    assert_eq!(by_owner.data("auditLog.totalCount"), 2);
    let paged = app.gql(LOG, json!({ "n": 1 }), Some(&admin)).await;
    assert_eq!(paged.data("auditLog.pageInfo.hasNextPage"), true);
    let future = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    assert_eq!(app.gql(LOG, json!({ "f": future }), Some(&admin)).await.data("auditLog.totalCount"), 0);
    assert_eq!(app.gql(LOG, json!({ "t": future }), Some(&admin)).await.data("auditLog.totalCount"), all.data("auditLog.totalCount"));

    assert_eq!(app.gql(LOG, json!({}), Some(&manager)).await.code(), "FORBIDDEN");
}
