//! Display preferences: every account starts on UTC and en-US, changes only its
//! own, and a bad time zone or locale is a field error that saves nothing.

use serde_json::json;

use crate::{customers::signed_in_customer, helpers::*};

const PREFS: &str = "{ me { timezone locale } }";
const UPDATE: &str = "mutation($i: PreferencesInput!) { updatePreferences(input: $i) { email timezone locale } }";

fn fields(res: &Gql) -> Vec<String> {
    assert_eq!(res.code(), "VALIDATION_ERROR", "{}", res.body);
    let list = res.body["errors"][0]["extensions"]["fields"].as_array().unwrap();
    list.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect()
}

async fn prefs(app: &TestApp, token: &str) -> (String, String) {
    let res = app.gql(PREFS, json!({}), Some(token)).await;
    (res.data("me.timezone").as_str().unwrap().to_owned(), res.data("me.locale").as_str().unwrap().to_owned())
}

#[tokio::test]
async fn accounts_start_on_utc_and_en_us_and_change_only_their_own() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, customer) = signed_in_customer(&app, &owner, "cleo@example.com").await;
    assert_eq!(prefs(&app, &owner).await, ("UTC".into(), "en-US".into()));
    assert_eq!(prefs(&app, &customer).await, ("UTC".into(), "en-US".into()));

    let res = app.gql(UPDATE, json!({ "i": { "timezone": "Asia/Tokyo", "locale": "de-de" } }), Some(&customer)).await;
    assert_eq!(res.data("updatePreferences.email"), "cleo@example.com");
    assert_eq!(res.data("updatePreferences.timezone"), "Asia/Tokyo");
    assert_eq!(res.data("updatePreferences.locale"), "de-DE", "stored as the canonical tag");
    assert_eq!(prefs(&app, &customer).await, ("Asia/Tokyo".into(), "de-DE".into()));
    assert_eq!(prefs(&app, &owner).await, ("UTC".into(), "en-US".into()), "nobody else's preferences change");

    // A field left out stays as it is.
    let res = app.gql(UPDATE, json!({ "i": { "locale": "ja-JP" } }), Some(&customer)).await;
    assert_eq!(res.data("updatePreferences.timezone"), "Asia/Tokyo");
    assert_eq!(prefs(&app, &customer).await, ("Asia/Tokyo".into(), "ja-JP".into()));

    // A session started later carries them too.
    let login = app
        .gql(
            "mutation { login(email: \"cleo@example.com\", password: \"customer-password-1\") { session { user { timezone locale } } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(login.data("login.session.user.timezone"), "Asia/Tokyo", "{}", login.body);
    assert_eq!(login.data("login.session.user.locale"), "ja-JP");
}

#[tokio::test]
async fn bad_zones_and_locales_are_field_errors_and_save_nothing() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    app.gql(UPDATE, json!({ "i": { "timezone": "Europe/Berlin", "locale": "fr-FR" } }), Some(&owner)).await;

    let both = app.gql(UPDATE, json!({ "i": { "timezone": "Mars/Olympus_Mons", "locale": "xx-XX" } }), Some(&owner)).await;
    assert_eq!(fields(&both), ["timezone", "locale"]);
    // One good value beside a bad one is not saved either.
    let zone = app.gql(UPDATE, json!({ "i": { "timezone": "+02:00", "locale": "nl-NL" } }), Some(&owner)).await;
    assert_eq!(fields(&zone), ["timezone"]);
    let locale = app.gql(UPDATE, json!({ "i": { "timezone": "America/New_York", "locale": "" } }), Some(&owner)).await;
    assert_eq!(fields(&locale), ["locale"]);
    assert_eq!(prefs(&app, &owner).await, ("Europe/Berlin".into(), "fr-FR".into()));
}

#[tokio::test]
async fn the_supported_locales_are_listed_and_anonymous_callers_are_refused() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let listed = app.gql("{ supportedLocales { code name } }", json!({}), Some(&owner)).await;
    let codes: Vec<&str> = listed.data("supportedLocales").as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"en-US") && codes.contains(&"de-DE") && codes.contains(&"ja-JP"), "{codes:?}");
    // Every listed locale is accepted.
    for code in &codes {
        let res = app.gql(UPDATE, json!({ "i": { "locale": code } }), Some(&owner)).await;
        assert_eq!(res.data("updatePreferences.locale"), *code);
    }

    let anonymous = reqwest::Client::new();
    let res = app.gql_with(&anonymous, UPDATE, json!({ "i": { "timezone": "UTC" } }), None).await;
    assert_eq!(res.code(), "UNAUTHORIZED");
    assert_eq!(app.gql_with(&anonymous, "{ supportedLocales { code } }", json!({}), None).await.code(), "UNAUTHORIZED");
}
