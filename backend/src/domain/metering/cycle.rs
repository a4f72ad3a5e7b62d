//! The billing cycle (spec 001 §9 `billing-cycle`): every period whose end has
//! passed is closed — its usage frozen, its overage counted and priced with
//! `billing.model_prices` — the customer's next period is opened, and the
//! overage is invoiced through Stripe, one line per model.
//!
//! Billing once: closing is a conditional `UPDATE … WHERE status = 'OPEN'`, so
//! one run closes a period; the invoice is made with the idempotency key
//! `hub-overage-<period id>`, so a run that failed after Stripe answered (and
//! is retried) gets the same invoice back; a period is billed only while it is
//! CLOSED without an invoice, by the run that claimed it ([`claim_billing`]). A period with nothing to bill (no overage, or no
//! subscription) stays CLOSED. Invoices' webhooks move INVOICED periods to PAID
//! ([`follow_invoice`]).

use chrono::{DateTime, Utc};
use entity::{billing_period, invoice, BillingPeriodStatus, InvoiceStatus};
use sea_orm::{
    sea_query::{Condition, Expr, ExprTrait as _},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    periods::{self, Span},
    prices,
};
use crate::{domain::payments, error::AppError, integrations::stripe::calls::InvoiceLine, Services};

use billing_period::Column as P;

/// Periods one run handles at most (the rest wait for the next run).
const BATCH: u64 = 500;
/// How long a run may hold a period it is invoicing before another may retry.
const BILLING_LEASE_SECS: i64 = 600;

/// What one run did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CycleReport {
    pub closed: usize,
    pub invoiced: usize,
    /// Invoices Stripe (or the missing Stripe account) refused; retried next run.
    pub failed: usize,
}

/// The idempotency key of a period's overage invoice.
pub fn billing_key(period_id: Uuid) -> String {
    format!("hub-overage-{period_id}")
}

/// One run of the billing cycle at `now`.
pub async fn run_cycle(services: &Services, now: DateTime<Utc>) -> Result<CycleReport, AppError> {
    let mut report = CycleReport::default();
    let due = billing_period::Entity::find()
        .filter(P::Status.eq(BillingPeriodStatus::Open))
        .filter(P::PeriodEnd.lte(now))
        .order_by_asc(P::PeriodEnd)
        .limit(BATCH)
        .all(&services.db)
        .await?;
    for period in due {
        if close(services, &period, now).await? {
            report.closed += 1;
        }
    }
    let unbilled = billing_period::Entity::find()
        .filter(P::Status.eq(BillingPeriodStatus::Closed))
        .filter(P::InvoiceId.is_null())
        .filter(P::OverageAmountMinor.gt(0))
        .filter(P::SubscriptionId.is_not_null())
        .order_by_asc(P::PeriodEnd)
        .limit(BATCH)
        .all(&services.db)
        .await?;
    for period in unbilled {
        match invoice_period(services, &period).await {
            Ok(true) => report.invoiced += 1,
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(period = %period.id, customer = %period.customer_id, error = %err, "could not invoice a billing period");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Closes `period` (unless another run did) and opens the customer's next one.
async fn close(services: &Services, period: &billing_period::Model, now: DateTime<Utc>) -> Result<bool, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let span = Span { start: period.period_start, end: period.period_end };
    let by_model = periods::used_by_model(&txn, period.customer_id, span).await?;
    let used: i64 = by_model.iter().map(|(_, t)| t).sum();
    let overage = std::cmp::max(used - period.allotment_tokens, 0);
    let table = prices::load(&txn).await?;
    let amount: i64 = prices::charges(&by_model, overage, &table).iter().map(|c| c.amount_minor).sum();
    let closed = billing_period::Entity::update_many()
        .col_expr(P::Status, Expr::value(BillingPeriodStatus::Closed))
        .col_expr(P::UsedTokens, Expr::value(used))
        .col_expr(P::OverageTokens, Expr::value(overage))
        .col_expr(P::OverageAmountMinor, Expr::value(amount))
        .col_expr(P::ClosedAt, Expr::value(now))
        .col_expr(P::UpdatedAt, Expr::value(now))
        .filter(P::Id.eq(period.id))
        .filter(P::Status.eq(BillingPeriodStatus::Open))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if closed {
        periods::ensure(&txn, period.customer_id, std::cmp::max(now, period.period_end)).await?;
    }
    txn.commit().await?;
    Ok(closed)
}

/// Claims a closed period for invoicing: the first attempt (its `updated_at`
/// is still its close time) or one after an attempt that has not finished
/// within [`BILLING_LEASE_SECS`]. Another run that read the period meanwhile
/// loses the claim, so two runs never bill it at once.
async fn claim_billing(services: &Services, period_id: Uuid) -> Result<bool, AppError> {
    let now = Utc::now();
    let first_or_stale = Condition::any()
        .add(Expr::col(P::UpdatedAt).equals(P::ClosedAt))
        .add(P::UpdatedAt.lt(now - chrono::Duration::seconds(BILLING_LEASE_SECS)));
    let claimed = billing_period::Entity::update_many()
        .col_expr(P::UpdatedAt, Expr::value(now))
        .filter(P::Id.eq(period_id))
        .filter(P::Status.eq(BillingPeriodStatus::Closed))
        .filter(P::InvoiceId.is_null())
        .filter(first_or_stale)
        .exec(&services.db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Invoices a closed period's overage, one line per model; answers whether
/// this call did (false: another run holds it).
async fn invoice_period(services: &Services, period: &billing_period::Model) -> Result<bool, AppError> {
    if !claim_billing(services, period.id).await? {
        return Ok(false);
    }
    let span = Span { start: period.period_start, end: period.period_end };
    let by_model = periods::used_by_model(&services.db, period.customer_id, span).await?;
    let table = prices::load(&services.db).await?;
    let charges = prices::charges(&by_model, period.overage_tokens, &table);
    let dates = format!("{} – {}", period.period_start.format("%Y-%m-%d"), period.period_end.format("%Y-%m-%d"));
    let lines: Vec<InvoiceLine> = charges
        .iter()
        .filter(|c| c.amount_minor > 0)
        .map(|c| InvoiceLine {
            description: format!("Token overage {dates}: {} tokens of {}", c.tokens, c.model),
            amount_minor: c.amount_minor,
            currency: period.currency.clone(),
        })
        .collect();
    let billed = payments::bill(services, period.customer_id, lines, &billing_key(period.id)).await?;
    let status = if billed.status == InvoiceStatus::Paid { BillingPeriodStatus::Paid } else { BillingPeriodStatus::Invoiced };
    let amount: i64 = charges.iter().map(|c| c.amount_minor).sum();
    billing_period::Entity::update_many()
        .col_expr(P::Status, Expr::value(status))
        .col_expr(P::InvoiceId, Expr::value(billed.id))
        .col_expr(P::OverageAmountMinor, Expr::value(amount))
        .col_expr(P::UpdatedAt, Expr::value(Utc::now()))
        .filter(P::Id.eq(period.id))
        .filter(P::Status.eq(BillingPeriodStatus::Closed))
        .exec(&services.db)
        .await?;
    Ok(true)
}

/// Moves the period of `invoice_id` to PAID once the invoice is paid; called in
/// the transaction of the Stripe event that changed the invoice.
pub async fn follow_invoice<C: ConnectionTrait>(conn: &C, invoice_id: Uuid) -> Result<(), AppError> {
    let Some(inv) = invoice::Entity::find_by_id(invoice_id).one(conn).await? else { return Ok(()) };
    if inv.status != InvoiceStatus::Paid {
        return Ok(());
    }
    billing_period::Entity::update_many()
        .col_expr(P::Status, Expr::value(BillingPeriodStatus::Paid))
        .col_expr(P::UpdatedAt, Expr::value(Utc::now()))
        .filter(P::InvoiceId.eq(invoice_id))
        .filter(P::Status.eq(BillingPeriodStatus::Invoiced))
        .exec(conn)
        .await?;
    Ok(())
}
