use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn setup_creates_the_first_owner_once() {
    let app = spawn_app().await;
    assert_eq!(app.gql("{ setupRequired }", json!({}), None).await.data("setupRequired"), true);
    let token = app.setup_owner().await;
    let me = app.gql(ME, json!({}), Some(&token)).await;
    assert_eq!(me.data("me.email"), OWNER_EMAIL);
    assert_eq!(me.data("me.kind"), "STAFF");
    assert_eq!(me.data("me.role"), "OWNER");
    assert_eq!(app.gql("{ setupRequired }", json!({}), None).await.data("setupRequired"), false);

    let again = app
        .gql(
            "mutation { setup(input: {name: \"Mallory\", email: \"m@example.com\", password: \"mallory-password\"}) { accessToken } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(again.code(), "CONFLICT");
    let mallory = app.login_raw("m@example.com", "mallory-password").await;
    assert_eq!(mallory.code(), "UNAUTHORIZED", "no second account was created");
}

#[tokio::test]
async fn setup_names_every_invalid_field() {
    let app = spawn_app().await;
    let res = app
        .gql("mutation { setup(input: {name: \" \", email: \"not-an-email\", password: \"short\"}) { accessToken } }", json!({}), None)
        .await;
    assert_eq!(res.code(), "VALIDATION_ERROR");
    let mut fields: Vec<&str> =
        res.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    fields.sort();
    assert_eq!(fields, ["email", "name", "password"]);
    assert_eq!(app.gql("{ setupRequired }", json!({}), None).await.data("setupRequired"), true);
}

#[tokio::test]
async fn wrong_password_and_unknown_account_are_unauthorized_alike() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let wrong = app.login_raw(OWNER_EMAIL, "not-the-password").await;
    assert_eq!(wrong.code(), "UNAUTHORIZED");
    assert!(wrong.body["data"].is_null());
    let unknown = app.login_raw("nobody@example.com", "not-the-password").await;
    assert_eq!(unknown.code(), "UNAUTHORIZED");
    assert_eq!(wrong.message(), unknown.message(), "no hint whether the account exists");
    let (access, _) = app.login(&OWNER_EMAIL.to_uppercase(), OWNER_PASSWORD).await;
    assert_eq!(app.gql(ME, json!({}), Some(&access)).await.data("me.email"), OWNER_EMAIL);
}

#[tokio::test]
async fn protected_queries_need_a_valid_token() {
    let app = spawn_app().await;
    app.setup_owner().await;
    assert_eq!(app.gql(ME, json!({}), None).await.code(), "UNAUTHORIZED");
    let forged = app.gql(ME, json!({}), Some("eyJhbGciOiJIUzI1NiJ9.e30.bad")).await;
    assert_eq!(forged.code(), "UNAUTHORIZED");
    assert!(forged.message().contains("invalid or has expired"), "{}", forged.message());
}

#[tokio::test]
async fn login_sets_a_strict_http_only_refresh_cookie() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let res = app.login_raw(OWNER_EMAIL, OWNER_PASSWORD).await;
    let cookie = res.headers.get("set-cookie").expect("cookie set").to_str().unwrap();
    assert!(cookie.starts_with("hub_refresh=hubr_"), "{cookie}");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/graphql"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP without a public https URL");
}

#[tokio::test]
async fn cookie_is_secure_when_served_over_https() {
    let app = spawn_app_with(|c| c.public_url = Some("https://hub.example.com".into())).await;
    let res = app
        .gql(
            "mutation { setup(input: {name: \"O\", email: \"o@example.com\", password: \"owner-password-1\"}) { accessToken } }",
            json!({}),
            None,
        )
        .await;
    assert!(res.headers.get("set-cookie").unwrap().to_str().unwrap().contains("; Secure"));
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let owner = hub::domain::identity::accounts::find_by_email(&app.services.db, OWNER_EMAIL).await.unwrap().unwrap();
    let hash = owner.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(OWNER_PASSWORD));
}
