//! The worker's side of the mail outbox, the same way as the webhook outbox's
//! (`domain/webhooks/delivery.rs`): a claim is one conditional `UPDATE …
//! RETURNING` that takes only PENDING, due, unleased rows, so two workers (or
//! replicas) never hold one mail; the outcome is written only by the claim that
//! still holds the lease, and retries follow the webhook backoff schedule.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{
    mail_message::{self, Column as M},
    MailStatus,
};
use sea_orm::{
    sea_query::{Condition, Expr, ExprTrait, Order, Query},
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait,
};
use uuid::Uuid;

use crate::{domain::webhooks::schedule, error::AppError, Services};

/// Mails one worker claims at once.
const BATCH: u64 = 16;

/// A mail this worker holds, ready to send.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// As claimed: `attempts` already counts this attempt.
    pub mail: mail_message::Model,
    /// The body in clear, or why it cannot be read.
    pub body: Result<String, String>,
}

/// Where a mail stands after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    RetryAt(DateTime<Utc>),
    /// Every attempt failed.
    Failed,
    /// The lease ran out before the outcome was written; another claim owns it.
    LeaseLost,
}

/// Claims up to a batch of due mails, oldest due first, leasing them for `mail.lease_secs`.
pub async fn claim_due(services: &Services) -> Result<Vec<Claimed>, AppError> {
    let now = Utc::now();
    let lease = chrono::Duration::seconds(i64::try_from(services.config.mail.lease_secs).unwrap_or(90));
    let unleased = || Condition::any().add(M::LockedUntil.is_null()).add(M::LockedUntil.lte(now));
    let due = Query::select()
        .column(M::Id)
        .from(mail_message::Entity)
        .and_where(Expr::col(M::Status).eq(MailStatus::Pending))
        .and_where(Expr::col(M::NextAttemptAt).lte(now))
        .cond_where(unleased())
        .order_by(M::NextAttemptAt, Order::Asc)
        .limit(BATCH)
        .to_owned();
    // The conditions are repeated outside the subquery: a row another worker
    // claimed meanwhile no longer matches them when this update reaches it.
    let mut claim = mail_message::Entity::update_many()
        .col_expr(M::Attempts, Expr::col(M::Attempts).add(1))
        .col_expr(M::LockedUntil, Expr::value(now + lease))
        .col_expr(M::ClaimToken, Expr::value(Uuid::new_v4()))
        .col_expr(M::UpdatedAt, Expr::value(now))
        .filter(M::Id.in_subquery(due))
        .filter(M::Status.eq(MailStatus::Pending))
        .filter(M::NextAttemptAt.lte(now))
        .filter(unleased())
        .into_query();
    claim.returning_all();
    let rows = services.db.query_all(&claim).await?;
    let claimed = rows.iter().map(|row| mail_message::Model::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
    Ok(claimed
        .into_iter()
        .map(|mail| {
            let body = services.master_key.decrypt(&mail.body_encrypted).ok().and_then(|bytes| String::from_utf8(bytes).ok());
            let body = body.ok_or_else(|| "the body cannot be decrypted (was the master key changed?)".to_owned());
            Claimed { mail, body }
        })
        .collect())
}

/// Writes an attempt's outcome while this claim holds the lease: SENT, or a
/// retry after the backoff, or FAILED once `mail.max_attempts` are used.
pub async fn record(services: &Services, claimed: &Claimed, error: Option<String>) -> Result<Outcome, AppError> {
    let config = &services.config.mail;
    let mail = &claimed.mail;
    let now = Utc::now();
    let outcome = match &error {
        None => Outcome::Sent,
        Some(_) if mail.attempts >= i32::try_from(config.max_attempts).unwrap_or(i32::MAX) => Outcome::Failed,
        Some(_) => {
            let failed = u32::try_from(mail.attempts).unwrap_or(1);
            let delay = schedule::next_delay(Duration::from_millis(config.base_backoff_ms), failed, None);
            Outcome::RetryAt(now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(24)))
        }
    };
    let update = mail_message::Entity::update_many()
        .col_expr(M::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(M::ClaimToken, Expr::value(Option::<Uuid>::None))
        .col_expr(M::LastError, Expr::value(error.map(|e| e.chars().take(500).collect::<String>())))
        .col_expr(M::UpdatedAt, Expr::value(now))
        .filter(M::Id.eq(mail.id))
        .filter(M::ClaimToken.eq(mail.claim_token));
    let update = match outcome {
        Outcome::Sent => update.col_expr(M::Status, Expr::value(MailStatus::Sent)).col_expr(M::SentAt, Expr::value(now)),
        Outcome::Failed => update.col_expr(M::Status, Expr::value(MailStatus::Failed)),
        Outcome::RetryAt(at) => update.col_expr(M::NextAttemptAt, Expr::value(at)),
        Outcome::LeaseLost => unreachable!("not chosen above"),
    };
    let held = update.exec(&services.db).await?.rows_affected == 1;
    Ok(if held { outcome } else { Outcome::LeaseLost })
}
