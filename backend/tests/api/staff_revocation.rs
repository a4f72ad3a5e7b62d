//! Issue 7's staff console: ADMIN and above revoke pending invitations (the
//! link then fails) and reactivate deactivated staff; an OWNER's account only
//! an OWNER brings back. Both are audited.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

const INVITE: &str = "mutation($e: String!) { inviteStaff(email: $e, role: SUPPORT) { token invitation { id } } }";
const REVOKE: &str = "mutation($id: UUID!) { revokeInvitation(id: $id) { id email role } }";
const PREVIEW: &str = "query($t: String!) { invitation(token: $t) { email } }";
const ACCEPT: &str = "mutation($t: String!) { acceptInvitation(token: $t, name: \"Ivy\", password: \"ivy-password-1\") { user { role } } }";
const DEACTIVATE: &str = "mutation($id: UUID!) { deactivateStaff(id: $id) { active } }";
const REACTIVATE: &str = "mutation($id: UUID!) { reactivateStaff(id: $id) { id active role } }";

/// Invites `email` as the OWNER; returns (invitation id, token).
async fn invite(app: &TestApp, owner: &str, email: &str) -> (String, String) {
    let res = app.gql(INVITE, json!({ "e": email }), Some(owner)).await;
    (res.data("inviteStaff.invitation.id").as_str().unwrap().to_owned(), res.data("inviteStaff.token").as_str().unwrap().to_owned())
}

async fn id_of(app: &TestApp, token: &str) -> String {
    app.gql(ME, json!({}), Some(token)).await.data("me.id").as_str().unwrap().to_owned()
}

/// The audit entries of `action`, newest first, as the OWNER reads them.
async fn audited(app: &TestApp, owner: &str, action: &str) -> Vec<Value> {
    let res = app
        .gql(
            "query($a: String) { auditLog(action: $a, first: 10) { nodes { actorId targetId details } } }",
            json!({ "a": action }),
            Some(owner),
        )
        .await;
    res.data("auditLog.nodes").as_array().unwrap().clone()
}

#[tokio::test]
async fn an_admin_revokes_a_pending_invitation_and_its_link_stops_working() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let (id, token) = invite(&app, &owner, "ivy@example.com").await;
    assert_eq!(app.gql(PREVIEW, json!({ "t": token }), None).await.data("invitation.email"), "ivy@example.com");

    for (who, caller) in [("MANAGER", &manager), ("anonymous", &String::new())] {
        let caller = Some(caller.as_str()).filter(|c| !c.is_empty());
        let res = app.gql(REVOKE, json!({ "id": id }), caller).await;
        assert_eq!(res.code(), if caller.is_some() { "FORBIDDEN" } else { "UNAUTHORIZED" }, "{who}");
        assert!(res.body["data"].is_null(), "{who} got data");
    }
    assert_eq!(app.gql(PREVIEW, json!({ "t": token }), None).await.data("invitation.email"), "ivy@example.com", "still open");

    let revoked = app.gql(REVOKE, json!({ "id": id }), Some(&admin)).await;
    assert_eq!(
        (revoked.data("revokeInvitation.email"), revoked.data("revokeInvitation.role")),
        (&json!("ivy@example.com"), &json!("SUPPORT"))
    );
    assert_eq!(app.gql(PREVIEW, json!({ "t": token }), None).await.code(), "NOT_FOUND");
    assert_eq!(app.gql(ACCEPT, json!({ "t": token }), None).await.code(), "NOT_FOUND");
    assert_eq!(app.login_raw("ivy@example.com", "ivy-password-1").await.code(), "UNAUTHORIZED");
    assert_eq!(app.gql(REVOKE, json!({ "id": id }), Some(&admin)).await.code(), "NOT_FOUND", "already gone");
    let listed = app.gql("{ invitations(first: 50) { nodes { email } } }", json!({}), Some(&admin)).await;
    assert!(!listed.data("invitations.nodes").to_string().contains("ivy@"));

    let entries = audited(&app, &owner, "staff.invitation_revoked").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actorId"].as_str(), Some(id_of(&app, &admin).await.as_str()));
    assert_eq!((entries[0]["targetId"].as_str(), &entries[0]["details"]["email"]), (Some(id.as_str()), &json!("ivy@example.com")));
}

#[tokio::test]
async fn an_accepted_invitation_cannot_be_revoked() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (id, token) = invite(&app, &owner, "ivy@example.com").await;
    app.gql(ACCEPT, json!({ "t": token }), None).await.data("acceptInvitation.user.role");
    assert_eq!(app.gql(REVOKE, json!({ "id": id }), Some(&owner)).await.code(), "CONFLICT");
    app.login("ivy@example.com", "ivy-password-1").await;
    assert!(audited(&app, &owner, "staff.invitation_revoked").await.is_empty());
}

#[tokio::test]
async fn admins_reactivate_staff_but_only_an_owner_reactivates_an_owner() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let support = app.invite_and_accept(&owner, "sam@example.com", "SUPPORT").await;
    let second_owner = app.invite_and_accept(&owner, "otto@example.com", "OWNER").await;
    let (sam, otto) = (id_of(&app, &support).await, id_of(&app, &second_owner).await);
    for id in [&sam, &otto] {
        assert_eq!(app.gql(DEACTIVATE, json!({ "id": id }), Some(&owner)).await.data("deactivateStaff.active"), false);
    }
    assert_eq!(app.login_raw("sam@example.com", "member-password-1").await.code(), "UNAUTHORIZED");

    assert_eq!(app.gql(REACTIVATE, json!({ "id": sam }), Some(&manager)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(REACTIVATE, json!({ "id": otto }), Some(&admin)).await.code(), "FORBIDDEN", "ADMIN may not restore an OWNER");
    assert_eq!(app.login_raw("otto@example.com", "member-password-1").await.code(), "UNAUTHORIZED");

    let back = app.gql(REACTIVATE, json!({ "id": sam }), Some(&admin)).await;
    assert_eq!((back.data("reactivateStaff.active"), back.data("reactivateStaff.role")), (&json!(true), &json!("SUPPORT")));
    let (token, _) = app.login("sam@example.com", "member-password-1").await;
    assert_eq!(app.gql(ME, json!({}), Some(&token)).await.data("me.role"), "SUPPORT");
    let again = app.gql(REACTIVATE, json!({ "id": sam }), Some(&admin)).await;
    assert_eq!(again.data("reactivateStaff.active"), true, "an active member is answered unchanged");

    assert_eq!(app.gql(REACTIVATE, json!({ "id": otto }), Some(&owner)).await.data("reactivateStaff.role"), "OWNER");
    app.login("otto@example.com", "member-password-1").await;
    let unknown = app.gql(REACTIVATE, json!({ "id": Uuid::new_v4() }), Some(&owner)).await;
    assert_eq!(unknown.code(), "NOT_FOUND");

    let entries = audited(&app, &owner, "staff.reactivated").await;
    assert_eq!(entries.len(), 2, "the repeat changed nothing and is not audited");
    assert_eq!(
        (entries[1]["targetId"].as_str(), entries[1]["actorId"].as_str()),
        (Some(sam.as_str()), Some(id_of(&app, &admin).await.as_str()))
    );
}

/// A pending SUPPORT invitation of `email` (for the authorization matrix).
pub async fn fresh_invitation(app: &TestApp, owner: &str, email: &str) -> Uuid {
    invite(app, owner, email).await.0.parse().unwrap()
}

/// A SUPPORT member of `email`, deactivated by the OWNER (for the authorization matrix).
pub async fn deactivated(app: &TestApp, owner: &str, email: &str) -> Uuid {
    let token = app.invite_and_accept(owner, email, "SUPPORT").await;
    let id = id_of(app, &token).await;
    app.gql(DEACTIVATE, json!({ "id": id }), Some(owner)).await.data("deactivateStaff.active");
    id.parse().unwrap()
}
