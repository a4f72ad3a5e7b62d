//! Projects: kind locked, secrets shown once and stored as hashes, rotation
//! with a grace period, revocation at once, promotion once, tier validation,
//! and customers kept apart.

use chrono::{Duration, Utc};
use entity::{api_key, api_tier, audit_event};
use hub::domain::api_products::secrets;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::*;

const KEYS: &str =
    "query($p: UUID!, $m: ApiMode!) { apiKeys(projectId: $p, mode: $m) { id mode publishableKey secretHint status expiresAt } }";
const ROTATE: &str = "mutation($id: UUID!) { rotateApiKey(id: $id) { secret key { id status publishableKey } } }";
const REVOKE: &str = "mutation($id: UUID!) { revokeApiKey(id: $id) { id status revokedAt } }";

async fn key_row(app: &TestApp, id: &str) -> api_key::Model {
    api_key::Entity::find_by_id(id.parse::<Uuid>().unwrap()).one(&app.services.db).await.unwrap().unwrap()
}

/// GET /api/products with `secret`: the status only.
async fn products_status(app: &TestApp, secret: &str) -> StatusCode {
    app_call(app, Method::GET, "/api/products", secret, None, None).await.0
}

#[tokio::test]
async fn a_project_keeps_its_kind_and_shows_its_secret_once_storing_only_the_hash() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let res = app.gql(CREATE, json!({ "i": { "name": "Weather API", "kind": "SAAS" } }), Some(&p.a.1)).await;
    let created = res.data("createApiProject");
    assert_eq!(created["project"]["kind"], "SAAS");
    assert!(created["project"]["liveAt"].is_null());
    let secret = created["key"]["secret"].as_str().unwrap();
    assert!(secret.starts_with("sk_test_"), "{secret}");
    assert!(created["key"]["key"]["publishableKey"].as_str().unwrap().starts_with("pk_test_"));
    assert_eq!(created["key"]["key"]["status"], "ACTIVE");

    // Stored: the hash and the hint, never the secret.
    let row = key_row(&app, created["key"]["key"]["id"].as_str().unwrap()).await;
    assert_eq!(row.secret_hash, secrets::hash(secret));
    assert_ne!(row.secret_hash, secret);
    assert_eq!(row.secret_hint, secrets::hint(secret));
    assert!(!format!("{row:?}").contains(secret));

    // Lists show the hint; the type has no secret field at all.
    let project = created["project"]["id"].as_str().unwrap();
    let keys = app.gql(KEYS, json!({ "p": project, "m": "TEST" }), Some(&p.a.1)).await;
    assert_eq!(keys.data("apiKeys")[0]["secretHint"], row.secret_hint.as_str());
    assert!(!keys.body.to_string().contains(secret));
    let asked = app.gql("query($p: UUID!) { apiKeys(projectId: $p, mode: TEST) { secret } }", json!({ "p": project }), Some(&p.a.1)).await;
    assert!(asked.body["errors"][0]["message"].as_str().unwrap().contains("secret"), "{}", asked.body);

    // The kind is locked: the update input has no kind, and a SaaS project has no products.
    let changed = app
        .gql(
            "mutation($id: UUID!) { updateApiProject(id: $id, input: { name: \"Renamed\", kind: STORE }) { kind } }",
            json!({ "id": project }),
            Some(&p.a.1),
        )
        .await;
    assert!(changed.body["errors"].is_array() && changed.body["data"].is_null(), "{}", changed.body);
    let renamed = app
        .gql(
            "mutation($id: UUID!) { updateApiProject(id: $id, input: { name: \" Renamed \" }) { name kind } }",
            json!({ "id": project }),
            Some(&p.a.1),
        )
        .await;
    assert_eq!(renamed.data("updateApiProject"), &json!({ "name": "Renamed", "kind": "SAAS" }));
    let refused = app.gql(UPSERT_PRODUCT, product(project, "Mug", 3, "price_mug"), Some(&p.a.1)).await;
    assert_eq!(refused.code(), "VALIDATION_ERROR");
    assert_eq!(refused.body["errors"][0]["extensions"]["fields"][0]["field"], "projectId");

    // Staff do not own projects; audit entries were written.
    let staff = app.gql(CREATE, json!({ "i": { "name": "Staff", "kind": "SAAS" } }), Some(&p.owner)).await;
    assert_eq!(staff.code(), "FORBIDDEN");
    let audited =
        audit_event::Entity::find().filter(audit_event::Column::Action.starts_with("api_project.")).count(&app.services.db).await.unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn a_rotated_secret_works_until_its_grace_ends_and_a_revoked_one_stops_at_once() {
    let app = spawn_app_with(|c| c.rate_limit.per_minute = 10_000).await;
    let p = people(&app).await;
    let (project, key, old_secret) = project(&app, &p.a.1, "STORE").await;
    assert_eq!(products_status(&app, &old_secret).await, StatusCode::OK);
    assert_eq!(products_status(&app, "sk_test_not_a_key").await, StatusCode::UNAUTHORIZED);

    let before = Utc::now();
    let rotated = app.gql(ROTATE, json!({ "id": key }), Some(&p.a.1)).await;
    let new_secret = rotated.data("rotateApiKey.secret").as_str().unwrap().to_owned();
    let new_id = rotated.data("rotateApiKey.key.id").as_str().unwrap().to_owned();
    assert_ne!(new_secret, old_secret);
    let old = key_row(&app, &key).await;
    assert_eq!(rotated.data("rotateApiKey.key.publishableKey"), old.publishable_key.as_str(), "the publishable key stays");
    // Default grace: 24 hours.
    let expires = old.expires_at.expect("the old key expires");
    assert!(expires >= before + Duration::hours(24) && expires <= Utc::now() + Duration::hours(24), "{expires}");

    // Within the grace both work; rotating the old one again is refused.
    assert_eq!(products_status(&app, &old_secret).await, StatusCode::OK);
    assert_eq!(products_status(&app, &new_secret).await, StatusCode::OK);
    assert_eq!(app.gql(ROTATE, json!({ "id": key }), Some(&p.a.1)).await.code(), "CONFLICT");
    let keys = app.gql(KEYS, json!({ "p": project, "m": "TEST" }), Some(&p.a.1)).await;
    let statuses: Vec<&str> = keys.data("apiKeys").as_array().unwrap().iter().map(|k| k["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["ACTIVE", "EXPIRING"]);

    // After the grace the old secret is refused.
    let mut row: api_key::ActiveModel = old.into();
    row.expires_at = Set(Some(Utc::now() - Duration::seconds(1)));
    row.update(&app.services.db).await.unwrap();
    assert_eq!(products_status(&app, &old_secret).await, StatusCode::UNAUTHORIZED);
    assert_eq!(products_status(&app, &new_secret).await, StatusCode::OK);

    // Revoking works at once.
    let revoked = app.gql(REVOKE, json!({ "id": new_id }), Some(&p.a.1)).await;
    assert_eq!(revoked.data("revokeApiKey.status"), "REVOKED");
    assert_eq!(products_status(&app, &new_secret).await, StatusCode::UNAUTHORIZED);
    let (status, body) = app_call(&app, Method::GET, "/api/products", &new_secret, None, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("UNAUTHORIZED")));

    // Another key for the mode shares the publishable key.
    let another = app
        .gql(
            "mutation($p: UUID!) { createApiKey(projectId: $p, mode: TEST) { secret key { publishableKey } } }",
            json!({ "p": project }),
            Some(&p.a.1),
        )
        .await;
    assert_eq!(another.data("createApiKey.key.publishableKey"), &keys.data("apiKeys")[0]["publishableKey"]);
    assert_eq!(products_status(&app, another.data("createApiKey.secret").as_str().unwrap()).await, StatusCode::OK);
}

#[tokio::test]
async fn a_tiny_rotation_grace_ends_the_old_secret_soon() {
    let app = spawn_app_with(|c| c.api_products.rotation_grace_hours = 0).await;
    let p = people(&app).await;
    let (_, key, old_secret) = project(&app, &p.a.1, "STORE").await;
    app.gql(ROTATE, json!({ "id": key }), Some(&p.a.1)).await.data("rotateApiKey.secret");
    assert_eq!(products_status(&app, &old_secret).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn going_live_creates_live_keys_once_and_copies_the_tiers() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let (project, _, _) = project(&app, &p.a.1, "SAAS").await;
    app.gql(UPSERT_TIER, tier(&project, "TEST", "free", Some(100), None), Some(&p.a.1)).await.data("upsertApiTier.id");
    app.gql(UPSERT_TIER, tier(&project, "TEST", "pro", None, Some("price_test_pro")), Some(&p.a.1)).await.data("upsertApiTier.id");
    // LIVE does not exist before promotion.
    assert_eq!(app.gql(UPSERT_TIER, tier(&project, "LIVE", "free", Some(100), None), Some(&p.a.1)).await.code(), "CONFLICT");
    let live_keys = "mutation($p: UUID!) { createApiKey(projectId: $p, mode: LIVE) { secret } }";
    assert_eq!(app.gql(live_keys, json!({ "p": project }), Some(&p.a.1)).await.code(), "CONFLICT");

    let promote = "mutation($id: UUID!) { promoteApiProject(id: $id) { project { liveAt } key { secret key { mode publishableKey } } } }";
    let promoted = app.gql(promote, json!({ "id": project }), Some(&p.a.1)).await;
    assert!(promoted.data("promoteApiProject.project.liveAt").is_string());
    assert!(promoted.data("promoteApiProject.key.secret").as_str().unwrap().starts_with("sk_live_"));
    assert!(promoted.data("promoteApiProject.key.key.publishableKey").as_str().unwrap().starts_with("pk_live_"));
    assert_eq!(app.gql(promote, json!({ "id": project }), Some(&p.a.1)).await.code(), "CONFLICT");

    let keys = app.gql(KEYS, json!({ "p": project, "m": "LIVE" }), Some(&p.a.1)).await;
    assert_eq!(keys.data("apiKeys").as_array().unwrap().len(), 1);
    let tiers = app
        .gql(
            "query($p: UUID!) { apiTiers(projectId: $p, mode: LIVE) { name usageLimit stripePriceId } }",
            json!({ "p": project }),
            Some(&p.a.1),
        )
        .await;
    assert_eq!(
        tiers.data("apiTiers"),
        &json!([{ "name": "free", "usageLimit": 100, "stripePriceId": null }, { "name": "pro", "usageLimit": null, "stripePriceId": null }])
    );
    let test_tiers =
        api_tier::Entity::find().filter(api_tier::Column::StripePriceId.eq("price_test_pro")).count(&app.services.db).await.unwrap();
    assert_eq!(test_tiers, 1, "TEST keeps its tiers");
}

#[tokio::test]
async fn tiers_are_validated_field_by_field_and_replaced_by_name() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let (project, _, _) = project(&app, &p.a.1, "SAAS").await;
    let bad = json!({ "i": {
        "projectId": project, "mode": "TEST", "name": "Pro Plan", "displayName": " ", "priceMinor": -1, "currency": "EURO",
        "usageLimit": -5, "stripePriceId": "prod_1", "features": [""],
    } });
    let res = app.gql(UPSERT_TIER, bad, Some(&p.a.1)).await;
    assert_eq!(res.code(), "VALIDATION_ERROR");
    let fields: Vec<&str> =
        res.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "displayName", "priceMinor", "currency", "stripePriceId", "usageLimit", "features"]);

    let first = app.gql(UPSERT_TIER, tier(&project, "TEST", "pro", Some(10), None), Some(&p.a.1)).await;
    let again = app.gql(UPSERT_TIER, tier(&project, "TEST", "pro", Some(20), Some("price_pro")), Some(&p.a.1)).await;
    assert_eq!(first.data("upsertApiTier.id"), again.data("upsertApiTier.id"));
    assert_eq!(again.data("upsertApiTier.usageLimit"), 20);
    let deleted = app
        .gql("mutation($id: UUID!) { deleteApiTier(id: $id) { name } }", json!({ "id": first.data("upsertApiTier.id") }), Some(&p.a.1))
        .await;
    assert_eq!(deleted.data("deleteApiTier.name"), "pro");
}

#[tokio::test]
async fn a_customer_never_reaches_another_customers_project_or_keys() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let support = app.invite_and_accept(&p.owner, "support@example.com", "SUPPORT").await;
    let (project, key, _) = project(&app, &p.a.1, "SAAS").await;
    let b = Some(p.b.1.as_str());
    let one = "query($id: UUID!) { apiProject(id: $id) { id name } }";
    assert_eq!(app.gql(one, json!({ "id": project }), b).await.code(), "NOT_FOUND");
    assert_eq!(app.gql(KEYS, json!({ "p": project, "m": "TEST" }), b).await.code(), "NOT_FOUND");
    assert_eq!(app.gql(ROTATE, json!({ "id": key }), b).await.code(), "NOT_FOUND");
    assert_eq!(app.gql(REVOKE, json!({ "id": key }), b).await.code(), "NOT_FOUND");
    assert_eq!(app.gql(UPSERT_TIER, tier(&project, "TEST", "free", None, None), b).await.code(), "NOT_FOUND");
    let list = "query { apiProjects(first: 10) { totalCount edges { node { id } } } }";
    assert_eq!(app.gql(list, json!({}), b).await.data("apiProjects.totalCount"), 0);
    assert_eq!(app.gql(list, json!({}), Some(&p.a.1)).await.data("apiProjects.totalCount"), 1);

    // Staff SUPPORT+ read every project, but keys are the owner's alone.
    assert_eq!(app.gql(list, json!({}), Some(&support)).await.data("apiProjects.totalCount"), 1);
    assert_eq!(app.gql(one, json!({ "id": project }), Some(&support)).await.data("apiProject.id"), project.as_str());
    assert_eq!(app.gql(KEYS, json!({ "p": project, "m": "TEST" }), Some(&support)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(KEYS, json!({ "p": project, "m": "TEST" }), None).await.code(), "UNAUTHORIZED");
    let _ = p.a.0;
}

#[tokio::test]
async fn end_users_show_this_periods_count_and_take_only_tiers_that_exist() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let (project, _, _) = project(&app, &p.a.1, "SAAS").await;
    app.gql(UPSERT_TIER, tier(&project, "TEST", "pro", Some(1000), None), Some(&p.a.1)).await.data("upsertApiTier.id");
    let project_id: Uuid = project.parse().unwrap();
    let user =
        hub::domain::api_products::end_users::find_or_create(&app.services.db, project_id, entity::ApiMode::Test, "user_7").await.unwrap();
    let now = Utc::now();
    for (start, end, count) in
        [(now - Duration::days(40), now - Duration::days(10), 999), (now - Duration::days(3), now + Duration::days(27), 42)]
    {
        entity::api_usage_counter::ActiveModel {
            end_user_id: Set(user.id),
            period_start: Set(start),
            period_end: Set(end),
            project_id: Set(project_id),
            mode: Set(entity::ApiMode::Test),
            tier_name: Set("free".into()),
            count: Set(count),
            updated_at: Set(now),
        }
        .insert(&app.services.db)
        .await
        .unwrap();
    }
    let list = "query($p: UUID!) { apiEndUsers(projectId: $p, mode: TEST) { totalCount edges { node { id externalId usageCount countedTier tierName } } } }";
    let listed = app.gql(list, json!({ "p": project }), Some(&p.a.1)).await;
    let node = &listed.data("apiEndUsers.edges")[0]["node"];
    assert_eq!((node["usageCount"].as_i64(), node["countedTier"].as_str()), (Some(42), Some("free")), "only the current period counts");

    let set = "mutation($id: UUID!, $t: String) { setApiEndUserTier(id: $id, tierName: $t) { tierName } }";
    let unknown = app.gql(set, json!({ "id": user.id, "t": "gold" }), Some(&p.a.1)).await;
    assert_eq!(unknown.code(), "VALIDATION_ERROR");
    assert_eq!(unknown.body["errors"][0]["extensions"]["fields"][0]["field"], "tierName");
    assert_eq!(app.gql(set, json!({ "id": user.id, "t": "pro" }), Some(&p.a.1)).await.data("setApiEndUserTier.tierName"), "pro");
    assert_eq!(app.gql(set, json!({ "id": user.id, "t": "pro" }), Some(&p.b.1)).await.code(), "NOT_FOUND");
    assert!(app.gql(set, json!({ "id": user.id, "t": null }), Some(&p.a.1)).await.data("setApiEndUserTier.tierName").is_null());
}

/// The project ids of the API-product changes announced so far.
fn announced(events: &mut tokio::sync::broadcast::Receiver<hub::events::Event>) -> Vec<Uuid> {
    let mut ids = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let hub::events::Event::ApiProductChanged(change) = event {
            ids.push(change.project_id);
        }
    }
    ids
}

#[tokio::test]
async fn every_change_to_keys_and_tiers_is_announced_for_the_usage_check() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let mut events = app.services.events.subscribe();
    let (project, key, _) = project(&app, &p.a.1, "SAAS").await;
    let id: Uuid = project.parse().unwrap();
    assert_eq!(announced(&mut events), [id], "creation");
    let tier_id = app.gql(UPSERT_TIER, tier(&project, "TEST", "pro", Some(5), None), Some(&p.a.1)).await.data("upsertApiTier.id").clone();
    assert_eq!(announced(&mut events), [id], "tier saved");
    app.gql(ROTATE, json!({ "id": key }), Some(&p.a.1)).await.data("rotateApiKey.secret");
    assert_eq!(announced(&mut events), [id], "rotation");
    app.gql(REVOKE, json!({ "id": key }), Some(&p.a.1)).await.data("revokeApiKey.id");
    assert_eq!(announced(&mut events), [id], "revocation");
    app.gql("mutation($id: UUID!) { deleteApiTier(id: $id) { id } }", json!({ "id": tier_id }), Some(&p.a.1))
        .await
        .data("deleteApiTier.id");
    assert_eq!(announced(&mut events), [id], "tier deleted");
    app.gql("mutation($id: UUID!) { promoteApiProject(id: $id) { project { id } } }", json!({ "id": project }), Some(&p.a.1))
        .await
        .data("promoteApiProject.project.id");
    assert_eq!(announced(&mut events), [id], "promotion");
    // Refused changes announce nothing.
    assert_eq!(app.gql(ROTATE, json!({ "id": key }), Some(&p.a.1)).await.code(), "CONFLICT");
    assert!(announced(&mut events).is_empty());
}
