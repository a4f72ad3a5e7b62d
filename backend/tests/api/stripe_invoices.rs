//! Invoice and subscription events: invoices and payment attempts are stored,
//! subscriptions follow (PAST_DUE on a failed payment), and events that arrive
//! out of order — before the checkout, or older than what is stored — are
//! neither lost nor duplicated nor allowed to turn a state back.

use entity::{invoice, payment, subscription, InvoiceStatus, PaymentStatus, SubscriptionStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::stripe_webhook::{checkout_completed, deliver, event, now, stripe_app};

fn invoice_object(id: &str, customer: &str, sub: &str, status: &str, paid: i64) -> Value {
    json!({
        "id": id, "object": "invoice", "customer": customer, "status": status, "currency": "eur",
        "amount_due": 7900, "amount_paid": paid, "attempt_count": 1, "period_start": 1_800_000_000, "period_end": 1_802_592_000,
        "hosted_invoice_url": format!("https://invoice.stripe.test/i/{id}"),
        "parent": { "type": "subscription_details", "subscription_details": { "subscription": sub } },
    })
}

fn subscription_object(id: &str, customer: &str, status: &str, period_end: i64) -> Value {
    json!({
        "id": id, "object": "subscription", "customer": customer, "status": status, "cancel_at_period_end": false,
        "items": { "object": "list", "data": [
            { "id": "si_1", "current_period_start": period_end - 2_592_000, "current_period_end": period_end },
        ] },
    })
}

async fn hub_subscription(app: &TestApp, stripe_id: &str) -> subscription::Model {
    let found =
        subscription::Entity::find().filter(subscription::Column::StripeSubscriptionId.eq(stripe_id)).one(&app.services.db).await.unwrap();
    found.unwrap_or_else(|| panic!("no Hub subscription for {stripe_id}"))
}

async fn stored_invoice(app: &TestApp, id: &str) -> invoice::Model {
    invoice::Entity::find().filter(invoice::Column::StripeInvoiceId.eq(id)).one(&app.services.db).await.unwrap().unwrap()
}

async fn attempts(app: &TestApp, invoice_id: uuid::Uuid) -> Vec<PaymentStatus> {
    let rows = payment::Entity::find()
        .filter(payment::Column::InvoiceId.eq(invoice_id))
        .order_by_asc(payment::Column::OccurredAt)
        .all(&app.services.db)
        .await
        .unwrap();
    rows.into_iter().map(|p| p.status).collect()
}

#[tokio::test]
async fn failed_and_succeeded_payments_update_invoices_payments_and_the_subscription() {
    let app = stripe_app(None).await;
    let owner = app.setup_owner().await;
    let t = now();
    deliver(&app, &checkout_completed(10, "ivy@example.com", t)).await;

    let failed = invoice_object("in_10", "cus_10", "sub_10", "open", 0);
    assert_eq!(deliver(&app, &event("evt_f10", "invoice.payment_failed", t + 10, failed)).await, "APPLIED");
    let sub = hub_subscription(&app, "sub_10").await;
    assert_eq!(sub.status, SubscriptionStatus::PastDue);
    let inv = stored_invoice(&app, "in_10").await;
    assert_eq!((inv.status, inv.amount_due, inv.amount_paid, inv.currency.as_str()), (InvoiceStatus::Open, 7900, 0, "eur"));
    assert_eq!((inv.customer_id, inv.subscription_id), (Some(sub.customer_id), Some(sub.id)));
    assert_eq!(inv.hosted_invoice_url.as_deref(), Some("https://invoice.stripe.test/i/in_10"));
    assert!(inv.period_start.is_some() && inv.period_end.is_some());
    assert_eq!(attempts(&app, inv.id).await, [PaymentStatus::Failed]);

    // Staff see the subscription fall behind and recover through GraphQL too.
    let read = "query($c: UUID!) { subscription(customerId: $c) { status stripeSubscriptionId } }";
    let res = app.gql(read, json!({ "c": sub.customer_id }), Some(&owner)).await;
    assert_eq!(res.data("subscription.status"), "PAST_DUE");

    let paid = invoice_object("in_10", "cus_10", "sub_10", "paid", 7900);
    assert_eq!(deliver(&app, &event("evt_s10", "invoice.payment_succeeded", t + 20, paid)).await, "APPLIED");
    let inv = stored_invoice(&app, "in_10").await;
    assert_eq!((inv.status, inv.amount_paid), (InvoiceStatus::Paid, 7900));
    assert_eq!(attempts(&app, inv.id).await, [PaymentStatus::Failed, PaymentStatus::Succeeded]);
    let res = app.gql(read, json!({ "c": sub.customer_id }), Some(&owner)).await;
    assert_eq!(res.data("subscription.status"), "ACTIVE");
    assert_eq!(invoice::Entity::find().count(&app.services.db).await.unwrap(), 1);
}

#[tokio::test]
async fn events_before_the_checkout_are_kept_and_applied_when_it_arrives() {
    let app = stripe_app(None).await;
    let t = now();
    // Stripe's order of sending is not its order of arrival: these come first.
    let renewed = subscription_object("sub_20", "cus_20", "past_due", 1_805_000_000);
    assert_eq!(deliver(&app, &event("evt_u20", "customer.subscription.updated", t + 30, renewed)).await, "APPLIED");
    let paid = invoice_object("in_20", "cus_20", "sub_20", "paid", 7900);
    assert_eq!(deliver(&app, &event("evt_p20", "invoice.payment_succeeded", t + 5, paid)).await, "APPLIED");
    assert_eq!(subscription::Entity::find().count(&app.services.db).await.unwrap(), 0, "no Hub subscription before the checkout");
    let early = stored_invoice(&app, "in_20").await;
    assert_eq!((early.customer_id, early.subscription_id), (None, None));

    assert_eq!(deliver(&app, &checkout_completed(20, "olive@example.com", t)).await, "APPLIED");
    let sub = hub_subscription(&app, "sub_20").await;
    // The newest state wins: past_due at t+30 over the payment at t+5 and the checkout at t.
    assert_eq!(sub.status, SubscriptionStatus::PastDue);
    assert_eq!(sub.current_period_end.map(|e| e.timestamp()), Some(1_805_000_000));
    let linked = stored_invoice(&app, "in_20").await;
    assert_eq!((linked.customer_id, linked.subscription_id), (Some(sub.customer_id), Some(sub.id)));
    assert_eq!(subscription::Entity::find().count(&app.services.db).await.unwrap(), 1);
    assert_eq!(invoice::Entity::find().count(&app.services.db).await.unwrap(), 1);
}

#[tokio::test]
async fn older_events_never_turn_a_newer_state_back() {
    let app = stripe_app(None).await;
    let t = now();
    deliver(&app, &checkout_completed(30, "finn@example.com", t)).await;

    let ended = subscription_object("sub_30", "cus_30", "canceled", 1_805_000_000);
    assert_eq!(deliver(&app, &event("evt_d30", "customer.subscription.deleted", t + 20, ended)).await, "APPLIED");
    assert_eq!(hub_subscription(&app, "sub_30").await.status, SubscriptionStatus::Cancelled);

    // Older news arrives late: an update while it was still active, a failed payment.
    let active = subscription_object("sub_30", "cus_30", "active", 1_802_000_000);
    assert_eq!(deliver(&app, &event("evt_u30", "customer.subscription.updated", t + 10, active.clone())).await, "APPLIED");
    let failed = invoice_object("in_30", "cus_30", "sub_30", "open", 0);
    assert_eq!(deliver(&app, &event("evt_f30", "invoice.payment_failed", t + 15, failed)).await, "APPLIED");
    // Even at the same second, nothing revives a cancelled subscription.
    assert_eq!(deliver(&app, &event("evt_u30b", "customer.subscription.updated", t + 20, active)).await, "APPLIED");
    let sub = hub_subscription(&app, "sub_30").await;
    assert_eq!((sub.status, sub.current_period_end.map(|e| e.timestamp())), (SubscriptionStatus::Cancelled, Some(1_805_000_000)));

    // An invoice paid at t+40 stays PAID when its older failure arrives afterwards;
    // the failed attempt is still recorded.
    let paid = invoice_object("in_31", "cus_30", "sub_30", "paid", 7900);
    deliver(&app, &event("evt_p31", "invoice.payment_succeeded", t + 40, paid)).await;
    let late_failure = invoice_object("in_31", "cus_30", "sub_30", "open", 0);
    deliver(&app, &event("evt_f31", "invoice.payment_failed", t + 35, late_failure)).await;
    let inv = stored_invoice(&app, "in_31").await;
    assert_eq!((inv.status, inv.amount_paid), (InvoiceStatus::Paid, 7900));
    assert_eq!(payment::Entity::find().filter(payment::Column::InvoiceId.eq(inv.id)).count(&app.services.db).await.unwrap(), 2);
}
