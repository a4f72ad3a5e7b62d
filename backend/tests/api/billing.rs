use chrono::{Duration, Utc};
use entity::{subscription, system_setting, AccountKind};
use hub::{
    auth::{actor::Credential, Actor, Principal},
    domain::{billing, customers},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{
    customers::{create_customer, signed_in_customer},
    helpers::*,
};

const PLANS: &str =
    "query($all: Boolean) { plans(includeInactive: $all) { id code tier name tokenAllotment priceMinor currency stripePriceId active } }";
const UPDATE_PLAN: &str =
    "mutation($id: UUID!, $i: UpdatePlanInput!) { updatePlan(id: $id, input: $i) { name tokenAllotment priceMinor stripePriceId active } }";
const SET_SUB: &str = "mutation($c: UUID!, $p: UUID!, $s: SubscriptionStatus!) { setSubscription(customerId: $c, planId: $p, status: $s) { id status plan { code } } }";
const SUB: &str = "query($c: UUID!) { subscription(customerId: $c) { id status customerId plan { code tier } } }";
const GRANT: &str = "mutation($c: UUID!, $m: Int!, $e: DateTime!) { grantFoundingMember(customerId: $c, tokenMultiplier: $m, expiresAt: $e) { number tokenMultiplier customerId } }";

fn next_year() -> String {
    (Utc::now() + Duration::days(365)).to_rfc3339()
}

async fn plan_ids(app: &TestApp, token: &str) -> Vec<String> {
    let res = app.gql(PLANS, json!({}), Some(token)).await;
    res.data("plans").as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

async fn public_count(app: &TestApp) -> Value {
    let res = app.client.get(app.url("/api/v1/public/founding-members/count")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["success"], true);
    body["data"].clone()
}

#[tokio::test]
async fn plans_are_listed_in_order_and_only_billing_staff_change_them() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, customer) = signed_in_customer(&app, &owner, "maria@acme.com").await;
    let listed = app.gql(PLANS, json!({}), Some(&customer)).await;
    let plans = listed.data("plans").as_array().unwrap();
    let codes: Vec<_> = plans.iter().map(|p| (p["code"].as_str().unwrap(), p["tier"].as_str().unwrap())).collect();
    assert_eq!(codes, [("STARTER", "Lite"), ("PRO", "Build"), ("ENTERPRISE", "Scale")]);
    assert_eq!(plans[1]["tokenAllotment"], 15_000_000);
    assert_eq!(app.gql(PLANS, json!({}), None).await.code(), "UNAUTHORIZED");

    let pro = plans[1]["id"].as_str().unwrap().to_owned();
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    assert_eq!(app.gql(UPDATE_PLAN, json!({ "id": pro, "i": { "priceMinor": 1 } }), Some(&manager)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(UPDATE_PLAN, json!({ "id": pro, "i": { "priceMinor": 1 } }), Some(&customer)).await.code(), "FORBIDDEN");
    let bad = app.gql(UPDATE_PLAN, json!({ "id": pro, "i": { "tokenAllotment": 0, "priceMinor": -1 } }), Some(&owner)).await;
    assert_eq!(bad.code(), "VALIDATION_ERROR");
    let names: Vec<_> = bad.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].clone()).collect();
    assert_eq!(names, ["tokenAllotment", "priceMinor"]);

    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let i = json!({ "name": "Pro · Build+", "tokenAllotment": 20_000_000, "priceMinor": 8900, "stripePriceId": "price_123" });
    let updated = app.gql(UPDATE_PLAN, json!({ "id": pro, "i": i }), Some(&admin)).await;
    assert_eq!(updated.data("updatePlan.tokenAllotment"), 20_000_000);
    assert_eq!(updated.data("updatePlan.stripePriceId"), "price_123");
    app.gql(UPDATE_PLAN, json!({ "id": pro, "i": { "active": false } }), Some(&admin)).await.data("updatePlan.active");
    assert_eq!(plan_ids(&app, &customer).await.len(), 2, "retired plans are not offered");
    assert_eq!(app.gql(PLANS, json!({ "all": true }), Some(&admin)).await.data("plans").as_array().unwrap().len(), 3);
    assert_eq!(app.gql(PLANS, json!({ "all": true }), Some(&customer)).await.code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_customer_has_one_current_subscription_which_only_they_and_staff_read() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, customer_a) = signed_in_customer(&app, &owner, "maria@acme.com").await;
    let (b, _) = create_customer(&app, &owner, "bob@globex.com", None).await;
    let plans = plan_ids(&app, &owner).await;

    let first = app.gql(SET_SUB, json!({ "c": a, "p": plans[1], "s": "ACTIVE" }), Some(&owner)).await;
    assert_eq!(first.data("setSubscription.plan.code"), "PRO");
    let second = app.gql(SET_SUB, json!({ "c": a, "p": plans[2], "s": "TRIALING" }), Some(&owner)).await;
    assert_eq!(second.data("setSubscription.id"), first.data("setSubscription.id"), "the current one is changed");
    let rows = subscription::Entity::find()
        .filter(subscription::Column::CustomerId.eq(Uuid::parse_str(&a).unwrap()))
        .count(&app.services.db)
        .await
        .unwrap();
    assert_eq!(rows, 1);

    let own = app.gql(SUB, json!({ "c": a }), Some(&customer_a)).await;
    assert_eq!(own.data("subscription.plan.code"), "ENTERPRISE");
    assert_eq!(own.data("subscription.status"), "TRIALING");
    assert_eq!(app.gql(SUB, json!({ "c": b }), Some(&customer_a)).await.code(), "NOT_FOUND");
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    assert!(app.gql(SUB, json!({ "c": b }), Some(&support)).await.data("subscription").is_null());
    assert_eq!(app.gql(SUB, json!({ "c": Uuid::new_v4() }), Some(&support)).await.code(), "NOT_FOUND");

    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    assert_eq!(app.gql(SET_SUB, json!({ "c": b, "p": plans[0], "s": "ACTIVE" }), Some(&manager)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(SET_SUB, json!({ "c": b, "p": plans[0], "s": "ACTIVE" }), Some(&customer_a)).await.code(), "FORBIDDEN");
    let unknown = app.gql(SET_SUB, json!({ "c": b, "p": Uuid::new_v4(), "s": "ACTIVE" }), Some(&owner)).await;
    assert_eq!(unknown.code(), "VALIDATION_ERROR");
    assert_eq!(unknown.body["errors"][0]["extensions"]["fields"][0]["field"], "planId");
    let nobody = app.gql(SET_SUB, json!({ "c": Uuid::new_v4(), "p": plans[0], "s": "ACTIVE" }), Some(&owner)).await;
    assert_eq!(nobody.code(), "NOT_FOUND");
}

#[tokio::test]
async fn founding_seats_are_numbered_once_per_customer_and_counted_publicly() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    assert_eq!(public_count(&app).await, json!({ "total": 100, "taken": 0, "remaining": 100 }));
    let (a, _) = create_customer(&app, &owner, "maria@acme.com", None).await;
    let (b, _) = create_customer(&app, &owner, "bob@globex.com", None).await;

    let first = app.gql(GRANT, json!({ "c": a, "m": 2, "e": next_year() }), Some(&owner)).await;
    assert_eq!(first.data("grantFoundingMember.number"), 1);
    let second = app.gql(GRANT, json!({ "c": b, "m": 3, "e": next_year() }), Some(&owner)).await;
    assert_eq!(second.data("grantFoundingMember.number"), 2);
    assert_eq!(app.gql(GRANT, json!({ "c": a, "m": 2, "e": next_year() }), Some(&owner)).await.code(), "CONFLICT");

    let (c, _) = create_customer(&app, &owner, "carl@example.com", None).await;
    let past = (Utc::now() - Duration::days(1)).to_rfc3339();
    let bad = app.gql(GRANT, json!({ "c": c, "m": 11, "e": past }), Some(&owner)).await;
    assert_eq!(bad.code(), "VALIDATION_ERROR");
    let names: Vec<_> = bad.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].clone()).collect();
    assert_eq!(names, ["tokenMultiplier", "expiresAt"]);
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    assert_eq!(app.gql(GRANT, json!({ "c": c, "m": 2, "e": next_year() }), Some(&manager)).await.code(), "FORBIDDEN");
    assert_eq!(public_count(&app).await, json!({ "total": 100, "taken": 2, "remaining": 98 }));
}

#[tokio::test]
async fn granting_past_the_last_seat_is_a_conflict() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    system_setting::ActiveModel { key: Set("billing.founding_member_seats".into()), value: Set(json!(1)), updated_at: Set(Utc::now()) }
        .insert(&app.services.db)
        .await
        .unwrap();
    let (a, _) = create_customer(&app, &owner, "maria@acme.com", None).await;
    let (b, _) = create_customer(&app, &owner, "bob@globex.com", None).await;
    assert_eq!(app.gql(GRANT, json!({ "c": a, "m": 2, "e": next_year() }), Some(&owner)).await.data("grantFoundingMember.number"), 1);
    assert_eq!(app.gql(GRANT, json!({ "c": b, "m": 2, "e": next_year() }), Some(&owner)).await.code(), "CONFLICT");
    assert_eq!(public_count(&app).await, json!({ "total": 1, "taken": 1, "remaining": 0 }));
}

fn actor(user_id: Uuid, kind: AccountKind, role: Option<entity::StaffRole>) -> Actor {
    let credential = Credential::Session(Uuid::new_v4());
    Actor::User(Principal { user_id, email: "x@example.com".into(), name: "X".into(), kind, role, credential })
}

#[tokio::test]
async fn batch_loaders_apply_the_customer_scope() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, _) = create_customer(&app, &owner, "maria@acme.com", None).await;
    let (b, _) = create_customer(&app, &owner, "bob@globex.com", None).await;
    let plans = plan_ids(&app, &owner).await;
    for id in [&a, &b] {
        app.gql(SET_SUB, json!({ "c": id, "p": plans[0], "s": "ACTIVE" }), Some(&owner)).await.data("setSubscription.id");
        app.gql(GRANT, json!({ "c": id, "m": 2, "e": next_year() }), Some(&owner)).await.data("grantFoundingMember.number");
    }
    let (a, b) = (Uuid::parse_str(&a).unwrap(), Uuid::parse_str(&b).unwrap());
    let ids = [a, b, Uuid::new_v4()];
    let services = &app.services;

    let staff = actor(Uuid::new_v4(), AccountKind::Staff, Some(entity::StaffRole::Support)).grant().unwrap();
    assert_eq!(customers::by_ids(services, &staff, &ids).await.unwrap().len(), 2);
    let subs = billing::subscriptions_by_customers(services, &staff, &ids).await.unwrap();
    assert_eq!(subs[&b].1.code, entity::PlanCode::Starter);
    assert_eq!(billing::founding_by_customers(services, &staff, &ids).await.unwrap().len(), 2);

    let own = actor(a, AccountKind::Customer, None).grant().unwrap();
    let seen = customers::by_ids(services, &own, &ids).await.unwrap();
    assert_eq!(seen.keys().collect::<Vec<_>>(), [&a]);
    assert!(seen[&a].notes.is_none());
    assert_eq!(billing::subscriptions_by_customers(services, &own, &ids).await.unwrap().keys().collect::<Vec<_>>(), [&a]);
    assert_eq!(billing::founding_by_customers(services, &own, &ids).await.unwrap().keys().collect::<Vec<_>>(), [&a]);
}

#[tokio::test]
async fn concurrent_grants_get_distinct_seats() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, _) = create_customer(&app, &owner, "maria@acme.com", None).await;
    let (b, _) = create_customer(&app, &owner, "bob@globex.com", None).await;
    let grant = |id: String| {
        let (app, owner) = (&app, &owner);
        async move { app.gql(GRANT, json!({ "c": id, "m": 2, "e": next_year() }), Some(owner)).await }
    };
    // The same customer twice: one of those two is refused.
    let results = tokio::join!(grant(a.clone()), grant(b), grant(a));
    let results = [results.0, results.1, results.2];
    let mut numbers: Vec<i64> =
        results.iter().filter(|r| r.body["errors"].is_null()).map(|r| r.data("grantFoundingMember.number").as_i64().unwrap()).collect();
    numbers.sort();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(results.iter().filter(|r| !r.body["errors"].is_null()).map(|r| r.code()).collect::<Vec<_>>(), ["CONFLICT"]);
}
