//! Mail over SMTP against a real SMTP server on loopback ([`smtp_sink`]):
//! invitations and set-password links are mailed from the transaction that
//! makes them, bodies are stored encrypted, an SMTP outage is retried, and
//! alerts are mailed once, with cooldowns and per-user settings ([`alerts`]).

mod alerts;
mod settings;
pub mod smtp_sink;

use std::time::Duration;

use entity::{mail_message, MailKind, MailStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::helpers::*;
use crate::stripe_fake::WEBHOOK_SECRET;
use crate::stripe_webhook::{checkout_completed, deliver, now};
use smtp_sink::SmtpSink;

/// An app that mails through `sink`; the worker is driven by the test.
pub async fn mail_app(sink: &SmtpSink, tweak: impl FnOnce(&mut hub::config::Config)) -> TestApp {
    let url = sink.url();
    spawn_app_with(move |c| {
        c.mail.smtp_url = Some(hub::config::SecretString::new(url));
        c.mail.from = "Hub <hub@example.com>".into();
        c.public_url = Some("https://hub.example.com".into());
        tweak(c);
    })
    .await
}

/// One worker pass: queues alert mails, sends what is due.
pub async fn pass(app: &TestApp) -> (hub::domain::mail::alerts::Pass, usize) {
    hub::jobs::mail::run_once(&app.services).await.expect("a mail pass")
}

pub async fn outbox(app: &TestApp) -> Vec<mail_message::Model> {
    mail_message::Entity::find().all(&app.services.db).await.unwrap()
}

async fn invite(app: &TestApp, owner: &str, email: &str) -> String {
    let res =
        app.gql("mutation($e: String!) { inviteStaff(email: $e, role: SUPPORT) { token } }", json!({ "e": email }), Some(owner)).await;
    res.data("inviteStaff.token").as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_invitation_is_mailed_with_its_accept_link_and_its_body_is_not_stored_in_clear() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let owner = app.setup_owner().await;
    let token = invite(&app, &owner, "sam@example.com").await;

    let queued = outbox(&app).await;
    assert_eq!(queued.len(), 1);
    let row = &queued[0];
    assert_eq!((row.kind, row.status, row.recipient.as_str()), (MailKind::StaffInvitation, MailStatus::Pending, "sam@example.com"));
    assert!(!row.body_encrypted.contains(&token) && !row.body_encrypted.contains("accept-invitation"), "the body is stored in clear");
    assert!(sink.messages().is_empty(), "nothing is sent before the worker runs");

    assert_eq!(pass(&app).await.1, 1);
    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    let mail = &mails[0];
    assert_eq!(mail.to, ["sam@example.com"]);
    assert_eq!(mail.from, "hub@example.com");
    assert_eq!(mail.subject(), "You are invited to Hub");
    let link = format!("https://hub.example.com/accept-invitation?token={token}");
    assert!(mail.body.contains(&link), "{}", mail.body);
    assert!(mail.body.contains("SUPPORT"), "{}", mail.body);

    let sent = outbox(&app).await.remove(0);
    assert_eq!(sent.status, MailStatus::Sent);
    assert!(sent.sent_at.is_some() && sent.locked_until.is_none());
    assert_eq!(pass(&app).await.1, 0, "a sent mail is not sent again");
    assert_eq!(sink.messages().len(), 1);

    // The link works: the invitee accepts with the token from the mail.
    let mailed = mail.body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap();
    let accepted = app
        .gql(
            "mutation($t: String!) { acceptInvitation(token: $t, name: \"Sam\", password: \"support-password-1\") { user { role } } }",
            json!({ "t": mailed }),
            None,
        )
        .await;
    assert_eq!(accepted.data("acceptInvitation.user.role"), "SUPPORT");
}

#[tokio::test]
async fn a_stripe_checkout_that_creates_a_customer_mails_a_working_set_password_link_once() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |c| {
        c.stripe.webhook_secret = Some(hub::config::SecretString::new(WEBHOOK_SECRET));
        c.provisioning.simulated_step_ms = 1;
    })
    .await;
    let event = checkout_completed(71, "paula@example.com", now());
    assert_eq!(deliver(&app, &event).await, "APPLIED");
    // Stripe retries: the event takes effect once, and so does its mail.
    deliver(&app, &event).await;
    let queued = outbox(&app).await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].kind, MailKind::SetPassword);

    pass(&app).await;
    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails[0].to, ["paula@example.com"]);
    assert_eq!(mails[0].subject(), "Choose your Hub password");
    assert!(mails[0].body.contains("Paula Payer"), "{}", mails[0].body);
    let token = mails[0].body.split("/set-password?token=").nth(1).expect("a set-password link").split_whitespace().next().unwrap();
    assert!(token.starts_with("hubs_"), "{token}");
    assert!(!queued[0].body_encrypted.contains(token));

    let res = app
        .gql(
            "mutation($t: String!) { setPassword(token: $t, password: \"paula-password-1\") { user { email } } }",
            json!({ "t": token }),
            None,
        )
        .await;
    assert_eq!(res.data("setPassword.user.email"), "paula@example.com");
    app.login("paula@example.com", "paula-password-1").await;
}

#[tokio::test]
async fn a_customer_created_by_staff_is_mailed_the_link_staff_were_shown() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let owner = app.setup_owner().await;
    let (_, token) = crate::customers::create_customer(&app, &owner, "cleo@example.com", None).await;
    pass(&app).await;
    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert!(mails[0].body.contains(&format!("https://hub.example.com/set-password?token={token}")), "{}", mails[0].body);
}

#[tokio::test]
async fn without_an_smtp_url_nothing_is_queued() {
    let app = spawn_app().await;
    assert!(app.services.mailer.is_none());
    let owner = app.setup_owner().await;
    invite(&app, &owner, "sam@example.com").await;
    crate::customers::create_customer(&app, &owner, "cleo@example.com", None).await;
    assert_eq!(mail_message::Entity::find().count(&app.services.db).await.unwrap(), 0);
    assert_eq!(pass(&app).await.1, 0);
}

#[tokio::test]
async fn mail_that_meets_a_dead_relay_is_retried_and_delivered_when_it_is_back() {
    let sink = SmtpSink::start().await;
    let addr = sink.addr;
    let app = mail_app(&sink, |c| c.mail.base_backoff_ms = 300).await;
    sink.stop().await;
    let owner = app.setup_owner().await;
    let token = invite(&app, &owner, "sam@example.com").await;

    assert_eq!(pass(&app).await.1, 1, "the attempt was made");
    let failed = outbox(&app).await.remove(0);
    assert_eq!((failed.status, failed.attempts), (MailStatus::Pending, 1));
    assert!(failed.last_error.as_deref().is_some_and(|e| e.starts_with("SMTP")), "{:?}", failed.last_error);
    assert!(failed.next_attempt_at > chrono::Utc::now(), "the retry waits for its backoff");
    assert!(failed.locked_until.is_none() && failed.claim_token.is_none());
    assert_eq!(pass(&app).await.1, 0, "not due yet");

    let sink = SmtpSink::start_on(addr).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while sink.messages().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the mail never arrived: {:?}", outbox(&app).await);
        pass(&app).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(sink.messages()[0].body.contains(&token));
    let sent = outbox(&app).await.remove(0);
    assert_eq!((sent.status, sent.attempts), (MailStatus::Sent, 2));
}

#[tokio::test]
async fn mail_gives_up_after_its_last_attempt() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |c| {
        c.mail.base_backoff_ms = 1;
        c.mail.max_attempts = 2;
    })
    .await;
    sink.stop().await;
    let owner = app.setup_owner().await;
    invite(&app, &owner, "sam@example.com").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        pass(&app).await;
        let row = outbox(&app).await.remove(0);
        if row.status == MailStatus::Failed {
            assert_eq!(row.attempts, 2);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "still {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pending = mail_message::Entity::find().filter(mail_message::Column::Status.eq(MailStatus::Pending));
    assert_eq!(pending.count(&app.services.db).await.unwrap(), 0);
}
