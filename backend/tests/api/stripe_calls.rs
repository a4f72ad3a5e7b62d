//! Calls Hub makes to Stripe, against a local fake: Checkout for a plan (and
//! the webhook that completes it), the billing portal, cancelling at period
//! end, invoicing; Stripe's errors and a missing configuration as STRIPE_ERROR.

use entity::{invoice, order, stripe_customer, InvoiceStatus};
use hub::integrations::stripe::calls::InvoiceLine;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::customers::signed_in_customer;
use crate::helpers::*;
use crate::stripe_fake::{FakeStripe, MISSING_PRICE, SECRET_KEY};
use crate::stripe_webhook::{deliver, event, now, post_signed, stripe_app};

const START: &str = "mutation($i: StartCheckoutInput!) { startCheckout(input: $i) { id url } }";
const PORTAL: &str = "mutation($c: UUID) { openBillingPortal(customerId: $c) { id url } }";
const CANCEL: &str = "mutation($c: UUID) { cancelSubscription(customerId: $c) { status cancelAtPeriodEnd stripeSubscriptionId } }";

/// The id of the PRO plan, given Stripe price `price`.
async fn priced_plan(app: &TestApp, owner: &str, price: &str) -> String {
    let plans = app.gql("query { plans { id code } }", json!({}), Some(owner)).await;
    let plan = plans.data("plans").as_array().unwrap().iter().find(|p| p["code"] == "PRO").unwrap()["id"].as_str().unwrap().to_owned();
    let set = "mutation($id: UUID!, $p: String!) { updatePlan(id: $id, input: { stripePriceId: $p }) { id } }";
    app.gql(set, json!({ "id": plan, "p": price }), Some(owner)).await.data("updatePlan.id");
    plan
}

#[tokio::test]
async fn a_customer_checks_out_a_plan_and_the_completed_session_becomes_their_order() {
    let fake = FakeStripe::start().await;
    let app = stripe_app(Some(&fake)).await;
    let owner = app.setup_owner().await;
    let plan = priced_plan(&app, &owner, "price_pro_build").await;
    let (customer, token) = signed_in_customer(&app, &owner, "cora@example.com").await;

    let input = json!({ "i": { "planId": plan, "domain": "Cora.Example.com", "tools": ["ghost"] } });
    let res = app.gql(START, input.clone(), Some(&token)).await;
    let url = res.data("startCheckout.url").as_str().unwrap().to_owned();
    assert!(url.starts_with("https://checkout.stripe.test/c/pay/cs_test_fake_"), "{url}");

    // Hub made the customer's Stripe customer once, idempotently, with its key.
    let made = fake.seen("/v1/customers");
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].field("email"), Some("cora@example.com"));
    assert_eq!(made[0].field("metadata[hub_customer_id]"), Some(customer.as_str()));
    assert_eq!(made[0].idempotency_key.as_deref(), Some(format!("hub-customer-{customer}").as_str()));
    assert_eq!(made[0].authorization.as_deref(), Some(format!("Bearer {SECRET_KEY}").as_str()));
    // The session: subscription mode, this customer, the plan's price, Hub's metadata.
    let sessions = fake.seen("/v1/checkout/sessions");
    let sent = &sessions[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.field("mode"), Some("subscription"));
    assert_eq!(sent.field("customer"), Some("cus_fake_1"));
    assert_eq!(sent.field("line_items[0][price]"), Some("price_pro_build"));
    assert_eq!(sent.field("line_items[0][quantity]"), Some("1"));
    assert_eq!(sent.field("client_reference_id"), Some(customer.as_str()));
    assert_eq!(sent.field("metadata[hub_plan_id]"), Some(plan.as_str()));
    assert_eq!(sent.field("metadata[hub_domain]"), Some("cora.example.com"));
    assert_eq!(sent.field("subscription_data[metadata][hub_tools]"), Some("ghost"));
    assert!(sent.field("success_url").is_some_and(|u| u.ends_with("/billing?checkout=success")));

    // A second checkout reuses the Stripe customer.
    app.gql(START, input, Some(&token)).await.data("startCheckout.url");
    assert_eq!(fake.seen("/v1/customers").len(), 1);
    assert_eq!(fake.seen("/v1/checkout/sessions").len(), 2);

    // Stripe completes the session as Hub created it: the order is Cora's (found
    // by her Stripe customer even though she paid with another e-mail address).
    let metadata: serde_json::Map<String, serde_json::Value> = sent
        .form
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("metadata[").and_then(|k| k.strip_suffix(']')).map(|k| (k.to_owned(), json!(v))))
        .collect();
    let completed = json!({
        "id": "cs_test_fake_1", "object": "checkout.session", "customer": "cus_fake_1", "subscription": "sub_cora",
        "customer_details": { "email": "cora.billing@example.com" }, "metadata": metadata, "payment_status": "paid",
    });
    assert_eq!(deliver(&app, &event("evt_cora", "checkout.session.completed", now(), completed)).await, "APPLIED");
    let customer_id: Uuid = customer.parse().unwrap();
    let orders = order::Entity::find().filter(order::Column::CustomerId.eq(customer_id)).all(&app.services.db).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!((orders[0].domain.as_str(), orders[0].tools.clone()), ("cora.example.com", json!(["ghost"])));
    let other = app.gql("query { customers(search: \"cora.billing\") { totalCount } }", json!({}), Some(&owner)).await;
    assert_eq!(other.data("customers.totalCount"), 0, "no second account for the billing address");

    // The billing portal and cancelling at period end, as Cora.
    let res = app.gql(PORTAL, json!({}), Some(&token)).await;
    assert_eq!(res.data("openBillingPortal.url"), "https://billing.stripe.test/p/session/fake");
    assert_eq!(fake.seen("/v1/billing_portal/sessions")[0].field("customer"), Some("cus_fake_1"));
    let res = app.gql(CANCEL, json!({}), Some(&token)).await;
    assert_eq!(res.data("cancelSubscription.cancelAtPeriodEnd"), true);
    assert_eq!(res.data("cancelSubscription.status"), "ACTIVE");
    let cancels = fake.seen("/v1/subscriptions/sub_cora");
    assert_eq!(cancels[0].field("cancel_at_period_end"), Some("true"));
}

#[tokio::test]
async fn staff_check_out_for_a_named_customer_and_customers_only_for_themselves() {
    let fake = FakeStripe::start().await;
    let app = stripe_app(Some(&fake)).await;
    let owner = app.setup_owner().await;
    let plan = priced_plan(&app, &owner, "price_pro_build").await;
    let (a, _) = signed_in_customer(&app, &owner, "a@example.com").await;
    let (_, b_token) = signed_in_customer(&app, &owner, "b@example.com").await;

    let for_a = json!({ "i": { "customerId": a, "planId": plan, "domain": "a.example.com" } });
    app.gql(START, for_a.clone(), Some(&owner)).await.data("startCheckout.url");
    assert_eq!(app.gql(START, for_a, Some(&b_token)).await.code(), "NOT_FOUND");
    let unnamed = json!({ "i": { "planId": plan, "domain": "a.example.com" } });
    let res = app.gql(START, unnamed, Some(&owner)).await;
    assert_eq!((res.code(), res.body["errors"][0]["extensions"]["fields"][0]["field"].as_str()), ("VALIDATION_ERROR", Some("customerId")));
    let bad = json!({ "i": { "customerId": a, "planId": Uuid::new_v4(), "domain": "nope" } });
    let res = app.gql(START, bad, Some(&owner)).await;
    let fields: Vec<&str> =
        res.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["domain", "planId"]);
    // No Stripe account yet: nothing to open a portal for.
    assert_eq!(app.gql(PORTAL, json!({}), Some(&b_token)).await.code(), "CONFLICT");
}

#[tokio::test]
async fn stripe_errors_carry_stripes_message_but_never_the_key() {
    let fake = FakeStripe::start().await;
    let app = stripe_app(Some(&fake)).await;
    let owner = app.setup_owner().await;
    let plan = priced_plan(&app, &owner, MISSING_PRICE).await;
    let (a, _) = signed_in_customer(&app, &owner, "err@example.com").await;
    let res = app.gql(START, json!({ "i": { "customerId": a, "planId": plan, "domain": "err.example.com" } }), Some(&owner)).await;
    assert_eq!(res.code(), "STRIPE_ERROR");
    assert!(res.message().contains("No such price: 'price_missing'"), "{}", res.message());
    assert!(!res.body.to_string().contains(SECRET_KEY), "the key leaked: {}", res.body);
}

#[tokio::test]
async fn bill_creates_and_finalizes_one_invoice_per_key() {
    let fake = FakeStripe::start().await;
    let app = stripe_app(Some(&fake)).await;
    let owner = app.setup_owner().await;
    let (a, _) = signed_in_customer(&app, &owner, "meter@example.com").await;
    let customer: Uuid = a.parse().unwrap();
    let lines = vec![
        InvoiceLine { description: "Token overage, November".into(), amount_minor: 1250, currency: "eur".into() },
        InvoiceLine { description: "Web searches, November".into(), amount_minor: 300, currency: "eur".into() },
    ];
    let err = hub::domain::payments::bill(&app.services, customer, lines.clone(), "usage-2026-11").await.unwrap_err();
    assert_eq!(err.code(), "CONFLICT", "no Stripe customer yet");
    let link = stripe_customer::ActiveModel {
        customer_id: sea_orm::Set(customer),
        stripe_customer_id: sea_orm::Set("cus_meter".into()),
        created_at: sea_orm::Set(chrono::Utc::now()),
    };
    sea_orm::ActiveModelTrait::insert(link, &app.services.db).await.unwrap();

    let billed = hub::domain::payments::bill(&app.services, customer, lines, "usage-2026-11").await.unwrap();
    assert_eq!((billed.status, billed.amount_due, billed.customer_id), (InvoiceStatus::Open, 1550, Some(customer)));
    assert_eq!(billed.hosted_invoice_url.as_deref(), Some("https://invoice.stripe.test/i/in_fake_1"));
    let created = fake.seen("/v1/invoices");
    assert_eq!((created[0].field("customer"), created[0].idempotency_key.as_deref()), (Some("cus_meter"), Some("usage-2026-11:invoice")));
    let items = fake.seen("/v1/invoiceitems");
    let item = |n: usize, f: &str| items[n].field(f).map(str::to_owned);
    assert_eq!(
        (item(0, "invoice"), item(0, "amount"), item(0, "currency")),
        (Some("in_fake_1".into()), Some("1250".into()), Some("eur".into()))
    );
    assert_eq!(items[1].idempotency_key.as_deref(), Some("usage-2026-11:item:1"));
    assert_eq!(fake.seen("/v1/invoices/in_fake_1/finalize").len(), 1);
    assert_eq!(invoice::Entity::find().all(&app.services.db).await.unwrap().len(), 1);
}

#[tokio::test]
async fn without_stripe_settings_stripe_features_answer_stripe_error_and_the_rest_works() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let plans = app.gql("query { plans { id } }", json!({}), Some(&owner)).await;
    let plan = plans.data("plans")[0]["id"].clone();
    let (a, token) = signed_in_customer(&app, &owner, "plain@example.com").await;
    for (query, vars) in [
        (START, json!({ "i": { "customerId": a, "planId": plan, "domain": "plain.example.com" } })),
        (PORTAL, json!({ "c": a })),
        (CANCEL, json!({ "c": a })),
    ] {
        let res = app.gql(query, vars, Some(&owner)).await;
        assert_eq!((res.code(), res.message()), ("STRIPE_ERROR", "Stripe is not configured"), "{query}");
    }
    assert_eq!(app.gql(PORTAL, json!({}), Some(&token)).await.code(), "STRIPE_ERROR");
    // The webhook refuses too (Stripe retries later), and stores nothing.
    let (status, body) = post_signed(&app, "{}", Some("t=1,v1=00".into())).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_GATEWAY, Some("STRIPE_ERROR")));
    // Everything else goes on.
    app.gql(ME, json!({}), Some(&token)).await.data("me.id");
}
