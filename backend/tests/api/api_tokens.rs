use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn api_tokens_carry_the_owner_permissions_until_revoked() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let created = app
        .gql(
            "mutation { createApiToken(name: \"deploy bot\", expiresInDays: 30) { token apiToken { id name prefix expiresAt } } }",
            json!({}),
            Some(&owner),
        )
        .await;
    let token = created.data("createApiToken.token").as_str().unwrap().to_owned();
    let id = created.data("createApiToken.apiToken.id").as_str().unwrap().to_owned();
    assert!(token.starts_with("hubt_"));
    assert!(token.starts_with(created.data("createApiToken.apiToken.prefix").as_str().unwrap()));

    assert_eq!(app.gql(ME, json!({}), Some(&token)).await.data("me.role"), "OWNER");
    let invite = app.gql("mutation { inviteStaff(email: \"bot@example.com\", role: SUPPORT) { token } }", json!({}), Some(&token)).await;
    assert!(invite.data("inviteStaff.token").is_string(), "staff operations work with the owner's token");
    let security = app.gql("mutation { beginTwoFactorSetup { secret } }", json!({}), Some(&token)).await;
    assert_eq!(security.code(), "FORBIDDEN", "security settings need a session");

    let logout = app.gql_with(&reqwest::Client::new(), "mutation { logout }", json!({}), Some(&token)).await;
    assert_eq!(logout.code(), "FORBIDDEN", "an API token has no session to end");

    let listed = app.gql("{ apiTokens { totalCount edges { node { name lastUsedAt } } } }", json!({}), Some(&owner)).await;
    assert_eq!(listed.data("apiTokens.totalCount"), 1);
    assert!(listed.data("apiTokens.edges")[0]["node"]["lastUsedAt"].is_string());

    let revoked = app.gql("mutation($id: UUID!) { revokeApiToken(id: $id) { revokedAt } }", json!({ "id": id }), Some(&owner)).await;
    assert!(revoked.data("revokeApiToken.revokedAt").is_string());
    assert_eq!(app.gql(ME, json!({}), Some(&token)).await.code(), "UNAUTHORIZED");
}

#[tokio::test]
async fn nobody_revokes_or_sees_someone_elses_token() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let created = app.gql("mutation { createApiToken(name: \"mine\") { apiToken { id } } }", json!({}), Some(&owner)).await;
    let id = created.data("createApiToken.apiToken.id").as_str().unwrap().to_owned();
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let res = app.gql("mutation($id: UUID!) { revokeApiToken(id: $id) { id } }", json!({ "id": id }), Some(&admin)).await;
    assert_eq!(res.code(), "NOT_FOUND");
    assert_eq!(app.gql("{ apiTokens { totalCount } }", json!({}), Some(&admin)).await.data("apiTokens.totalCount"), 0);
}

#[tokio::test]
async fn token_input_is_validated_by_field() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let res = app.gql("mutation { createApiToken(name: \"\", expiresInDays: 0) { token } }", json!({}), Some(&owner)).await;
    assert_eq!(res.code(), "VALIDATION_ERROR");
    let fields: Vec<&str> =
        res.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "expiresInDays"]);
}
