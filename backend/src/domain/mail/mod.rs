//! Mail (issue 5): a durable outbox of e-mails. What causes a mail enqueues it
//! in its own transaction ([`enqueue`]), so the mail exists exactly when the
//! change it reports does; the worker (`jobs/mail.rs`) claims due mails under a
//! lease ([`outbox`]), sends them (`integrations/mail.rs`) and retries with the
//! webhook outbox's backoff. Alerts are mailed by the worker too: it claims
//! unmailed alerts once across replicas and queues one mail per recipient who
//! wants it ([`alerts`], [`settings`]), at most one per cooldown ([`cooldown`]).
//! Bodies carry set-password and invitation links: they are stored encrypted.

pub mod alerts;
pub mod cooldown;
pub mod outbox;
pub mod settings;
pub mod templates;

use chrono::Utc;
use entity::{mail_message, MailKind, MailStatus};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::{error::AppError, Services};

/// A mail to queue, in clear.
#[derive(Debug, Clone)]
pub struct Mail {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The alert it reports, for alert mails.
    pub alert_id: Option<Uuid>,
}

/// Queues `mail` on `conn` (the caller's transaction), due now, its body
/// encrypted; answers whether it did: with mail off nothing is queued. Call
/// [`wake`] after the caller commits.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, services: &Services, mail: Mail) -> Result<bool, AppError> {
    if services.mailer.is_none() {
        return Ok(false);
    }
    let now = Utc::now();
    mail_message::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(mail.kind),
        recipient: Set(mail.to),
        subject: Set(mail.subject.chars().take(300).collect()),
        body_encrypted: Set(services.master_key.encrypt(mail.body.as_bytes())),
        alert_id: Set(mail.alert_id),
        status: Set(MailStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        claim_token: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        sent_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(true)
}

/// Wakes this replica's mail worker; call after committing a transaction that
/// may have queued mail (other replicas find it on their next poll).
pub fn wake(services: &Services) {
    services.mail_wake.notify_one();
}
