//! Payment reminders (spec 002 §6 `SendPaymentRemindersJob`, daily): an invoice
//! still OPEN [`OVERDUE_AFTER_DAYS`] days after Hub stored it is overdue; its
//! customer is mailed a reminder through the mail outbox, at most once every
//! [`REMIND_EVERY_DAYS`] days per invoice. The `payment_reminders` row is
//! claimed with a conditional upsert in the transaction that queues the mail,
//! so two runs (or replicas) never send the same reminder twice.

use chrono::{DateTime, Duration, Utc};
use entity::{invoice, payment_reminder, user, InvoiceStatus, MailKind};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, OnConflict},
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    domain::mail::{self, Mail},
    error::AppError,
    Services,
};

/// Days after which an open invoice is overdue.
pub const OVERDUE_AFTER_DAYS: i64 = 7;
/// Days between two reminders about one invoice.
pub const REMIND_EVERY_DAYS: i64 = 7;
/// Invoices one run looks at.
const BATCH: u64 = 200;

/// Mails the reminders due at `now`; answers how many were queued.
pub async fn send_due(services: &Services, now: DateTime<Utc>) -> Result<usize, AppError> {
    if services.mailer.is_none() {
        return Ok(0);
    }
    let overdue = invoice::Entity::find()
        .filter(invoice::Column::Status.eq(InvoiceStatus::Open))
        .filter(invoice::Column::CustomerId.is_not_null())
        .filter(invoice::Column::CreatedAt.lte(now - Duration::days(OVERDUE_AFTER_DAYS)))
        .order_by_asc(invoice::Column::CreatedAt)
        .limit(BATCH)
        .all(&services.db)
        .await?;
    let mut queued = 0;
    for inv in overdue {
        let Some(customer) = inv.customer_id else { continue };
        let Some(to) = user::Entity::find_by_id(customer).one(&services.db).await? else { continue };
        let txn = crate::db::begin_write(&services.db).await?;
        let row = payment_reminder::ActiveModel { invoice_id: Set(inv.id), last_sent_at: Set(now), sent: Set(1) };
        let stale =
            Expr::col((payment_reminder::Entity, payment_reminder::Column::LastSentAt)).lte(now - Duration::days(REMIND_EVERY_DAYS));
        let on_conflict = OnConflict::column(payment_reminder::Column::InvoiceId)
            .value(payment_reminder::Column::LastSentAt, Expr::col((Alias::new("excluded"), payment_reminder::Column::LastSentAt)))
            .value(payment_reminder::Column::Sent, Expr::col((payment_reminder::Entity, payment_reminder::Column::Sent)).add(1))
            .action_and_where(stale)
            .to_owned();
        let claimed = payment_reminder::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(&txn).await? == 1;
        if claimed && mail::enqueue(&txn, services, reminder(services, &to, &inv)).await? {
            txn.commit().await?;
            queued += 1;
        }
    }
    if queued > 0 {
        mail::wake(services);
    }
    Ok(queued)
}

fn reminder(services: &Services, to: &user::Model, inv: &invoice::Model) -> Mail {
    let amount = format!("{}.{:02} {}", inv.amount_due / 100, inv.amount_due % 100, inv.currency.to_uppercase());
    let link = inv.hosted_invoice_url.clone().unwrap_or_else(|| format!("{}/billing", services.config.public_base()));
    let body = format!(
        "Hello {},\n\nyour invoice {} of {amount} from {} is still unpaid.\n\nPay it here:\n\n{link}\n\n\
         If you have paid it meanwhile, ignore this mail.\n",
        to.name,
        inv.stripe_invoice_id,
        inv.created_at.format("%Y-%m-%d"),
    );
    Mail {
        kind: MailKind::PaymentReminder,
        to: to.email.clone(),
        subject: "Reminder: your Hub invoice is unpaid".into(),
        body,
        alert_id: None,
    }
}
