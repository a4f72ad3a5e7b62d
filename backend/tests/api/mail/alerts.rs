//! Alerts by mail: a CRITICAL alert reaches its customer once, however many
//! workers (or replicas) race for it; staff alerts go to staff as their settings
//! say; a flapping source is held back by the cooldown; a woken worker mails
//! without being polled.

use std::time::Duration;

use entity::{alert, notification_cooldown, AccountKind, AlertSeverity, MailKind, StaffRole};
use hub::domain::alerts::{self, NewAlert};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::{mail_app, outbox, pass, smtp_sink::SmtpSink};
use crate::helpers::*;

const CUSTOMER: &str = "cara@example.com";

fn critical(customer: Option<Uuid>, alert_type: &'static str, subject: &str) -> NewAlert<'static> {
    NewAlert {
        alert_type,
        severity: AlertSeverity::Critical,
        customer_id: customer,
        subject: Some(("order", subject.to_owned())),
        message: format!("{alert_type} on {subject}"),
        dedupe_key: Some(format!("{alert_type}:{subject}")),
    }
}

/// Raises and announces `new`, as the rules that notice conditions do.
async fn raise(app: &TestApp, new: NewAlert<'_>) -> alert::Model {
    let raised = alerts::raise(&app.services.db, new).await.unwrap().expect("a new alert");
    alerts::announce(&app.services, [&raised]);
    raised
}

async fn customer(app: &TestApp) -> Uuid {
    app.create_account(CUSTOMER, "customer-password-1", AccountKind::Customer, None).await;
    entity::user::Entity::find().filter(entity::user::Column::Email.eq(CUSTOMER)).one(&app.services.db).await.unwrap().unwrap().id
}

fn alert_mails(sink: &SmtpSink, to: &str) -> Vec<super::smtp_sink::Captured> {
    sink.to(to).into_iter().filter(|m| m.subject().starts_with("[Hub]")).collect()
}

#[tokio::test]
async fn a_critical_alert_mails_its_customer_once_even_when_two_replicas_race_for_it() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    app.setup_owner().await;
    let cara = customer(&app).await;
    // A second replica on the same database, with its own worker.
    let replica = hub::Services::start((*app.services.config).clone()).await.unwrap();

    let raised = raise(&app, critical(Some(cara), "TENANT_OFFLINE", "o-1")).await;
    let (a, b) = tokio::join!(hub::jobs::mail::run_once(&app.services), hub::jobs::mail::run_once(&replica));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.0.alerts + b.0.alerts, 1, "one claim took the alert");
    assert_eq!(a.0.mails + b.0.mails, 1);
    pass(&app).await;
    hub::jobs::mail::run_once(&replica).await.unwrap();

    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, [CUSTOMER]);
    assert_eq!(mails[0].subject(), "[Hub] CRITICAL: TENANT_OFFLINE");
    assert!(mails[0].body.contains("TENANT_OFFLINE on o-1"), "{}", mails[0].body);
    let row = alert::Entity::find_by_id(raised.id).one(&app.services.db).await.unwrap().unwrap();
    assert!(row.notified_at.is_some());
    let queued = outbox(&app).await;
    assert_eq!(queued.len(), 1);
    assert_eq!((queued[0].kind, queued[0].alert_id), (MailKind::Alert, Some(raised.id)));
    // The owner is staff: a customer's alert is the customer's.
    assert!(alert_mails(&sink, OWNER_EMAIL).is_empty());
}

#[tokio::test]
async fn staff_alerts_go_to_active_staff_who_want_them() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let owner = app.setup_owner().await;
    app.create_account("sue@example.com", "support-password-1", AccountKind::Staff, Some(StaffRole::Support)).await;
    app.create_account("gone@example.com", "admin-password-1", AccountKind::Staff, Some(StaffRole::Admin)).await;
    entity::user::Entity::update_many()
        .col_expr(entity::user::Column::Active, sea_orm::sea_query::Expr::value(false))
        .filter(entity::user::Column::Email.eq("gone@example.com"))
        .exec(&app.services.db)
        .await
        .unwrap();
    customer(&app).await;
    let warning = NewAlert { severity: AlertSeverity::Warning, ..critical(None, "QUOTA_WARNING", "o-2") };
    raise(&app, warning.clone()).await;
    raise(&app, critical(None, "WEBHOOK_ENDPOINT_DISABLED", "o-2")).await;
    pass(&app).await;
    pass(&app).await;
    let mails = sink.wait_for(2, Duration::from_secs(5)).await;
    let subjects = |to: &str| alert_mails(&sink, to).iter().map(|m| m.subject()).collect::<Vec<_>>();
    assert_eq!(subjects(OWNER_EMAIL), ["[Hub] CRITICAL: WEBHOOK_ENDPOINT_DISABLED"]);
    assert_eq!(subjects("sue@example.com"), ["[Hub] CRITICAL: WEBHOOK_ENDPOINT_DISABLED"]);
    assert!(sink.to(CUSTOMER).is_empty(), "customers never get staff alerts");
    assert!(sink.to("gone@example.com").is_empty(), "deactivated staff get nothing");
    assert_eq!(mails.len(), 2);

    // The owner asks for that warning type too; the next one is mailed to them alone.
    app.gql("mutation { updateNotificationSettings(input: { alertTypes: [\"QUOTA_WARNING\"] }) { alertTypes } }", json!({}), Some(&owner))
        .await
        .data("updateNotificationSettings");
    raise(&app, NewAlert { subject: Some(("order", "o-3".into())), dedupe_key: Some("q:o-3".into()), ..warning }).await;
    pass(&app).await;
    sink.wait_for(3, Duration::from_secs(5)).await;
    assert_eq!(subjects(OWNER_EMAIL)[1], "[Hub] WARNING: QUOTA_WARNING");
    assert_eq!(subjects("sue@example.com").len(), 1);
}

#[tokio::test]
async fn a_flapping_source_is_mailed_once_per_cooldown_and_the_rest_is_counted() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    app.setup_owner().await;
    let cara = customer(&app).await;
    for round in 0..3 {
        let raised = raise(&app, critical(Some(cara), "TENANT_OFFLINE", "o-9")).await;
        pass(&app).await;
        // Somebody acknowledges it; the source goes down again.
        alerts::acknowledge_by_key(&app.services.db, raised.dedupe_key.as_deref().unwrap(), cara).await.unwrap();
        let row = alert::Entity::find_by_id(raised.id).one(&app.services.db).await.unwrap().unwrap();
        assert!(row.notified_at.is_some(), "round {round}: the alert was claimed");
    }
    // Another subject is another cooldown.
    raise(&app, critical(Some(cara), "TENANT_OFFLINE", "o-10")).await;
    pass(&app).await;
    sink.wait_for(2, Duration::from_secs(5)).await;
    let subjects: Vec<_> = alert_mails(&sink, CUSTOMER).iter().map(|m| m.body.contains("o-9")).collect();
    assert_eq!(subjects, [true, false], "one mail for o-9, one for o-10");
    let cooldowns = notification_cooldown::Entity::find().all(&app.services.db).await.unwrap();
    let o9 = cooldowns.iter().find(|c| c.subject == "order:o-9").expect("a cooldown for o-9");
    assert_eq!((o9.user_id, o9.alert_type.as_str(), o9.suppressed), (cara, "TENANT_OFFLINE", 2));
}

#[tokio::test]
async fn once_the_cooldown_is_over_the_source_is_mailed_again() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |c| c.mail.alert_cooldown_minutes = 0).await;
    app.setup_owner().await;
    let cara = customer(&app).await;
    for _ in 0..2 {
        let raised = raise(&app, critical(Some(cara), "TENANT_OFFLINE", "o-7")).await;
        pass(&app).await;
        alerts::acknowledge_by_key(&app.services.db, raised.dedupe_key.as_deref().unwrap(), cara).await.unwrap();
    }
    assert_eq!(sink.wait_for(2, Duration::from_secs(5)).await.len(), 2);
    let cooldown = notification_cooldown::Entity::find().one(&app.services.db).await.unwrap().unwrap();
    assert_eq!(cooldown.suppressed, 0);
}

#[tokio::test]
async fn a_customer_who_opted_out_gets_no_alert_mail() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    app.setup_owner().await;
    let cara = customer(&app).await;
    let (token, _) = app.login(CUSTOMER, "customer-password-1").await;
    let res =
        app.gql("mutation { updateNotificationSettings(input: { emailEnabled: false }) { emailEnabled } }", json!({}), Some(&token)).await;
    assert_eq!(res.data("updateNotificationSettings.emailEnabled"), false);
    raise(&app, critical(Some(cara), "TENANT_OFFLINE", "o-4")).await;
    let (claimed, _) = pass(&app).await;
    assert_eq!((claimed.alerts, claimed.mails), (1, 0));
    assert!(outbox(&app).await.is_empty());
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_running_worker_mails_an_alert_as_soon_as_it_is_announced() {
    let sink = SmtpSink::start().await;
    // Polling so rarely that only the announcement can explain a prompt mail.
    let app = mail_app(&sink, |c| {
        c.mail.worker = true;
        c.mail.poll_interval_ms = 600_000;
    })
    .await;
    app.setup_owner().await;
    let cara = customer(&app).await;
    // Let the worker's first pass go by, so it is waiting when the alert comes.
    tokio::time::sleep(Duration::from_millis(200)).await;
    raise(&app, critical(Some(cara), "TENANT_OFFLINE", "o-5")).await;
    let mails = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails[0].to, [CUSTOMER]);
}
