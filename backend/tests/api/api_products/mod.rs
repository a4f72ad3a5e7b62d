//! API products (issue 6, spec 003): projects and their keys, tiers and
//! products, promotion, and paying through a project's secret key.

use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{customers::signed_in_customer, helpers::*};

mod checkout;
mod projects;

pub const CREATE: &str = "mutation($i: CreateApiProjectInput!) { createApiProject(input: $i) { project { id kind liveAt } key { secret key { id mode publishableKey secretHint status } } } }";
pub const UPSERT_TIER: &str = "mutation($i: ApiTierInput!) { upsertApiTier(input: $i) { id name mode usageLimit stripePriceId } }";
pub const UPSERT_PRODUCT: &str =
    "mutation($i: ApiProductInput!) { upsertApiProduct(input: $i) { id name inventory soldOut stripePriceId } }";

/// The OWNER's token and two signed-in customers' (id, token).
pub struct People {
    pub owner: String,
    pub a: (String, String),
    pub b: (String, String),
}

pub async fn people(app: &TestApp) -> People {
    let owner = app.setup_owner().await;
    let a = signed_in_customer(app, &owner, "dev-a@example.com").await;
    let b = signed_in_customer(app, &owner, "dev-b@example.com").await;
    People { owner, a, b }
}

/// A project of the customer with `token`; returns (project id, TEST key id, TEST secret).
pub async fn project(app: &TestApp, token: &str, kind: &str) -> (String, String, String) {
    let res = app.gql(CREATE, json!({ "i": { "name": format!("My {kind}"), "kind": kind } }), Some(token)).await;
    let created = res.data("createApiProject");
    (
        created["project"]["id"].as_str().unwrap().to_owned(),
        created["key"]["key"]["id"].as_str().unwrap().to_owned(),
        created["key"]["secret"].as_str().unwrap().to_owned(),
    )
}

pub fn tier(project: &str, mode: &str, name: &str, limit: Option<i64>, price: Option<&str>) -> Value {
    json!({ "i": {
        "projectId": project, "mode": mode, "name": name, "displayName": name.to_uppercase(), "priceMinor": if price.is_some() { 1900 } else { 0 },
        "currency": "eur", "usageLimit": limit, "stripePriceId": price, "features": ["API access"],
    } })
}

pub fn product(project: &str, name: &str, inventory: i64, price: &str) -> Value {
    json!({ "i": {
        "projectId": project, "mode": "TEST", "name": name, "priceMinor": 2500, "currency": "eur", "inventory": inventory, "stripePriceId": price,
    } })
}

/// A developer's-app request with `Authorization: Bearer secret`.
pub async fn app_call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    secret: &str,
    user: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, app.url(path)).bearer_auth(secret);
    if let Some(user) = user {
        req = req.header("x-user-id", user);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Customer A's API objects for the authorization matrix.
pub struct MatrixObjects {
    pub project: Uuid,
    pub store: Uuid,
    pub end_user: Uuid,
}

fn uuid_at(res: &Gql, path: &str) -> Uuid {
    res.data(path).as_str().unwrap().parse().unwrap()
}

/// A SaaS project with a tier (`matrix`) and an end user, and a Store with a product, of the customer with `token`.
pub async fn matrix_objects(app: &TestApp, token: &str) -> MatrixObjects {
    let (project, _, _) = self::project(app, token, "SAAS").await;
    let (store, _, _) = self::project(app, token, "STORE").await;
    fresh_tier(app, token, &project, "matrix").await;
    app.gql(UPSERT_PRODUCT, product(&store, "Matrix mug", 5, "price_matrix_mug"), Some(token)).await.data("upsertApiProduct.id");
    let project: Uuid = project.parse().unwrap();
    let end_user = hub::domain::api_products::end_users::find_or_create(&app.services.db, project, entity::ApiMode::Test, "matrix-user")
        .await
        .unwrap()
        .id;
    MatrixObjects { project, store: store.parse().unwrap(), end_user }
}

/// A fresh SaaS project (one that can still go live).
pub async fn fresh_project(app: &TestApp, token: &str) -> Uuid {
    self::project(app, token, "SAAS").await.0.parse().unwrap()
}

/// A fresh active TEST key of `project`.
pub async fn fresh_key(app: &TestApp, token: &str, project: Uuid) -> Uuid {
    let res = app
        .gql("mutation($p: UUID!) { createApiKey(projectId: $p, mode: TEST) { key { id } } }", json!({ "p": project }), Some(token))
        .await;
    uuid_at(&res, "createApiKey.key.id")
}

/// A fresh TEST tier `name` of `project`.
pub async fn fresh_tier(app: &TestApp, token: &str, project: &str, name: &str) -> Uuid {
    uuid_at(&app.gql(UPSERT_TIER, tier(project, "TEST", name, Some(10), None), Some(token)).await, "upsertApiTier.id")
}

/// A fresh TEST product `name` of `store`.
pub async fn fresh_product(app: &TestApp, token: &str, store: Uuid, name: &str) -> Uuid {
    let price = format!("price_{name}");
    uuid_at(&app.gql(UPSERT_PRODUCT, product(&store.to_string(), name, 1, &price), Some(token)).await, "upsertApiProduct.id")
}
