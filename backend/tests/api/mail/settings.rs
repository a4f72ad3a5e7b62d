//! `notificationSettings` / `updateNotificationSettings`: defaults, partial
//! changes that persist, and validation with field errors.

use serde_json::json;

use crate::helpers::*;

const QUERY: &str = "query { notificationSettings { emailEnabled minSeverity alertTypes } }";
const UPDATE: &str =
    "mutation($i: NotificationSettingsInput!) { updateNotificationSettings(input: $i) { emailEnabled minSeverity alertTypes } }";

#[tokio::test]
async fn settings_start_at_critical_only_and_keep_what_is_not_changed() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let res = app.gql(QUERY, json!({}), Some(&owner)).await;
    assert_eq!(res.data("notificationSettings"), &json!({ "emailEnabled": true, "minSeverity": "CRITICAL", "alertTypes": [] }));

    let res = app.gql(UPDATE, json!({ "i": { "minSeverity": "WARNING", "alertTypes": ["QUOTA_EXCEEDED"] } }), Some(&owner)).await;
    assert_eq!(
        res.data("updateNotificationSettings"),
        &json!({ "emailEnabled": true, "minSeverity": "WARNING", "alertTypes": ["QUOTA_EXCEEDED"] })
    );
    app.gql(UPDATE, json!({ "i": { "emailEnabled": false } }), Some(&owner)).await.data("updateNotificationSettings");
    let res = app.gql(QUERY, json!({}), Some(&owner)).await;
    assert_eq!(
        res.data("notificationSettings"),
        &json!({ "emailEnabled": false, "minSeverity": "WARNING", "alertTypes": ["QUOTA_EXCEEDED"] })
    );
}

#[tokio::test]
async fn malformed_alert_types_are_refused_field_by_field_and_nothing_changes() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let res = app.gql(UPDATE, json!({ "i": { "emailEnabled": false, "alertTypes": ["OK", "lower", "OK"] } }), Some(&owner)).await;
    assert_eq!(res.code(), "VALIDATION_ERROR", "{}", res.body);
    let fields: Vec<_> =
        res.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["alertTypes[1]", "alertTypes[2]"]);
    let res = app.gql(QUERY, json!({}), Some(&owner)).await;
    assert_eq!(res.data("notificationSettings.emailEnabled"), true);
    assert_eq!(app.gql(QUERY, json!({}), None).await.code(), "UNAUTHORIZED");
}
