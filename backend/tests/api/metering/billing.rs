//! The billing cycle against the fake Stripe: one invoice per period whatever
//! the number of runs, one line per model at the table's prices; the paid
//! webhook settles the period; overdue invoices are reminded once per window.

use chrono::{Duration, DurationRound, Utc};
use entity::{invoice, mail_message, payment_reminder, stripe_customer, BillingPeriodStatus, InvoiceStatus, MailKind};
use hub::jobs::{self, Trigger};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::{bucket, end_current_period, hour, metered, periods_of, send, Metered};
use crate::helpers::*;
use crate::mail::{mail_app, smtp_sink::SmtpSink};
use crate::stripe_fake::FakeStripe;
use crate::stripe_webhook::{deliver, event, now, stripe_app};

fn job(name: &str) -> &'static jobs::Job {
    jobs::find(name).unwrap()
}

/// A customer with a Stripe customer, the price table set, 4,000 tokens of
/// 1,000 used, and the period just ended.
async fn ended_with_overage(app: &TestApp) -> Metered {
    let m = metered(app, "billed@example.com", 1_000).await;
    stripe_customer::ActiveModel { customer_id: Set(m.customer), stripe_customer_id: Set("cus_meter".into()), created_at: Set(Utc::now()) }
        .insert(&app.services.db)
        .await
        .unwrap();
    let set = "mutation($v: JSON!) { updateSettings(values: $v) { key } }";
    let bad = app.gql(set, json!({ "v": { "billing.model_prices": { "m-a": -5 } } }), Some(&m.owner)).await;
    assert_eq!(bad.code(), "VALIDATION_ERROR");
    let prices = json!({ "billing.model_prices": { "m-a": 1_000_000, "default": 2_000_000 } });
    app.gql(set, json!({ "v": prices }), Some(&m.owner)).await.data("updateSettings");

    // 4,000 tokens of 1,000: the 3,000 over are 2,250 of m-a (1 minor unit per
    // token) and 750 of m-b (default, 2 per token).
    send(app, m.order, vec![bucket("marketing", "m-a", hour(120), 2_000, 1_000), bucket("sales", "m-b", hour(100), 1_000, 0)]).await;
    end_current_period(app, m.customer).await;
    m
}

#[tokio::test]
async fn the_cycle_bills_each_period_once_per_model_and_the_paid_webhook_settles_it() {
    let fake = FakeStripe::start().await;
    let app = stripe_app(Some(&fake)).await;
    let m = ended_with_overage(&app).await;
    let slot = Utc::now().duration_trunc(Duration::hours(1)).unwrap();
    let first = jobs::run(&app.services, job("billing-cycle"), slot, Trigger::Manual).await.unwrap();
    assert_eq!(first.summary, Some(json!({ "closed": 1, "invoiced": 1, "failed": 0 })));
    let again = jobs::run(&app.services, job("billing-cycle"), slot + Duration::hours(1), Trigger::Manual).await.unwrap();
    assert_eq!(again.summary, Some(json!({ "closed": 0, "invoiced": 0, "failed": 0 })));
    hub::domain::metering::run_cycle(&app.services, Utc::now()).await.unwrap();

    assert_eq!(fake.seen("/v1/invoices").len(), 1, "one invoice");
    let items = fake.seen("/v1/invoiceitems");
    let lines: Vec<(Option<&str>, Option<&str>, bool)> =
        items.iter().map(|i| (i.field("amount"), i.field("currency"), i.field("description").unwrap_or("").contains("m-"))).collect();
    assert_eq!(lines, [(Some("2250"), Some("eur"), true), (Some("1500"), Some("eur"), true)]);
    assert!(items[0].field("description").unwrap().contains("2250 tokens of m-a"));
    let key = items[0].idempotency_key.clone().unwrap();
    assert!(key.starts_with("hub-overage-") && key.ends_with(":item:0"), "{key}");

    let periods = periods_of(&app, m.customer).await;
    assert_eq!(periods.len(), 2, "the next period is open");
    let billed = &periods[0];
    assert_eq!(
        (billed.status, billed.used_tokens, billed.overage_tokens, billed.overage_amount_minor),
        (BillingPeriodStatus::Invoiced, 4_000, 3_000, 3_750)
    );
    assert_eq!(periods[1].status, BillingPeriodStatus::Open);
    let inv = invoice::Entity::find_by_id(billed.invoice_id.unwrap()).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!((inv.stripe_invoice_id.as_str(), inv.amount_due, inv.customer_id), ("in_fake_1", 3_750, Some(m.customer)));

    // The customer reads their history; another customer may not.
    let q = "query($c: UUID!) { billingPeriods(customerId: $c, first: 10) { totalCount edges { node { status overageAmountMinor invoiceId } } } }";
    let res = app.gql(q, json!({ "c": m.customer }), Some(&m.token)).await;
    assert_eq!(res.data("billingPeriods.totalCount"), 2);
    assert_eq!(res.data("billingPeriods.edges")[1]["node"]["status"], "INVOICED");

    // Stripe reports the invoice paid: the period follows.
    let paid = json!({
        "id": "in_fake_1", "object": "invoice", "customer": "cus_meter", "status": "paid", "currency": "eur",
        "amount_due": 3750, "amount_paid": 3750, "attempt_count": 1,
    });
    assert_eq!(deliver(&app, &event("evt_paid_meter", "invoice.payment_succeeded", now() + 5, paid)).await, "APPLIED");
    assert_eq!(periods_of(&app, m.customer).await[0].status, BillingPeriodStatus::Paid);
}

#[tokio::test]
async fn two_runs_at_once_bill_once() {
    let fake = FakeStripe::start().await;
    let app = stripe_app(Some(&fake)).await;
    let m = ended_with_overage(&app).await;
    let twin = app.twin().await;
    let (a, b) =
        tokio::join!(hub::domain::metering::run_cycle(&app.services, Utc::now()), hub::domain::metering::run_cycle(&twin, Utc::now()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.closed + b.closed, a.invoiced + b.invoiced), (1, 1));
    assert_eq!((fake.seen("/v1/invoices").len(), fake.seen("/v1/invoiceitems").len()), (1, 2));
    assert_eq!(periods_of(&app, m.customer).await[0].status, BillingPeriodStatus::Invoiced);
}

async fn reminders(app: &TestApp) -> Vec<mail_message::Model> {
    let all = mail_message::Entity::find().filter(mail_message::Column::Kind.eq(MailKind::PaymentReminder)).all(&app.services.db).await;
    all.unwrap()
}

async fn stored_invoice(app: &TestApp, customer: Uuid, id: &str, status: InvoiceStatus, age_days: i64) -> Uuid {
    let at = Utc::now() - Duration::days(age_days);
    let row = invoice::ActiveModel {
        id: Set(Uuid::new_v4()),
        stripe_invoice_id: Set(id.into()),
        customer_id: Set(Some(customer)),
        subscription_id: Set(None),
        stripe_customer_id: Set(None),
        stripe_subscription_id: Set(None),
        status: Set(status),
        amount_due: Set(1234),
        amount_paid: Set(0),
        currency: Set("eur".into()),
        period_start: Set(None),
        period_end: Set(None),
        hosted_invoice_url: Set(Some(format!("https://invoice.stripe.test/i/{id}"))),
        state_at: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
    };
    row.insert(&app.services.db).await.unwrap().id
}

#[tokio::test]
async fn overdue_invoices_are_reminded_once_per_window() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let m = metered(&app, "late@example.com", 1_000).await;
    let overdue = stored_invoice(&app, m.customer, "in_late", InvoiceStatus::Open, 10).await;
    stored_invoice(&app, m.customer, "in_recent", InvoiceStatus::Open, 1).await;
    stored_invoice(&app, m.customer, "in_paid", InvoiceStatus::Paid, 30).await;

    let report = jobs::run(&app.services, job("payment-reminders"), Utc::now(), Trigger::Manual).await.unwrap();
    assert_eq!(report.summary, Some(json!({ "reminders": 1 })));
    assert_eq!(hub::domain::metering::reminders::send_due(&app.services, Utc::now()).await.unwrap(), 0, "once per window");
    let sent = reminders(&app).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].recipient, "late@example.com");
    let body = String::from_utf8(app.services.master_key.decrypt(&sent[0].body_encrypted).unwrap()).unwrap();
    assert!(body.contains("in_late") && body.contains("12.34 EUR") && body.contains("https://invoice.stripe.test/i/in_late"), "{body}");

    // A window later, it is reminded again.
    payment_reminder::Entity::update_many()
        .col_expr(payment_reminder::Column::LastSentAt, Expr::value(Utc::now() - Duration::days(8)))
        .filter(payment_reminder::Column::InvoiceId.eq(overdue))
        .exec(&app.services.db)
        .await
        .unwrap();
    assert_eq!(hub::domain::metering::reminders::send_due(&app.services, Utc::now()).await.unwrap(), 1);
    assert_eq!(reminders(&app).await.len(), 2);
    let row = payment_reminder::Entity::find_by_id(overdue).one(&app.services.db).await.unwrap().unwrap();
    assert_eq!(row.sent, 2);
}
