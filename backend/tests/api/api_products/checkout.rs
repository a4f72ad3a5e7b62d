//! Paying through an API project: the subscription Checkout (fake Stripe) and
//! the webhook that sets the end user's tier once; carts that decrement
//! inventory once per session and never below zero, even when two complete at
//! the same time.

use entity::{alert, api_checkout, api_end_user, api_product, ApiCheckoutStatus};
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

use super::*;
use crate::{
    stripe_fake::FakeStripe,
    stripe_webhook::{deliver, event, now, stripe_app},
};

/// The session id at the end of a fake Checkout URL.
fn session_id(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

fn completed(event_id: &str, session: &str, metadata: Value) -> Value {
    event(
        event_id,
        "checkout.session.completed",
        now(),
        json!({
            "id": session, "object": "checkout.session", "status": "complete", "payment_status": "paid",
            "customer": "cus_end_1", "subscription": "sub_end_1", "customer_details": { "email": "End@Example.com" }, "metadata": metadata,
        }),
    )
}

async fn product_row(app: &TestApp, id: &str) -> api_product::Model {
    api_product::Entity::find_by_id(id.parse::<Uuid>().unwrap()).one(&app.services.db).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_subscription_checkout_opens_a_stripe_session_and_its_webhook_sets_the_tier_once() {
    let stripe = FakeStripe::start().await;
    let app = stripe_app(Some(&stripe)).await;
    let p = people(&app).await;
    let (project, _, secret) = project(&app, &p.a.1, "SAAS").await;
    app.gql(UPSERT_TIER, tier(&project, "TEST", "free", Some(10), None), Some(&p.a.1)).await.data("upsertApiTier.id");
    app.gql(UPSERT_TIER, tier(&project, "TEST", "pro", Some(1000), Some("price_pro")), Some(&p.a.1)).await.data("upsertApiTier.id");

    let body = json!({ "tier": "pro", "successUrl": "https://myapp.example.com/ok", "cancelUrl": "https://myapp.example.com/no" });
    let (status, answer) = app_call(&app, Method::POST, "/api/create-checkout", &secret, Some("user_123"), Some(body.clone())).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let url = answer["url"].as_str().unwrap();
    assert!(url.starts_with("https://checkout.stripe.test/"), "{answer}");
    let seen = stripe.seen("/v1/checkout/sessions");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].field("mode"), Some("subscription"));
    assert_eq!(seen[0].field("line_items[0][price]"), Some("price_pro"));
    assert_eq!(seen[0].field("metadata[hub_api_project]"), Some(project.as_str()));
    assert_eq!(seen[0].field("metadata[hub_api_mode]"), Some("test"));
    assert_eq!(seen[0].field("metadata[hub_api_end_user]"), Some("user_123"));
    assert_eq!(seen[0].field("metadata[hub_api_tier]"), Some("pro"));
    assert_eq!(seen[0].field("subscription_data[metadata][hub_api_tier]"), Some("pro"));

    // Refusals: a tier without a price, no user id, a bad URL, no key.
    let free = json!({ "tier": "free", "successUrl": "https://a.example.com", "cancelUrl": "https://a.example.com" });
    let (status, answer) = app_call(&app, Method::POST, "/api/create-checkout", &secret, Some("user_123"), Some(free)).await;
    assert_eq!((status, answer["error"]["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("tier")));
    let (status, _) = app_call(&app, Method::POST, "/api/create-checkout", &secret, None, Some(body.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let bad_url = json!({ "tier": "pro", "successUrl": "javascript:alert(1)", "cancelUrl": "https://a.example.com" });
    let (status, answer) = app_call(&app, Method::POST, "/api/create-checkout", &secret, Some("u"), Some(bad_url)).await;
    assert_eq!((status, answer["error"]["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("successUrl")));
    let (status, _) = app_call(&app, Method::POST, "/api/create-checkout", "sk_test_nope", Some("u"), Some(body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Stripe says it was paid: twice the same event, then another event for the same session.
    let session = session_id(url);
    let metadata = json!({ "hub_api_project": project, "hub_api_mode": "test", "hub_api_checkout": "subscription", "hub_api_end_user": "user_123", "hub_api_tier": "pro" });
    let paid = completed("evt_api_1", &session, metadata.clone());
    assert_eq!(deliver(&app, &paid).await, "APPLIED");
    assert_eq!(deliver(&app, &paid).await, "DUPLICATE");
    assert_eq!(deliver(&app, &completed("evt_api_2", &session, metadata.clone())).await, "IGNORED");

    let users = api_end_user::Entity::find().all(&app.services.db).await.unwrap();
    assert_eq!(users.len(), 1);
    let user = &users[0];
    assert_eq!((user.external_id.as_str(), user.tier_name.as_deref()), ("user_123", Some("pro")));
    assert_eq!((user.stripe_customer_id.as_deref(), user.stripe_subscription_id.as_deref()), (Some("cus_end_1"), Some("sub_end_1")));
    assert_eq!(user.email.as_deref(), Some("end@example.com"));
    assert!(user.current_period_start.is_some() && user.current_period_end > user.current_period_start);

    let list =
        "query($p: UUID!) { apiEndUsers(projectId: $p, mode: TEST) { totalCount edges { node { externalId tierName usageCount } } } }";
    let listed = app.gql(list, json!({ "p": project }), Some(&p.a.1)).await;
    assert_eq!(listed.data("apiEndUsers.edges")[0]["node"], json!({ "externalId": "user_123", "tierName": "pro", "usageCount": 0 }));

    // The end user's billing portal.
    let (status, answer) = app_call(
        &app,
        Method::POST,
        "/api/customer-portal",
        &secret,
        Some("user_123"),
        Some(json!({ "returnUrl": "https://myapp.example.com" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(stripe.seen("/v1/billing_portal/sessions")[0].field("customer"), Some("cus_end_1"));

    // The subscription's period follows Stripe; deleting it clears the tier.
    let sub = |id: &str, kind: &str, status: &str| {
        event(
            id,
            kind,
            now(),
            json!({ "id": "sub_end_1", "object": "subscription", "status": status, "customer": "cus_end_1",
            "current_period_start": 1_900_000_000, "current_period_end": 1_902_592_000, "metadata": metadata }),
        )
    };
    assert_eq!(deliver(&app, &sub("evt_api_3", "customer.subscription.updated", "active")).await, "APPLIED");
    let user = api_end_user::Entity::find().one(&app.services.db).await.unwrap().unwrap();
    assert_eq!(user.current_period_start.map(|t| t.timestamp()), Some(1_900_000_000));
    assert_eq!(deliver(&app, &sub("evt_api_4", "customer.subscription.deleted", "canceled")).await, "APPLIED");
    let user = api_end_user::Entity::find().one(&app.services.db).await.unwrap().unwrap();
    assert_eq!((user.tier_name, user.stripe_subscription_id), (None, None));
}

async fn cart(app: &TestApp, secret: &str, price: &str, quantity: i64) -> (StatusCode, Value) {
    let body = json!({ "email": "buyer@example.com", "items": [{ "priceId": price, "quantity": quantity }],
        "successUrl": "https://shop.example.com/thanks", "cancelUrl": "https://shop.example.com/cart" });
    app_call(app, Method::POST, "/api/cart/checkout", secret, None, Some(body)).await
}

fn cart_metadata(project: &str) -> Value {
    json!({ "hub_api_project": project, "hub_api_mode": "test", "hub_api_checkout": "cart" })
}

#[tokio::test]
async fn a_cart_takes_inventory_once_per_paid_session_and_refuses_what_is_sold_out() {
    let stripe = FakeStripe::start().await;
    let app = stripe_app(Some(&stripe)).await;
    let p = people(&app).await;
    let (project, _, secret) = project(&app, &p.a.1, "STORE").await;
    let mug = app.gql(UPSERT_PRODUCT, product(&project, "Mug", 2, "price_mug"), Some(&p.a.1)).await;
    let mug = mug.data("upsertApiProduct.id").as_str().unwrap().to_owned();
    app.gql(UPSERT_PRODUCT, product(&project, "Hat", 0, "price_hat"), Some(&p.a.1)).await.data("upsertApiProduct.id");

    let (status, listed) = app_call(&app, Method::GET, "/api/products", &secret, None, None).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<(&str, bool)> =
        listed["products"].as_array().unwrap().iter().map(|p| (p["name"].as_str().unwrap(), p["soldOut"].as_bool().unwrap())).collect();
    assert_eq!(names, [("Hat", true), ("Mug", false)]);

    assert_eq!(cart(&app, &secret, "price_hat", 1).await.0, StatusCode::CONFLICT, "sold out");
    let (status, answer) = cart(&app, &secret, "price_mug", 3).await;
    assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("CONFLICT")), "more than is left");
    assert_eq!(cart(&app, &secret, "price_nope", 1).await.0, StatusCode::BAD_REQUEST);

    let (status, answer) = cart(&app, &secret, "price_mug", 1).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let seen = stripe.seen("/v1/checkout/sessions");
    assert_eq!(seen.last().unwrap().field("mode"), Some("payment"));
    assert_eq!(seen.last().unwrap().field("line_items[0][quantity]"), Some("1"));
    assert_eq!(seen.last().unwrap().field("customer_email"), Some("buyer@example.com"));
    let session = session_id(answer["url"].as_str().unwrap());

    assert_eq!(deliver(&app, &completed("evt_cart_1", &session, cart_metadata(&project))).await, "APPLIED");
    assert_eq!(deliver(&app, &completed("evt_cart_1", &session, cart_metadata(&project))).await, "DUPLICATE");
    assert_eq!(deliver(&app, &completed("evt_cart_2", &session, cart_metadata(&project))).await, "IGNORED");
    assert_eq!(product_row(&app, &mug).await.inventory, 1, "decremented once");

    // A SaaS key has no products.
    let (_, _, saas) = super::project(&app, &p.a.1, "SAAS").await;
    assert_eq!(app_call(&app, Method::GET, "/api/products", &saas, None, None).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn two_paid_carts_for_the_last_unit_never_take_inventory_below_zero() {
    let stripe = FakeStripe::start().await;
    let app = stripe_app(Some(&stripe)).await;
    let p = people(&app).await;
    let (project, _, secret) = project(&app, &p.a.1, "STORE").await;
    let mug = app.gql(UPSERT_PRODUCT, product(&project, "Mug", 1, "price_mug"), Some(&p.a.1)).await;
    let mug = mug.data("upsertApiProduct.id").as_str().unwrap().to_owned();
    // Both carts are accepted while one unit is left…
    let first = session_id(cart(&app, &secret, "price_mug", 1).await.1["url"].as_str().unwrap());
    let second = session_id(cart(&app, &secret, "price_mug", 1).await.1["url"].as_str().unwrap());
    assert_ne!(first, second);
    // …and both are paid at the same time.
    let events = [completed("evt_race_1", &first, cart_metadata(&project)), completed("evt_race_2", &second, cart_metadata(&project))];
    let outcomes = join_all(events.iter().map(|e| deliver(&app, e))).await;
    let mut outcomes: Vec<&str> = outcomes.iter().map(String::as_str).collect();
    outcomes.sort();
    assert_eq!(outcomes, ["APPLIED", "NEEDS_ATTENTION"]);
    assert_eq!(product_row(&app, &mug).await.inventory, 0);

    let checkouts = api_checkout::Entity::find().all(&app.services.db).await.unwrap();
    let mut statuses: Vec<ApiCheckoutStatus> = checkouts.iter().map(|c| c.status).collect();
    statuses.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(statuses, [ApiCheckoutStatus::Oversold, ApiCheckoutStatus::Paid]);
    let oversold = alert::Entity::find().filter(alert::Column::AlertType.eq("API_OVERSOLD")).all(&app.services.db).await.unwrap();
    assert_eq!(oversold.len(), 1);
    assert_eq!(oversold[0].customer_id, Some(p.a.0.parse().unwrap()));
}
