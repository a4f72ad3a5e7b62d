use chrono::{Duration, Utc};
use entity::{api_key, api_tier, ApiMode, ApiProjectKind};
use hub::domain::api_products::announce_change;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;

use super::{answer, call, key, product};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_revoked_key_stops_at_once_though_it_was_cached() {
    let app = spawn_app().await;
    let db = &app.services.db;
    let p = product(db, ApiProjectKind::Saas, ApiMode::Test, &[("free", Some(10))]).await;
    assert_eq!(answer(call(&app, &p.secret, "u", Some("free"), true).await).await.0, StatusCode::OK);

    let mut revoked = api_key::Entity::find_by_id(p.key_id).one(db).await.unwrap().unwrap().into_active_model();
    revoked.revoked_at = Set(Some(Utc::now()));
    revoked.update(db).await.unwrap();
    announce_change(&app.services, p.project_id);

    let (status, body) = answer(call(&app, &p.secret, "u", Some("free"), true).await).await;
    assert_eq!((status, body["error"]["code"].clone()), (StatusCode::UNAUTHORIZED, json!("UNAUTHORIZED")));
}

#[tokio::test]
async fn a_rotated_key_works_until_its_grace_period_ends() {
    let app = spawn_app().await;
    let db = &app.services.db;
    let p = product(db, ApiProjectKind::Saas, ApiMode::Test, &[("free", Some(10))]).await;
    let (_, in_grace) = key(db, p.project_id, ApiMode::Test, Some(Utc::now() + Duration::hours(1))).await;
    let (_, past_grace) = key(db, p.project_id, ApiMode::Test, Some(Utc::now() - Duration::seconds(1))).await;
    let (_, ends_soon) = key(db, p.project_id, ApiMode::Test, Some(Utc::now() + Duration::milliseconds(1500))).await;

    assert_eq!(answer(call(&app, &in_grace, "u", Some("free"), true).await).await.0, StatusCode::OK);
    assert_eq!(answer(call(&app, &past_grace, "u", Some("free"), true).await).await.0, StatusCode::UNAUTHORIZED);
    // Cached while valid, refused once its end passes (no change event needed).
    assert_eq!(answer(call(&app, &ends_soon, "u", Some("free"), true).await).await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    assert_eq!(answer(call(&app, &ends_soon, "u", Some("free"), true).await).await.0, StatusCode::UNAUTHORIZED);
    // All keys of the project share the user's count.
    let (_, body) = answer(call(&app, &p.secret, "u", Some("free"), false).await).await;
    assert_eq!(body["usage"], json!({"count": 2, "limit": 10}));
}

#[tokio::test]
async fn a_changed_tier_limit_applies_to_the_next_call() {
    let app = spawn_app().await;
    let db = &app.services.db;
    let p = product(db, ApiProjectKind::Saas, ApiMode::Test, &[("free", Some(1))]).await;
    assert_eq!(answer(call(&app, &p.secret, "u", Some("free"), true).await).await.0, StatusCode::OK);
    assert_eq!(answer(call(&app, &p.secret, "u", Some("free"), true).await).await.0, StatusCode::TOO_MANY_REQUESTS);

    let tier = api_tier::Entity::find().filter(api_tier::Column::ProjectId.eq(p.project_id)).one(db).await.unwrap().unwrap();
    let mut raised = tier.into_active_model();
    raised.usage_limit = Set(Some(2));
    raised.update(db).await.unwrap();
    announce_change(&app.services, p.project_id);

    let (status, body) = answer(call(&app, &p.secret, "u", Some("free"), true).await).await;
    assert_eq!((status, body["usage"].clone()), (StatusCode::OK, json!({"count": 2, "limit": 2})));
}
