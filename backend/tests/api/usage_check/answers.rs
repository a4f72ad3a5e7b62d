use entity::{api_end_user, ApiMode, ApiProjectKind};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;

use super::{answer, call, product};
use crate::helpers::spawn_app;

#[tokio::test]
async fn calls_count_up_to_the_limit_then_answer_429_with_the_spec_body() {
    let app = spawn_app().await;
    let p = product(&app.services.db, ApiProjectKind::Saas, ApiMode::Test, &[("free", Some(2)), ("pro", None)]).await;

    let (status, body) = answer(call(&app, &p.secret, "user_123", Some("free"), true).await).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"allowed": true, "usage": {"count": 1, "limit": 2}})));
    let (status, body) = answer(call(&app, &p.secret, "user_123", Some("free"), true).await).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"allowed": true, "usage": {"count": 2, "limit": 2}})));

    let refused = call(&app, &p.secret, "user_123", Some("free"), true).await;
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=31 * 24 * 3600).contains(&retry_after), "seconds until the month ends: {retry_after}");
    let (status, body) = answer(refused).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body, json!({"allowed": false, "error": "Tier limit reached", "usage": {"count": 2, "limit": 2}}));

    // Reading does not count; another user has their own count; unlimited has no limit.
    let (status, body) = answer(call(&app, &p.secret, "user_123", Some("free"), false).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["usage"].clone(), body["allowed"].clone(), body["plan"].clone()),
        (json!({"count": 2, "limit": 2}), json!(false), json!("free"))
    );
    let (_, body) = answer(call(&app, &p.secret, "user_456", Some("free"), false).await).await;
    assert_eq!(body["usage"], json!({"count": 0, "limit": 2}));
    for expected in 1..=3 {
        let (status, body) = answer(call(&app, &p.secret, "user_456", Some("pro"), true).await).await;
        assert_eq!((status, body), (StatusCode::OK, json!({"allowed": true, "usage": {"count": expected, "limit": null}})));
    }
}

#[tokio::test]
async fn bad_requests_get_contract_errors_and_count_nothing() {
    let app = spawn_app().await;
    let p = product(&app.services.db, ApiProjectKind::Saas, ApiMode::Test, &[("free", Some(5))]).await;
    let store = product(&app.services.db, ApiProjectKind::Store, ApiMode::Test, &[]).await;

    let no_key = app.client.post(app.url("/api/data")).header("X-User-Id", "u1").send().await.unwrap();
    let (status, body) = answer(no_key).await;
    assert_eq!(
        (status, body["success"].clone(), body["error"]["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!(false), json!("UNAUTHORIZED"))
    );
    for secret in ["pk_test_abc", "sk_test_not-a-key", &p.secret.replace("sk_test_", "sk_live_")] {
        let (status, body) = answer(call(&app, secret, "u1", Some("free"), true).await).await;
        assert_eq!((status, body["error"]["code"].clone()), (StatusCode::UNAUTHORIZED, json!("UNAUTHORIZED")), "{secret}");
    }
    let no_user = app.client.post(app.url("/api/data")).bearer_auth(&p.secret).header("X-User-Plan", "free").send().await.unwrap();
    let (status, body) = answer(no_user).await;
    assert_eq!((status, body["error"]["code"].clone()), (StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR")));
    assert_eq!(body["error"]["details"][0]["field"], "X-User-Id");

    let (status, body) = answer(call(&app, &p.secret, "u1", None, true).await).await;
    assert_eq!((status, body["error"]["details"][0]["field"].clone()), (StatusCode::BAD_REQUEST, json!("X-User-Plan")));
    let (status, body) = answer(call(&app, &p.secret, "u1", Some("gold"), true).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("no tier named \"gold\""), "{body}");
    let long = "x".repeat(129);
    let (status, _) = answer(call(&app, &p.secret, &long, Some("free"), true).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = answer(call(&app, &store.secret, "u1", Some("free"), true).await).await;
    assert_eq!((status, body["error"]["code"].clone()), (StatusCode::FORBIDDEN, json!("FORBIDDEN")));

    // None of that counted.
    let (_, body) = answer(call(&app, &p.secret, "u1", Some("free"), false).await).await;
    assert_eq!(body["usage"], json!({"count": 0, "limit": 5}));
}

#[tokio::test]
async fn a_stored_plan_and_its_subscription_period_win_over_the_header() {
    let app = spawn_app().await;
    let db = &app.services.db;
    let p = product(db, ApiProjectKind::Saas, ApiMode::Test, &[("free", Some(1)), ("pro", Some(3))]).await;
    // The user exists after a first call; then a paid checkout stores their plan and period.
    let (status, _) = answer(call(&app, &p.secret, "paying", Some("free"), true).await).await;
    assert_eq!(status, StatusCode::OK);
    let user = api_end_user::Entity::find().filter(api_end_user::Column::ExternalId.eq("paying")).one(db).await.unwrap().unwrap();
    let now = chrono::Utc::now();
    let (start, end) = (now - chrono::Duration::days(2), now + chrono::Duration::days(28));
    let mut paid = user.into_active_model();
    paid.tier_name = Set(Some("pro".into()));
    paid.current_period_start = Set(Some(start));
    paid.current_period_end = Set(Some(end));
    paid.update(db).await.unwrap();

    // The header still says "free"; the stored "pro" and its new period count.
    for expected in 1..=3 {
        let (status, body) = answer(call(&app, &p.secret, "paying", Some("free"), true).await).await;
        assert_eq!((status, body["usage"].clone()), (StatusCode::OK, json!({"count": expected, "limit": 3})));
    }
    let (status, _) = answer(call(&app, &p.secret, "paying", None, true).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (_, body) = answer(call(&app, &p.secret, "paying", None, false).await).await;
    assert_eq!(body["plan"], "pro");
    let period_start: chrono::DateTime<chrono::Utc> = serde_json::from_value(body["periodStart"].clone()).unwrap();
    assert_eq!(period_start.timestamp(), start.timestamp());
}

#[tokio::test]
async fn test_and_live_keys_count_apart() {
    let app = spawn_app().await;
    let db = &app.services.db;
    let p = product(db, ApiProjectKind::Saas, ApiMode::Test, &[("free", Some(1))]).await;
    super::tier(db, p.project_id, ApiMode::Live, "free", Some(1), 0).await;
    let (_, live) = super::key(db, p.project_id, ApiMode::Live, None).await;
    assert_eq!(answer(call(&app, &p.secret, "same-user", Some("free"), true).await).await.0, StatusCode::OK);
    assert_eq!(answer(call(&app, &live, "same-user", Some("free"), true).await).await.0, StatusCode::OK);
    assert_eq!(answer(call(&app, &live, "same-user", Some("free"), true).await).await.0, StatusCode::TOO_MANY_REQUESTS);
}
