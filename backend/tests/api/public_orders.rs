//! The public order API (spec 001 §7) and the per-source rate limits of the
//! machine-facing REST shims (spec 002 §7).

use entity::OrderStatus;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::agents::{customer, order_of};
use crate::fixtures::order_with_status;
use crate::helpers::*;

const CREATE_TOKEN: &str = "mutation { createApiToken(name: \"order source\") { token } }";

async fn api_token(app: &TestApp, session: &str) -> String {
    app.gql(CREATE_TOKEN, json!({}), Some(session)).await.data("createApiToken.token").as_str().unwrap().to_owned()
}

async fn call(app: &TestApp, method: reqwest::Method, path: &str, bearer: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, app.url(path));
    if let Some(bearer) = bearer {
        req = req.bearer_auth(bearer);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("NO_CODE")
}

#[tokio::test]
async fn an_order_source_creates_an_order_and_a_progress_page_reads_it() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let token = api_token(&app, &owner).await;
    let (_, customer_id) = customer(&app, "buyer@example.com").await;

    let input = json!({ "customerId": customer_id, "tier": "Build", "domain": "shop.example.com", "tools": ["nextcloud"] });
    let (status, created) = call(&app, reqwest::Method::POST, "/api/v1/public/orders", Some(&token), Some(input)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["success"], true);
    assert_eq!(created["data"]["status"], "PAYMENT_CONFIRMED");
    assert_eq!(created["data"]["automationMode"], "MANUAL");
    assert_eq!(created["data"]["customerId"], customer_id.to_string());
    let id = created["data"]["id"].as_str().unwrap().to_owned();

    // It is the same order staff see over GraphQL.
    let staff_view = app.gql("query($id: UUID!) { order(id: $id) { domain tools } }", json!({ "id": id }), Some(&owner)).await;
    assert_eq!(staff_view.data("order.domain"), "shop.example.com");
    assert_eq!(staff_view.data("order.tools"), &json!(["nextcloud"]));

    let (status, read) = call(&app, reqwest::Method::GET, &format!("/api/v1/public/orders/{id}"), Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["data"]["status"], "PAYMENT_CONFIRMED");
    assert_eq!(read["data"]["log"], json!([]), "no provisioning run yet");
}

#[tokio::test]
async fn the_progress_answer_carries_the_newest_log_lines() {
    let app = spawn_app_with(|c| c.provisioning.simulated_step_ms = 1).await;
    let owner = app.setup_owner().await;
    let token = api_token(&app, &owner).await;
    let (_, customer_id) = customer(&app, "buyer@example.com").await;
    let input = json!({ "customerId": customer_id, "tier": "Build", "domain": "auto.example.com", "automationMode": "AUTO" });
    let (status, created) = call(&app, reqwest::Method::POST, "/api/v1/public/orders", Some(&token), Some(input)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/public/orders/{}", created["data"]["id"].as_str().unwrap());

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let read = loop {
        let (_, read) = call(&app, reqwest::Method::GET, &path, Some(&token), None).await;
        if read["data"]["status"] == "FULFILLED" || std::time::Instant::now() > deadline {
            break read;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(read["data"]["status"], "FULFILLED", "{read}");
    let log = read["data"]["log"].as_array().unwrap();
    assert!(log.len() >= 3, "{read}");
    assert!(log[0]["message"].as_str().unwrap().contains("auto.example.com"), "oldest kept line first: {read}");
    assert!(log.iter().any(|l| l["message"].as_str().unwrap().starts_with("Health check passed")), "{read}");
    assert!(log.last().unwrap()["message"].as_str().unwrap().ends_with("is ready"), "newest line last: {read}");
}

#[tokio::test]
async fn only_api_tokens_with_the_right_permissions_get_in() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (customer_session, customer_id) = customer(&app, "buyer@example.com").await;
    let (_, other_id) = customer(&app, "other@example.com").await;
    let own_order = order_of(&app, customer_id).await;
    let other_order = order_with_status(&app, other_id, OrderStatus::Provisioning).await;
    let input = json!({ "customerId": customer_id, "tier": "Build", "domain": "x.example.com" });
    let create = |bearer: Option<String>| {
        let input = input.clone();
        let app = &app;
        async move { call(app, reqwest::Method::POST, "/api/v1/public/orders", bearer.as_deref(), Some(input)).await }
    };

    let (status, body) = create(None).await;
    assert_eq!((status, code(&body)), (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"));
    let (status, body) = create(Some(owner.clone())).await;
    assert_eq!((status, code(&body)), (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"), "a session token is for the SPA");
    let (status, body) = create(Some("hubt_not-a-real-token".into())).await;
    assert_eq!((status, code(&body)), (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"));
    let (status, body) = create(Some(api_token(&app, &support).await)).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "FORBIDDEN"), "SUPPORT reads orders but does not create them");

    // A customer's token reads that customer's orders and nobody else's.
    let mine = api_token(&app, &customer_session).await;
    let (status, body) = create(Some(mine.clone())).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "FORBIDDEN"));
    let (status, _) = call(&app, reqwest::Method::GET, &format!("/api/v1/public/orders/{own_order}"), Some(&mine), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(&app, reqwest::Method::GET, &format!("/api/v1/public/orders/{other_order}"), Some(&mine), None).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "NOT_FOUND"));
    let (status, body) = call(&app, reqwest::Method::GET, &format!("/api/v1/public/orders/{}", Uuid::new_v4()), Some(&mine), None).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "NOT_FOUND"));
}

#[tokio::test]
async fn bad_orders_are_refused_field_by_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let token = api_token(&app, &owner).await;
    let input = json!({ "customerId": Uuid::new_v4(), "tier": "", "domain": "not a domain", "tools": ["nextcloud"] });
    let (status, body) = call(&app, reqwest::Method::POST, "/api/v1/public/orders", Some(&token), Some(input)).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "VALIDATION_ERROR"), "{body}");
    let mut fields: Vec<&str> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    fields.sort();
    assert_eq!(fields, ["customerId", "domain", "tier"]);

    let (status, body) = call(&app, reqwest::Method::POST, "/api/v1/public/orders", Some(&token), Some(json!({ "surprise": 1 }))).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "VALIDATION_ERROR"), "{body}");
    let orders = app.gql("{ orders(first: 10) { totalCount } }", json!({}), Some(&owner)).await;
    assert_eq!(orders.data("orders.totalCount"), 0);
}

#[tokio::test]
async fn webhook_shims_are_limited_per_source() {
    let app = spawn_app_with(|c| c.rate_limit.webhooks_per_minute = 3).await;
    let tenant = |key: &'static str| {
        let app = &app;
        async move {
            let res = reqwest::Client::new().get(app.url("/api/v1/tenant/config")).bearer_auth(key).send().await.unwrap();
            (res.status(), res.headers().clone())
        }
    };
    for _ in 0..3 {
        let (status, headers) = tenant("hk_unknown-a").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "within the budget the key is checked (and refused)");
        assert_eq!(headers["x-ratelimit-limit"], "3");
    }
    let (status, headers) = tenant("hk_unknown-a").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Another key is another source.
    assert_eq!(tenant("hk_unknown-b").await.0, StatusCode::UNAUTHORIZED);

    // The bridge counts per project.
    let bridge = |project: &'static str| {
        let app = &app;
        async move {
            let req = reqwest::Client::new().post(app.url("/api/internal/saas/project/heartbeat")).header("x-mintreu-project", project);
            req.body("{}").send().await.unwrap().status()
        }
    };
    for _ in 0..3 {
        assert_eq!(bridge("shop").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(bridge("shop").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(bridge("blog").await, StatusCode::UNAUTHORIZED);
}
