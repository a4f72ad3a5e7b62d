//! `POST /api/v1/webhooks/stripe`: verify the `Stripe-Signature` against the raw
//! body, then take the event in once. The event id is claimed first in the
//! transaction that writes the event's effect (`INSERT … ON CONFLICT DO
//! NOTHING` on `stripe_events`): a duplicate delivered at the same time waits
//! for the first one's commit and then finds the id taken, on SQLite and on
//! PostgreSQL alike, and a failed effect leaves the id free for Stripe's retry.

use chrono::Utc;
use entity::{stripe_event, StripeEventOutcome};
use sea_orm::{sea_query::OnConflict, ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::Value;

use super::{checkout, event, invoices, mirror, Handled};
use crate::{
    auth::RequestMeta,
    domain::{alerts, api_products, api_products::checkout as api_checkout, customers::SET_PASSWORD_TTL_DAYS, mail, orders},
    error::{AppError, FieldError},
    integrations::stripe::{
        webhook::{self, Refusal},
        NOT_CONFIGURED,
    },
    Services,
};

/// What became of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub event_id: String,
    /// `None`: the id had already been taken in; nothing was done again.
    pub outcome: Option<StripeEventOutcome>,
}

fn refused(refusal: Refusal) -> AppError {
    let message = match refusal {
        Refusal::BadSignature => "does not match the body and the webhook secret",
        Refusal::Expired => "is more than 300 s old (or ahead)",
    };
    AppError::Validation {
        message: format!("invalid Stripe signature: it {message}"),
        fields: vec![FieldError::new("Stripe-Signature", message)],
    }
}

/// Verifies and takes in one delivery; anything refused is stored nowhere.
pub async fn receive(services: &Services, body: &[u8], signature: Option<&str>) -> Result<Receipt, AppError> {
    let secret = services.config.stripe.webhook_secret.as_ref().map(|s| s.expose()).filter(|s| !s.is_empty());
    let secret = secret.ok_or_else(|| AppError::Stripe(NOT_CONFIGURED.into()))?;
    let signature = signature.ok_or_else(|| refused(Refusal::BadSignature))?;
    let payload = std::str::from_utf8(body).map_err(|_| AppError::invalid("body", "must be UTF-8 JSON"))?;
    webhook::verify(payload, signature, secret).map_err(refused)?;
    let raw: Value = serde_json::from_str(payload).map_err(|err| AppError::invalid("body", format!("invalid JSON: {err}")))?;
    let event: event::Envelope =
        serde_json::from_value(raw.clone()).map_err(|err| AppError::invalid("body", format!("not a Stripe event: {err}")))?;
    // A checkout racing another one for the same new e-mail address loses the
    // account insert with CONFLICT; the second try finds the account.
    match take(services, &event, &raw).await {
        Err(AppError::Conflict(_)) => take(services, &event, &raw).await,
        other => other,
    }
}

async fn take(services: &Services, event: &event::Envelope, raw: &Value) -> Result<Receipt, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let claim = stripe_event::ActiveModel {
        id: Set(event.id.clone()),
        event_type: Set(event.event_type.clone()),
        object_id: Set(event.object_id()),
        outcome: Set(StripeEventOutcome::Applied),
        detail: Set(None),
        payload: Set(raw.clone()),
        stripe_created_at: Set(event.created_at()),
        received_at: Set(Utc::now()),
    };
    let claimed = stripe_event::Entity::insert(claim)
        .on_conflict(OnConflict::column(stripe_event::Column::Id).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
    if claimed == 0 {
        return Ok(Receipt { event_id: event.id.clone(), outcome: None });
    }
    let handled = handle(&txn, event).await?;
    if handled.detail.is_some() {
        let mut row = stripe_event::ActiveModel { id: Set(event.id.clone()), ..Default::default() };
        row.outcome = Set(handled.outcome);
        row.detail = Set(handled.detail.clone());
        row.update(&txn).await?;
    }
    let mut mailed = false;
    if let Some((email, name, token)) = &handled.new_account {
        let link = mail::templates::set_password(&services.config, email, name, token, SET_PASSWORD_TTL_DAYS);
        mailed = mail::enqueue(&txn, services, link).await?;
    }
    txn.commit().await?;
    if mailed {
        mail::wake(services);
    }
    alerts::announce(services, handled.raised.iter());
    if let Some(project_id) = handled.api_project {
        api_products::announce_change(services, project_id);
    }

    if handled.outcome == StripeEventOutcome::NeedsAttention {
        let detail = handled.detail.as_deref().unwrap_or_default();
        tracing::warn!(event_id = %event.id, event_type = %event.event_type, detail, "a Stripe event needs attention");
    }
    if let Some(order) = &handled.paid_order {
        orders::start_if_auto(services, None, order, &RequestMeta::default()).await;
    }
    Ok(Receipt { event_id: event.id.clone(), outcome: Some(handled.outcome) })
}

async fn handle<C: ConnectionTrait>(conn: &C, event: &event::Envelope) -> Result<Handled, AppError> {
    // API projects' sessions and subscriptions (spec 003) carry hub_api_* metadata.
    if api_checkout::concerns_api_project(event) {
        let effect = match event.event_type.as_str() {
            "checkout.session.completed" => api_checkout::completed(conn, event).await?,
            "customer.subscription.updated" => api_checkout::subscription_changed(conn, event, false).await?,
            "customer.subscription.deleted" => api_checkout::subscription_changed(conn, event, true).await?,
            other => return Ok(Handled::ignored(format!("Hub does not act on {other} events of API projects"))),
        };
        return Ok(Handled::from_api(effect));
    }
    match event.event_type.as_str() {
        "checkout.session.completed" => checkout::completed(conn, event).await,
        "invoice.payment_succeeded" => invoices::payment(conn, event, true).await,
        "invoice.payment_failed" => invoices::payment(conn, event, false).await,
        "customer.subscription.updated" => subscription_changed(conn, event, false).await,
        "customer.subscription.deleted" => subscription_changed(conn, event, true).await,
        other => Ok(Handled::ignored(format!("Hub does not act on {other} events"))),
    }
}

async fn subscription_changed<C: ConnectionTrait>(conn: &C, event: &event::Envelope, deleted: bool) -> Result<Handled, AppError> {
    let Some(sub) = event.object::<event::Subscription>().filter(|s| !s.id.is_empty()) else {
        return Ok(Handled::attention("data.object is not a subscription"));
    };
    mirror::record(conn, &sub, event.created, deleted).await?;
    Ok(Handled::applied())
}
