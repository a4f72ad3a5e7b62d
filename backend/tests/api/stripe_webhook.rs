//! The Stripe webhook (CONTRACT.md §3): signature checks, exactly-once per
//! event id (sequential and concurrent retries), checkout → customer +
//! subscription + order, unknown types acknowledged.

use std::time::Duration;

use entity::{audit_event, order, password_token, stripe_event, subscription, user, OrderStatus, StripeEventOutcome};
use futures_util::future::join_all;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;
use crate::stripe_fake::{signature, FakeStripe, WEBHOOK_SECRET};

/// An app that takes Stripe events (and calls the fake, when one is given).
pub async fn stripe_app(fake: Option<&FakeStripe>) -> TestApp {
    spawn_app_with(|c| {
        c.stripe.webhook_secret = Some(hub::config::SecretString::new(WEBHOOK_SECRET));
        if let Some(fake) = fake {
            fake.configure(c);
        }
        c.provisioning.simulated_step_ms = 1;
        c.rate_limit.per_minute = 10_000;
    })
    .await
}

/// A Stripe event envelope around `object`.
pub fn event(id: &str, kind: &str, created: i64, object: Value) -> Value {
    json!({
        "id": id, "object": "event", "api_version": "2025-10-29.clover", "created": created, "livemode": false,
        "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null }, "type": kind, "data": { "object": object },
    })
}

/// A completed Checkout session of `email` for the PRO plan at `domain`, with
/// ids ending in `n` (`cs_n`, `cus_n`, `sub_n`).
pub fn session(n: u32, email: &str, domain: &str) -> Value {
    json!({
        "id": format!("cs_{n}"), "object": "checkout.session", "mode": "subscription", "status": "complete", "payment_status": "paid",
        "customer": format!("cus_{n}"), "subscription": format!("sub_{n}"), "amount_total": 7900, "currency": "eur",
        "customer_details": { "email": email, "name": "Paula Payer" },
        "metadata": { "hub_plan": "PRO", "hub_domain": domain, "hub_tools": "ghost, odoo" },
    })
}

/// `checkout.session.completed` (`evt_checkout_n`) of [`session`] at `shop-n.example.com`.
pub fn checkout_completed(n: u32, email: &str, at: i64) -> Value {
    event(&format!("evt_checkout_{n}"), "checkout.session.completed", at, session(n, email, &format!("shop-{n}.example.com")))
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Posts `body` with the given `Stripe-Signature` (none when `None`).
pub async fn post_signed(app: &TestApp, body: &str, signature: Option<String>) -> (StatusCode, Value) {
    let mut req =
        reqwest::Client::new().post(app.url("/api/v1/webhooks/stripe")).header("content-type", "application/json").body(body.to_owned());
    if let Some(signature) = signature {
        req = req.header("stripe-signature", signature);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.json().await.unwrap())
}

/// Delivers an event the way Stripe does (signed now); returns the outcome.
pub async fn deliver(app: &TestApp, event: &Value) -> String {
    let body = event.to_string();
    let (status, answer) = post_signed(app, &body, Some(signature(WEBHOOK_SECRET, now(), &body))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["data"]["outcome"].as_str().unwrap().to_owned()
}

async fn account(app: &TestApp, email: &str) -> Option<user::Model> {
    user::Entity::find().filter(user::Column::Email.eq(email)).one(&app.services.db).await.unwrap()
}

async fn counts(app: &TestApp, customer: Uuid) -> (u64, u64, u64) {
    let db = &app.services.db;
    (
        subscription::Entity::find().filter(subscription::Column::CustomerId.eq(customer)).count(db).await.unwrap(),
        order::Entity::find().filter(order::Column::CustomerId.eq(customer)).count(db).await.unwrap(),
        password_token::Entity::find().filter(password_token::Column::UserId.eq(customer)).count(db).await.unwrap(),
    )
}

/// Waits until the order has left PAYMENT_CONFIRMED and PROVISIONING.
async fn settled(app: &TestApp, id: Uuid) -> OrderStatus {
    for _ in 0..500 {
        let found = order::Entity::find_by_id(id).one(&app.services.db).await.unwrap().unwrap();
        if !matches!(found.status, OrderStatus::PaymentConfirmed | OrderStatus::Provisioning) {
            return found.status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("order {id} never finished provisioning");
}

#[tokio::test]
async fn a_checkout_delivered_five_times_creates_one_customer_subscription_and_order() {
    let app = stripe_app(None).await;
    let paid = checkout_completed(1, "Paula@Example.com", now());
    let mut outcomes = Vec::new();
    for _ in 0..5 {
        outcomes.push(deliver(&app, &paid).await);
    }
    assert_eq!(outcomes, ["APPLIED", "DUPLICATE", "DUPLICATE", "DUPLICATE", "DUPLICATE"]);

    let customer = account(&app, "paula@example.com").await.expect("the customer account exists");
    assert_eq!(
        (customer.kind, customer.name.as_str(), customer.password_hash.is_none()),
        (entity::AccountKind::Customer, "Paula Payer", true)
    );
    assert_eq!(counts(&app, customer.id).await, (1, 1, 1), "one subscription, one order, one set-password link");
    let sub =
        subscription::Entity::find().filter(subscription::Column::CustomerId.eq(customer.id)).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!((sub.stripe_customer_id.as_deref(), sub.stripe_subscription_id.as_deref()), (Some("cus_1"), Some("sub_1")));
    assert_eq!(sub.status, entity::SubscriptionStatus::Active);
    let made = order::Entity::find().filter(order::Column::CustomerId.eq(customer.id)).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!((made.domain.as_str(), made.tier.as_str(), made.plan_id), ("shop-1.example.com", "Build", Some(sub.plan_id)));
    assert_eq!(made.tools, json!(["ghost", "odoo"]));
    assert_eq!(made.automation_mode, entity::AutomationMode::Auto);
    // AUTO: provisioning started after commit, as for an order staff create.
    assert_eq!(settled(&app, made.id).await, OrderStatus::Fulfilled);

    let stored = stripe_event::Entity::find().all(&app.services.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].outcome, stored[0].object_id.as_deref()), (StripeEventOutcome::Applied, Some("cs_1")));
    // The set-password link is stored (as a digest) and announced, never shown.
    let created = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("customer.created"))
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    let details = created.details.unwrap();
    assert_eq!((details["source"].as_str(), details["setPasswordLinkIssued"].as_bool()), (Some("stripe_checkout"), Some(true)));
    assert!(!details.to_string().contains("hubs_"), "no raw token in the audit log: {details}");
}

#[tokio::test]
async fn concurrent_deliveries_of_one_checkout_take_effect_once() {
    let app = stripe_app(None).await;
    let paid = checkout_completed(2, "race@example.com", now());
    let outcomes = join_all((0..5).map(|_| deliver(&app, &paid))).await;
    assert_eq!(outcomes.iter().filter(|o| *o == "APPLIED").count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| *o == "DUPLICATE").count(), 4, "{outcomes:?}");
    let customer = account(&app, "race@example.com").await.unwrap();
    assert_eq!(counts(&app, customer.id).await, (1, 1, 1));
    assert_eq!(stripe_event::Entity::find().count(&app.services.db).await.unwrap(), 1);
}

#[tokio::test]
async fn forged_expired_or_unsigned_events_are_refused_and_nothing_is_stored() {
    let app = stripe_app(None).await;
    let body = checkout_completed(3, "mallory@example.com", now()).to_string();
    let cases = [
        ("another secret", Some(signature("whsec_not_ours", now(), &body))),
        ("expired", Some(signature(WEBHOOK_SECRET, now() - 301, &body))),
        // Well past the 300 s: the request reaches Hub a moment after `now()`,
        // which brings a timestamp just over the edge back inside it.
        ("from the future", Some(signature(WEBHOOK_SECRET, now() + 330, &body))),
        ("signed over other bytes", Some(signature(WEBHOOK_SECRET, now(), &body.replace("cs_3", "cs_4")))),
        ("garbled", Some("t=now,v1=zz".to_owned())),
        ("unsigned", None),
    ];
    for (case, header) in cases {
        let (status, answer) = post_signed(&app, &body, header).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case}: {answer}");
        assert_eq!(answer["error"]["code"], "VALIDATION_ERROR", "{case}");
        assert_eq!(answer["error"]["details"][0]["field"], "Stripe-Signature", "{case}");
    }
    assert_eq!(stripe_event::Entity::find().count(&app.services.db).await.unwrap(), 0);
    assert!(account(&app, "mallory@example.com").await.is_none());
}

#[tokio::test]
async fn unknown_event_types_are_acknowledged_and_kept_as_ignored() {
    let app = stripe_app(None).await;
    let odd = event("evt_odd", "charge.refunded", now(), json!({ "id": "ch_1", "object": "charge", "amount": 100 }));
    assert_eq!(deliver(&app, &odd).await, "IGNORED");
    assert_eq!(deliver(&app, &odd).await, "DUPLICATE");
    let stored = stripe_event::Entity::find_by_id("evt_odd".to_owned()).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!((stored.outcome, stored.event_type.as_str()), (StripeEventOutcome::Ignored, "charge.refunded"));
    assert_eq!(stored.payload["data"]["object"]["amount"], 100);
}

#[tokio::test]
async fn a_checkout_that_names_no_plan_or_a_bad_domain_keeps_what_it_can_and_needs_attention() {
    let app = stripe_app(None).await;
    let mut no_plan = session(5, "noplan@example.com", "np.example.com");
    no_plan["metadata"] = json!({ "hub_domain": "np.example.com" });
    assert_eq!(deliver(&app, &event("evt_no_plan", "checkout.session.completed", now(), no_plan)).await, "NEEDS_ATTENTION");
    let customer = account(&app, "noplan@example.com").await.expect("the payer still becomes a customer");
    assert_eq!(counts(&app, customer.id).await, (0, 0, 1));

    let bad_domain = session(6, "baddomain@example.com", "not a domain");
    assert_eq!(deliver(&app, &event("evt_bad_domain", "checkout.session.completed", now(), bad_domain)).await, "NEEDS_ATTENTION");
    let customer = account(&app, "baddomain@example.com").await.unwrap();
    assert_eq!(counts(&app, customer.id).await, (1, 0, 1), "subscribed, but no order without a domain");
    let stored = stripe_event::Entity::find_by_id("evt_bad_domain".to_owned()).one(&app.services.db).await.unwrap().unwrap();
    assert!(stored.detail.unwrap().contains("hub_domain"));

    // A staff e-mail address never becomes a customer.
    app.setup_owner().await;
    let staff = session(7, OWNER_EMAIL, "staff.example.com");
    assert_eq!(deliver(&app, &event("evt_staff", "checkout.session.completed", now(), staff)).await, "NEEDS_ATTENTION");
    assert_eq!(account(&app, OWNER_EMAIL).await.unwrap().kind, entity::AccountKind::Staff);
}
