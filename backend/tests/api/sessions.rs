use serde_json::json;

use crate::helpers::*;

const REFRESH: &str = "mutation($r: String) { refreshSession(refreshToken: $r) { accessToken refreshToken user { email } } }";

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, r1) = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;

    let first = app.gql(REFRESH, json!({ "r": r1 }), None).await;
    let r2 = first.data("refreshSession.refreshToken").as_str().unwrap().to_owned();
    let a2 = first.data("refreshSession.accessToken").as_str().unwrap().to_owned();
    assert_ne!(r1, r2, "refresh tokens rotate");
    assert_eq!(app.gql(ME, json!({}), Some(&a2)).await.data("me.email"), OWNER_EMAIL);

    let reuse = app.gql(REFRESH, json!({ "r": r1 }), None).await;
    assert_eq!(reuse.code(), "UNAUTHORIZED");
    assert!(reuse.message().contains("already used"), "{}", reuse.message());

    // The whole family is gone: the newest refresh token and the access token too.
    assert_eq!(app.gql(REFRESH, json!({ "r": r2 }), None).await.code(), "UNAUTHORIZED");
    assert_eq!(app.gql(ME, json!({}), Some(&a2)).await.code(), "UNAUTHORIZED");
}

#[tokio::test]
async fn other_sessions_survive_a_revoked_family() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, stolen) = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    let (other_access, _) = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    app.gql(REFRESH, json!({ "r": stolen }), None).await.data("refreshSession");
    assert_eq!(app.gql(REFRESH, json!({ "r": stolen }), None).await.code(), "UNAUTHORIZED");
    assert_eq!(app.gql(ME, json!({}), Some(&other_access)).await.data("me.email"), OWNER_EMAIL);
}

#[tokio::test]
async fn the_cookie_alone_refreshes_and_logout_clears_it() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (access, _) = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    // No argument: the browser's httpOnly cookie carries the refresh token.
    let refreshed = app.gql(REFRESH, json!({}), None).await;
    assert_eq!(refreshed.data("refreshSession.user.email"), OWNER_EMAIL);
    let new_access = refreshed.data("refreshSession.accessToken").as_str().unwrap().to_owned();

    let out = app.gql("mutation { logout }", json!({}), Some(&new_access)).await;
    assert_eq!(out.data("logout"), true);
    let cleared = out.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(app.gql(ME, json!({}), Some(&new_access)).await.code(), "UNAUTHORIZED");
    assert_eq!(app.gql(ME, json!({}), Some(&access)).await.code(), "UNAUTHORIZED", "same session");
    assert_eq!(app.gql(REFRESH, json!({}), None).await.code(), "UNAUTHORIZED");
}

#[tokio::test]
async fn refresh_tokens_are_stored_as_digests() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, refresh) = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    use sea_orm::EntityTrait;
    let stored = entity::refresh_token::Entity::find().all(&app.services.db).await.unwrap();
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|t| t.token_hash != refresh && t.token_hash.len() == 64));
    assert!(stored.iter().any(|t| t.token_hash == hub::auth::tokens::digest(&refresh)));
}
