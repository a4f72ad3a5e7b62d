use entity::{AccountKind, StaffRole};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn invitation_is_accepted_once_with_its_role() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let invited = app
        .gql(
            "mutation { inviteStaff(email: \"Ada@Example.com\", role: ADMIN) { token invitation { email role expiresAt acceptedAt } } }",
            json!({}),
            Some(&owner),
        )
        .await;
    assert_eq!(invited.data("inviteStaff.invitation.email"), "ada@example.com");
    let token = invited.data("inviteStaff.token").as_str().unwrap().to_owned();
    let expires = invited.data("inviteStaff.invitation.expiresAt").as_str().unwrap();
    let days = (chrono::DateTime::parse_from_rfc3339(expires).unwrap().with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!((167..=168).contains(&days), "7-day expiry, got {days} h");

    let preview = app.gql("query($t: String!) { invitation(token: $t) { email role } }", json!({ "t": token }), None).await;
    assert_eq!(preview.data("invitation.role"), "ADMIN");

    const ACCEPT: &str =
        "mutation($t: String!) { acceptInvitation(token: $t, name: \"Ada\", password: \"ada-password-1\") { user { email role } } }";
    let accepted = app.gql(ACCEPT, json!({ "t": token }), None).await;
    assert_eq!(accepted.data("acceptInvitation.user.role"), "ADMIN");
    assert_eq!(app.gql(ACCEPT, json!({ "t": token }), None).await.code(), "NOT_FOUND");
    app.login("ada@example.com", "ada-password-1").await;

    let stored = app.gql("{ invitations { totalCount edges { node { acceptedAt } } } }", json!({}), Some(&owner)).await;
    assert_eq!(stored.data("invitations.totalCount"), 1);
    assert!(stored.data("invitations.edges")[0]["node"]["acceptedAt"].is_string());
}

#[tokio::test]
async fn only_the_owner_manages_staff() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let denied = app.gql("mutation { inviteStaff(email: \"x@example.com\", role: SUPPORT) { token } }", json!({}), Some(&admin)).await;
    assert_eq!(denied.code(), "FORBIDDEN");
    // ADMIN may list staff; SUPPORT may not.
    let listed = app.gql("{ staffMembers(first: 10) { totalCount edges { node { email role } } } }", json!({}), Some(&admin)).await;
    assert_eq!(listed.data("staffMembers.totalCount"), 2);
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    assert_eq!(app.gql("{ staffMembers { totalCount } }", json!({}), Some(&support)).await.code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_customer_cannot_call_staff_operations() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    app.create_account("cust@example.com", "customer-password", AccountKind::Customer, None).await;
    let (customer, _) = app.login("cust@example.com", "customer-password").await;
    assert_eq!(app.gql(ME, json!({}), Some(&customer)).await.data("me.kind"), "CUSTOMER");
    for op in [
        "mutation { inviteStaff(email: \"x@example.com\", role: SUPPORT) { token } }",
        "{ staffMembers { totalCount } }",
        "{ invitations { totalCount } }",
    ] {
        let res = app.gql(op, json!({}), Some(&customer)).await;
        assert_eq!(res.code(), "FORBIDDEN", "{op}");
        assert!(res.body["data"].is_null(), "{op} leaked data");
    }
    let owner_id = app.gql(ME, json!({}), Some(&owner)).await.data("me.id").as_str().unwrap().to_owned();
    let res = app.gql("mutation($id: UUID!) { deactivateStaff(id: $id) { active } }", json!({ "id": owner_id }), Some(&customer)).await;
    assert_eq!(res.code(), "FORBIDDEN");
}

#[tokio::test]
async fn deactivated_staff_are_locked_out_at_once() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "sam@example.com", "SUPPORT").await;
    let (_, refresh) = app.login("sam@example.com", "member-password-1").await;
    let token = app.gql("mutation { createApiToken(name: \"ci\") { token } }", json!({}), Some(&support)).await;
    let api_token = token.data("createApiToken.token").as_str().unwrap().to_owned();
    let sam = app.gql(ME, json!({}), Some(&support)).await.data("me.id").as_str().unwrap().to_owned();

    let res = app.gql("mutation($id: UUID!) { deactivateStaff(id: $id) { active } }", json!({ "id": sam }), Some(&owner)).await;
    assert_eq!(res.data("deactivateStaff.active"), false);

    assert_eq!(app.gql(ME, json!({}), Some(&support)).await.code(), "UNAUTHORIZED", "live access token");
    assert_eq!(app.gql(ME, json!({}), Some(&api_token)).await.code(), "UNAUTHORIZED", "API token");
    let refreshed =
        app.gql("mutation($r: String) { refreshSession(refreshToken: $r) { accessToken } }", json!({ "r": refresh }), None).await;
    assert_eq!(refreshed.code(), "UNAUTHORIZED");
    assert_eq!(app.login_raw("sam@example.com", "member-password-1").await.code(), "UNAUTHORIZED");
}

#[tokio::test]
async fn the_last_owner_stays_an_active_owner() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let me = app.gql(ME, json!({}), Some(&owner)).await.data("me.id").as_str().unwrap().to_owned();
    let demote =
        app.gql("mutation($id: UUID!) { updateStaff(id: $id, input: {role: ADMIN}) { role } }", json!({ "id": me }), Some(&owner)).await;
    assert_eq!(demote.code(), "CONFLICT");
    let self_off = app.gql("mutation($id: UUID!) { deactivateStaff(id: $id) { active } }", json!({ "id": me }), Some(&owner)).await;
    assert_eq!(self_off.code(), "CONFLICT");

    let admin = app.invite_and_accept(&owner, "a2@example.com", "ADMIN").await;
    let admin_id = app.gql(ME, json!({}), Some(&admin)).await.data("me.id").as_str().unwrap().to_owned();
    let promoted = app
        .gql(
            "mutation($id: UUID!) { updateStaff(id: $id, input: {role: MANAGER, name: \"Max\"}) { role name } }",
            json!({ "id": admin_id }),
            Some(&owner),
        )
        .await;
    assert_eq!(promoted.data("updateStaff.role"), "MANAGER");
    assert_eq!(app.gql(ME, json!({}), Some(&admin)).await.data("me.role"), "MANAGER", "role changes apply at once");
}

#[tokio::test]
async fn inviting_a_taken_address_conflicts() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    app.create_account("taken@example.com", "whatever-password", AccountKind::Staff, Some(StaffRole::Support)).await;
    let res = app.gql("mutation { inviteStaff(email: \"taken@example.com\", role: SUPPORT) { token } }", json!({}), Some(&owner)).await;
    assert_eq!(res.code(), "CONFLICT");
    let bad = app.gql("mutation { inviteStaff(email: \"nope\", role: SUPPORT) { token } }", json!({}), Some(&owner)).await;
    assert_eq!(bad.code(), "VALIDATION_ERROR");
    assert_eq!(bad.body["errors"][0]["extensions"]["fields"][0]["field"], "email");
}
