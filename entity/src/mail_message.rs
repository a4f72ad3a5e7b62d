//! `mail_outbox`: e-mail waiting to be sent, or sent. Written in the transaction
//! of what causes it; the body (which may carry a set-password or invitation
//! link) is encrypted with the master key; a worker holds a row under a lease
//! while it sends it, so replicas never send one mail twice at once.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "SENT")]
    Sent,
    /// Every attempt failed.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

/// What a mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailKind {
    #[sea_orm(string_value = "STAFF_INVITATION")]
    StaffInvitation,
    #[sea_orm(string_value = "SET_PASSWORD")]
    SetPassword,
    #[sea_orm(string_value = "ALERT")]
    Alert,
    /// An unpaid, overdue invoice.
    #[sea_orm(string_value = "PAYMENT_REMINDER")]
    PaymentReminder,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    /// base64(nonce ‖ ciphertext) of the plain-text body.
    pub body_encrypted: String,
    /// The alert it reports, for alert mails.
    pub alert_id: Option<Uuid>,
    pub status: MailStatus,
    /// Attempts so far; a claim counts its attempt.
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker holds the mail until then; nobody else sends it meanwhile.
    pub locked_until: Option<DateTimeUtc>,
    /// Which claim holds the lease; the outcome is written only by that claim.
    pub claim_token: Option<Uuid>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
