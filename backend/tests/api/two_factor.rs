use serde_json::{json, Value};

use crate::helpers::*;

const VERIFY: &str = "mutation($t: String!, $c: String!) { verifyTwoFactor(pendingToken: $t, code: $c) { accessToken user { email } } }";

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Enables TOTP for the owner; returns (secret, backup codes). The confirm step
/// uses the current code, so later logins use the next step's code.
async fn enable_two_factor(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let begun = app.gql("mutation { beginTwoFactorSetup { secret otpauthUri qrCodePng } }", json!({}), Some(token)).await;
    let secret = begun.data("beginTwoFactorSetup.secret").as_str().unwrap().to_owned();
    let uri = begun.data("beginTwoFactorSetup.otpauthUri").as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    let png = begun.data("beginTwoFactorSetup.qrCodePng").as_str().unwrap();
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(png).expect("base64 PNG");
    assert_eq!(&bytes[..4], b"\x89PNG");

    let code = hub::auth::totp::code_at(&secret, now()).unwrap();
    let confirmed = app.gql("mutation($c: String!) { confirmTwoFactorSetup(code: $c) { codes } }", json!({ "c": code }), Some(token)).await;
    let codes: Vec<String> =
        confirmed.data("confirmTwoFactorSetup.codes").as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

async fn pending_token(app: &TestApp) -> String {
    let res = app.login_raw(OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(res.data("login.requiresTwoFactor"), true);
    assert!(res.data("login.session").is_null(), "no session before the second factor");
    res.data("login.pendingToken").as_str().unwrap().to_owned()
}

fn next_step_code(secret: &str) -> String {
    hub::auth::totp::code_at(secret, now() + 30).unwrap()
}

#[tokio::test]
async fn login_with_totp_and_replay_is_refused() {
    let app = spawn_app().await;
    let token = app.setup_owner().await;
    let (secret, _) = enable_two_factor(&app, &token).await;
    assert_eq!(app.gql(ME, json!({}), Some(&token)).await.data("me.twoFactorEnabled"), true);

    let code = next_step_code(&secret);
    let ok = app.gql(VERIFY, json!({ "t": pending_token(&app).await, "c": code }), None).await;
    assert_eq!(ok.data("verifyTwoFactor.user.email"), OWNER_EMAIL);
    let access = ok.data("verifyTwoFactor.accessToken").as_str().unwrap();
    assert_eq!(app.gql(ME, json!({}), Some(access)).await.data("me.email"), OWNER_EMAIL);

    let replay = app.gql(VERIFY, json!({ "t": pending_token(&app).await, "c": code }), None).await;
    assert_eq!(replay.code(), "UNAUTHORIZED");
    assert!(replay.message().contains("already used"), "{}", replay.message());

    let wrong = app.gql(VERIFY, json!({ "t": pending_token(&app).await, "c": "000000" }), None).await;
    assert_eq!(wrong.code(), "UNAUTHORIZED");
}

#[tokio::test]
async fn each_backup_code_works_once() {
    let app = spawn_app().await;
    let token = app.setup_owner().await;
    let (_, codes) = enable_two_factor(&app, &token).await;

    let first = app.gql(VERIFY, json!({ "t": pending_token(&app).await, "c": codes[0] }), None).await;
    assert_eq!(first.data("verifyTwoFactor.user.email"), OWNER_EMAIL);
    let again = app.gql(VERIFY, json!({ "t": pending_token(&app).await, "c": codes[0] }), None).await;
    assert_eq!(again.code(), "UNAUTHORIZED");
    // Typed differently (upper case, no dashes) the next code still works.
    let typed = codes[1].to_uppercase().replace('-', "");
    let second = app.gql(VERIFY, json!({ "t": pending_token(&app).await, "c": typed }), None).await;
    assert_eq!(second.data("verifyTwoFactor.user.email"), OWNER_EMAIL);
}

#[tokio::test]
async fn a_pending_token_is_spent_by_success_and_by_five_wrong_codes() {
    let app = spawn_app().await;
    let token = app.setup_owner().await;
    let (secret, codes) = enable_two_factor(&app, &token).await;

    let pending = pending_token(&app).await;
    app.gql(VERIFY, json!({ "t": pending, "c": codes[2] }), None).await.data("verifyTwoFactor");
    let reused = app.gql(VERIFY, json!({ "t": pending, "c": codes[3] }), None).await;
    assert!(reused.message().contains("expired"), "{}", reused.message());

    let pending = pending_token(&app).await;
    for _ in 0..5 {
        assert_eq!(app.gql(VERIFY, json!({ "t": pending, "c": "999999" }), None).await.code(), "UNAUTHORIZED");
    }
    let late = app.gql(VERIFY, json!({ "t": pending, "c": next_step_code(&secret) }), None).await;
    assert_eq!(late.code(), "UNAUTHORIZED");
    assert!(late.message().contains("expired"), "{}", late.message());
}

#[tokio::test]
async fn disabling_needs_a_current_code_and_drops_backup_codes() {
    let app = spawn_app().await;
    let token = app.setup_owner().await;
    let (secret, codes) = enable_two_factor(&app, &token).await;

    let wrong = app.gql("mutation { disableTwoFactor(code: \"123456\") }", json!({}), Some(&token)).await;
    assert_eq!(wrong.code(), "VALIDATION_ERROR");
    assert_eq!(wrong.body["errors"][0]["extensions"]["fields"][0]["field"], "code");
    let backup = app.gql("mutation($c: String!) { disableTwoFactor(code: $c) }", json!({ "c": codes[0] }), Some(&token)).await;
    assert_eq!(backup.code(), "VALIDATION_ERROR", "a backup code does not disable 2FA");

    let off = app.gql("mutation($c: String!) { disableTwoFactor(code: $c) }", json!({ "c": next_step_code(&secret) }), Some(&token)).await;
    assert_eq!(off.data("disableTwoFactor"), true);
    assert_eq!(app.gql(ME, json!({}), Some(&token)).await.data("me.twoFactorEnabled"), false);
    app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
}

#[tokio::test]
async fn regenerated_backup_codes_replace_the_old_ones() {
    let app = spawn_app().await;
    let token = app.setup_owner().await;
    let (_, old) = enable_two_factor(&app, &token).await;
    let res = app.gql("mutation { regenerateBackupCodes { codes } }", json!({}), Some(&token)).await;
    let new: Vec<Value> = res.data("regenerateBackupCodes.codes").as_array().unwrap().clone();
    assert_eq!(new.len(), 10);
    assert_eq!(app.gql(VERIFY, json!({ "t": pending_token(&app).await, "c": old[0] }), None).await.code(), "UNAUTHORIZED");
    let ok = app.gql(VERIFY, json!({ "t": pending_token(&app).await, "c": new[0] }), None).await;
    assert_eq!(ok.data("verifyTwoFactor.user.email"), OWNER_EMAIL);
}

#[tokio::test]
async fn the_totp_secret_is_encrypted_at_rest() {
    let app = spawn_app().await;
    let token = app.setup_owner().await;
    let (secret, codes) = enable_two_factor(&app, &token).await;
    let owner = hub::domain::identity::accounts::find_by_email(&app.services.db, OWNER_EMAIL).await.unwrap().unwrap();
    let stored = owner.totp_secret.unwrap();
    assert!(!stored.contains(&secret));
    assert_eq!(app.services.master_key.decrypt(&stored).unwrap(), secret.as_bytes());
    use sea_orm::EntityTrait;
    let rows = entity::backup_code::Entity::find().all(&app.services.db).await.unwrap();
    assert_eq!(rows.len(), 10);
    assert!(rows.iter().all(|r| !codes.contains(&r.code_hash)));
}
