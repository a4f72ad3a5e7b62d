//! Invoices and their payment attempts: `invoice.payment_succeeded` and
//! `invoice.payment_failed` upsert the invoice (newest event wins), add one
//! payment row per event and move the subscription (PAST_DUE on failure, back
//! to ACTIVE on a later success). A failed payment raises PAYMENT_FAILED (for
//! the invoice's customer, once per invoice); a later success resolves it.
//! [`bill`] makes Stripe invoice a customer.

use chrono::Utc;
use entity::{invoice, payment, stripe_customer, subscription, AlertSeverity, InvoiceStatus, PaymentStatus, SubscriptionStatus};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, OnConflict},
    ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::{event, mirror, Handled};
use crate::{
    domain::alerts::{self, NewAlert},
    error::{AppError, FieldError},
    integrations::stripe::calls::{InvoiceAnswer, InvoiceLine},
    Services,
};

use invoice::Column as Col;

fn status_of(stripe_status: Option<&str>) -> InvoiceStatus {
    match stripe_status {
        Some("draft") => InvoiceStatus::Draft,
        Some("paid") => InvoiceStatus::Paid,
        Some("uncollectible") => InvoiceStatus::Uncollectible,
        Some("void") => InvoiceStatus::Void,
        _ => InvoiceStatus::Open,
    }
}

/// An invoice's fields as Hub stores them.
struct InvoiceState {
    stripe_invoice_id: String,
    stripe_customer_id: Option<String>,
    stripe_subscription_id: Option<String>,
    status: InvoiceStatus,
    amount_due: i64,
    amount_paid: i64,
    currency: String,
    period_start: Option<i64>,
    period_end: Option<i64>,
    hosted_invoice_url: Option<String>,
}

/// Writes the state unless a newer one is stored (at the same second, anything
/// but PAID or VOID may be replaced); links to Hub's customer and subscription
/// are filled in wherever Hub knows them. Returns the invoice row's id.
async fn upsert<C: ConnectionTrait>(conn: &C, state: InvoiceState, state_at: i64) -> Result<Uuid, AppError> {
    let now = Utc::now();
    let stripe_invoice_id = state.stripe_invoice_id.clone();
    let row = invoice::ActiveModel {
        id: Set(Uuid::new_v4()),
        stripe_invoice_id: Set(state.stripe_invoice_id),
        customer_id: Set(None),
        subscription_id: Set(None),
        stripe_customer_id: Set(state.stripe_customer_id.clone()),
        stripe_subscription_id: Set(state.stripe_subscription_id.clone()),
        status: Set(state.status),
        amount_due: Set(state.amount_due),
        amount_paid: Set(state.amount_paid),
        currency: Set(state.currency),
        period_start: Set(state.period_start.and_then(event::at)),
        period_end: Set(state.period_end.and_then(event::at)),
        hosted_invoice_url: Set(state.hosted_invoice_url),
        state_at: Set(state_at),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let excluded = |c: Col| Expr::col((Alias::new("excluded"), c));
    let current = |c: Col| Expr::col((invoice::Entity, c));
    let settled = [InvoiceStatus::Paid.to_value(), InvoiceStatus::Void.to_value()];
    let newer = excluded(Col::StateAt)
        .gt(current(Col::StateAt))
        .or(excluded(Col::StateAt).eq(current(Col::StateAt)).and(current(Col::Status).is_not_in(settled)));
    let on_conflict = OnConflict::column(Col::StripeInvoiceId)
        .update_columns([
            Col::Status,
            Col::AmountDue,
            Col::AmountPaid,
            Col::Currency,
            Col::PeriodStart,
            Col::PeriodEnd,
            Col::HostedInvoiceUrl,
            Col::StateAt,
            Col::UpdatedAt,
        ])
        .action_and_where(newer)
        .to_owned();
    invoice::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(conn).await?;
    if let Some(stripe_customer_id) = &state.stripe_customer_id {
        if let Some(link) =
            stripe_customer::Entity::find().filter(stripe_customer::Column::StripeCustomerId.eq(stripe_customer_id)).one(conn).await?
        {
            link_customer(conn, stripe_customer_id, link.customer_id).await?;
        }
    }
    if let Some(stripe_subscription_id) = &state.stripe_subscription_id {
        let found =
            subscription::Entity::find().filter(subscription::Column::StripeSubscriptionId.eq(stripe_subscription_id)).one(conn).await?;
        if let Some(sub) = found {
            link_subscription(conn, stripe_subscription_id, sub.id).await?;
        }
    }
    let stored = invoice::Entity::find().filter(Col::StripeInvoiceId.eq(stripe_invoice_id)).one(conn).await?;
    stored.map(|i| i.id).ok_or_else(|| AppError::internal(anyhow::anyhow!("the invoice row vanished after its upsert")))
}

/// Fills in the customer of invoices that arrived before Hub knew it.
pub(super) async fn link_customer<C: ConnectionTrait>(conn: &C, stripe_customer_id: &str, customer_id: Uuid) -> Result<(), AppError> {
    invoice::Entity::update_many()
        .col_expr(Col::CustomerId, Expr::value(customer_id))
        .filter(Col::StripeCustomerId.eq(stripe_customer_id))
        .filter(Col::CustomerId.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Fills in the subscription of invoices that arrived before it existed in Hub.
pub(super) async fn link_subscription<C: ConnectionTrait>(
    conn: &C,
    stripe_subscription_id: &str,
    subscription_id: Uuid,
) -> Result<(), AppError> {
    invoice::Entity::update_many()
        .col_expr(Col::SubscriptionId, Expr::value(subscription_id))
        .filter(Col::StripeSubscriptionId.eq(stripe_subscription_id))
        .filter(Col::SubscriptionId.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// The effect of `invoice.payment_succeeded` (`succeeded`) or `invoice.payment_failed`.
pub(super) async fn payment<C: ConnectionTrait>(conn: &C, event: &event::Envelope, succeeded: bool) -> Result<Handled, AppError> {
    let Some(inv) = event.object::<event::Invoice>().filter(|i| !i.id.is_empty()) else {
        return Ok(Handled::attention("data.object is not an invoice"));
    };
    let stripe_customer_id = event::id_of(&inv.customer);
    let stripe_subscription_id = inv.subscription_id();
    let currency = inv.currency.clone().unwrap_or_default().to_ascii_lowercase();
    let state = InvoiceState {
        stripe_invoice_id: inv.id.clone(),
        stripe_customer_id: stripe_customer_id.clone(),
        stripe_subscription_id: stripe_subscription_id.clone(),
        status: status_of(inv.status.as_deref()),
        amount_due: inv.amount_due,
        amount_paid: inv.amount_paid,
        currency: currency.clone(),
        period_start: inv.period_start,
        period_end: inv.period_end,
        hosted_invoice_url: inv.hosted_invoice_url.clone(),
    };
    let invoice_id = upsert(conn, state, event.created).await?;
    crate::domain::metering::follow_invoice(conn, invoice_id).await?;
    let attempt = payment::ActiveModel {
        id: Set(Uuid::new_v4()),
        invoice_id: Set(invoice_id),
        stripe_event_id: Set(event.id.clone()),
        stripe_payment_intent_id: Set(event::id_of(&inv.payment_intent)),
        status: Set(if succeeded { PaymentStatus::Succeeded } else { PaymentStatus::Failed }),
        amount: Set(if succeeded { inv.amount_paid } else { inv.amount_due }),
        currency: Set(currency),
        attempt_count: Set(i32::try_from(inv.attempt_count).unwrap_or(i32::MAX)),
        occurred_at: Set(event.created_at()),
        created_at: Set(Utc::now()),
    };
    payment::Entity::insert(attempt)
        .on_conflict(OnConflict::column(payment::Column::StripeEventId).do_nothing().to_owned())
        .exec_without_returning(conn)
        .await?;
    if let Some(sub) = stripe_subscription_id {
        use SubscriptionStatus::*;
        let (to, from): (_, &[_]) = if succeeded { (Active, &[PastDue, Incomplete]) } else { (PastDue, &[Active, Trialing, Incomplete]) };
        mirror::mark(conn, &sub, stripe_customer_id, to, from, event.created).await?;
    }
    let key = alerts::payment_failed_key(&inv.id);
    if succeeded {
        alerts::resolve_by_key(conn, &key).await?;
        return Ok(Handled::applied());
    }
    let stored = invoice::Entity::find_by_id(invoice_id).one(conn).await?;
    // A failure older than the invoice's settlement (events arrive out of order) is no news.
    if stored.as_ref().is_some_and(|i| matches!(i.status, InvoiceStatus::Paid | InvoiceStatus::Void)) {
        return Ok(Handled::applied());
    }
    let alert = NewAlert {
        alert_type: alerts::PAYMENT_FAILED,
        severity: AlertSeverity::Critical,
        customer_id: stored.and_then(|i| i.customer_id),
        subject: Some(("invoice", invoice_id.to_string())),
        message: format!("Stripe could not collect invoice {} (attempt {}).", inv.id, inv.attempt_count),
        dedupe_key: Some(key),
    };
    let raised = alerts::raise(conn, alert).await?;
    Ok(Handled { raised, ..Handled::applied() })
}

/// Makes Stripe invoice `customer_id` for `lines` now (for Hub's own jobs, such
/// as the billing cycle's overage charges; no person calls it). The same `key`
/// never bills twice, even when a call is repeated after a failure. The
/// invoice is stored at once; Stripe's events about it update it later.
pub async fn bill(services: &Services, customer_id: Uuid, lines: Vec<InvoiceLine>, key: &str) -> Result<invoice::Model, AppError> {
    let mut fields = Vec::new();
    if lines.is_empty() {
        fields.push(FieldError::new("lines", "must hold at least one line"));
    }
    for (n, line) in lines.iter().enumerate() {
        if line.amount_minor <= 0 {
            fields.push(FieldError::new(format!("lines[{n}].amountMinor"), "must be greater than 0"));
        }
        if line.currency.len() != 3 || !line.currency.bytes().all(|b| b.is_ascii_lowercase()) {
            fields.push(FieldError::new(format!("lines[{n}].currency"), "must be a lower-case ISO 4217 code"));
        }
        if line.description.trim().is_empty() || line.description.chars().count() > 500 {
            fields.push(FieldError::new(format!("lines[{n}].description"), "must be 1 to 500 characters"));
        }
    }
    if key.trim().is_empty() || key.len() > 200 {
        fields.push(FieldError::new("key", "must be 1 to 200 characters"));
    }
    AppError::check_fields(fields)?;
    let link = stripe_customer::Entity::find_by_id(customer_id).one(&services.db).await?;
    let link = link.ok_or_else(|| AppError::Conflict("this customer has no Stripe billing account yet".into()))?;
    let answer: InvoiceAnswer = services.stripe.bill(&link.stripe_customer_id, &lines, key).await?;
    let state = InvoiceState {
        stripe_invoice_id: answer.id.clone(),
        stripe_customer_id: Some(link.stripe_customer_id.clone()),
        stripe_subscription_id: None,
        status: status_of(answer.status.as_deref()),
        amount_due: answer.amount_due,
        amount_paid: answer.amount_paid,
        currency: answer.currency.clone().unwrap_or_else(|| lines[0].currency.clone()),
        period_start: answer.period_start,
        period_end: answer.period_end,
        hosted_invoice_url: answer.hosted_invoice_url,
    };
    // State time 0: any event Stripe sends about the invoice is newer.
    let id = upsert(&services.db, state, 0).await?;
    invoice::Entity::find_by_id(id).one(&services.db).await?.ok_or_else(|| AppError::NotFound("no such invoice".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_statuses_in_hub_words() {
        assert_eq!(status_of(Some("paid")), InvoiceStatus::Paid);
        assert_eq!(status_of(Some("open")), InvoiceStatus::Open);
        assert_eq!(status_of(Some("void")), InvoiceStatus::Void);
        assert_eq!(status_of(None), InvoiceStatus::Open);
    }
}
