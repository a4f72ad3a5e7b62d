//! Stripe on a person's behalf: a Checkout for a plan, the billing portal, and
//! cancelling a subscription at the end of its period. A customer acts for
//! themselves; ADMIN+ staff for any customer (`UseBilling`).

use entity::{plan, stripe_customer, subscription, SubscriptionStatus};
use sea_orm::{sea_query::OnConflict, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::{metadata, mirror};
use crate::{
    auth::{capability::UseBilling, Cap, RequestMeta},
    config::Config,
    domain::{audit, billing::plans, identity::accounts, orders::validate},
    error::{AppError, FieldError},
    integrations::stripe::{calls::NewCheckout, NOT_CONFIGURED},
    Services,
};

/// What a person asks to buy: a plan for a tenant at `domain`.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    /// Required for staff; a customer may leave it out (or name themselves).
    pub customer_id: Option<Uuid>,
    pub plan_id: Uuid,
    pub domain: String,
    pub tools: Vec<String>,
}

/// A Stripe-hosted page to send the person to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLink {
    pub id: String,
    pub url: String,
}

/// The customer the call is about: the caller for a customer, the named one for staff.
fn whose(cap: &Cap<UseBilling>, customer_id: Option<Uuid>) -> Result<Uuid, AppError> {
    match (cap.customer_scope(), customer_id) {
        (_, Some(id)) => cap.ensure_reaches(id).map(|()| id),
        (Some(own), None) => Ok(own),
        (None, None) => Err(AppError::invalid("customerId", "is required for staff")),
    }
}

fn ensure_configured(services: &Services) -> Result<(), AppError> {
    if services.stripe.is_configured() {
        Ok(())
    } else {
        Err(AppError::Stripe(NOT_CONFIGURED.into()))
    }
}

/// Hub's public address, for the pages Stripe sends people back to.
fn public_base(config: &Config) -> String {
    config.public_base()
}

/// The Stripe customer of `customer_id`, created (once, idempotently) if needed.
async fn stripe_customer_of(services: &Services, customer_id: Uuid) -> Result<String, AppError> {
    if let Some(link) = stripe_customer::Entity::find_by_id(customer_id).one(&services.db).await? {
        return Ok(link.stripe_customer_id);
    }
    let account = accounts::get(&services.db, customer_id).await?;
    let created = services.stripe.create_customer(customer_id, &account.email, &account.name).await?;
    let link = stripe_customer::ActiveModel {
        customer_id: Set(customer_id),
        stripe_customer_id: Set(created),
        created_at: Set(chrono::Utc::now()),
    };
    stripe_customer::Entity::insert(link)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(&services.db)
        .await?;
    let link = stripe_customer::Entity::find_by_id(customer_id).one(&services.db).await?;
    link.map(|l| l.stripe_customer_id)
        .ok_or_else(|| AppError::Conflict("the customer's Stripe account changed meanwhile; try again".into()))
}

/// Opens a Stripe Checkout for `plan_id`; paying it creates the subscription and
/// the order (through `checkout.session.completed`).
pub async fn start_checkout(
    services: &Services,
    cap: &Cap<UseBilling>,
    request: CheckoutRequest,
    meta: &RequestMeta,
) -> Result<SessionLink, AppError> {
    let customer_id = whose(cap, request.customer_id)?;
    ensure_configured(services)?;
    let mut fields = Vec::new();
    let domain = validate::hostname("domain", &request.domain).map_err(|e| fields.push(e)).ok();
    let tools = validate::tools("tools", &request.tools).map_err(|e| fields.push(e)).ok();
    let plan = plan::Entity::find_by_id(request.plan_id).one(&services.db).await?;
    let price = match &plan {
        Some(p) if p.active => p.stripe_price_id.clone().ok_or_else(|| FieldError::new("planId", "has no Stripe price yet")),
        Some(_) => Err(FieldError::new("planId", "is retired")),
        None => Err(FieldError::new("planId", "is not a plan of the catalogue")),
    };
    let price = price.map_err(|e| fields.push(e)).ok();
    if entity::customer::Entity::find_by_id(customer_id).one(&services.db).await?.is_none() {
        fields.push(FieldError::new("customerId", "no such customer"));
    }
    AppError::check_fields(fields)?;
    let (Some(domain), Some(tools), Some(plan), Some(price)) = (domain, tools, plan, price) else {
        unreachable!("field errors were returned above")
    };

    let stripe_customer_id = stripe_customer_of(services, customer_id).await?;
    let base = public_base(&services.config);
    let stripe = &services.config.stripe;
    let checkout = NewCheckout {
        stripe_customer_id,
        price_id: price,
        success_url: stripe.success_url.clone().unwrap_or_else(|| format!("{base}/billing?checkout=success")),
        cancel_url: stripe.cancel_url.clone().unwrap_or_else(|| format!("{base}/billing?checkout=cancelled")),
        customer_id,
        metadata: metadata::for_session(&plan, &domain, &tools),
    };
    let created = services.stripe.create_checkout_session(checkout).await?;
    let url = created.url.ok_or_else(|| AppError::Stripe("Stripe answered without a Checkout URL".into()))?;
    let details = json!({ "sessionId": created.id, "planId": plan.id, "domain": domain });
    let entry = audit::Entry::new(Some(cap.user_id()), "billing.checkout_started", meta).target("customer", customer_id).details(details);
    audit::record(&services.db, entry).await?;
    Ok(SessionLink { id: created.id, url })
}

/// A link to the customer's Stripe billing portal (payment methods, invoices).
pub async fn open_billing_portal(services: &Services, cap: &Cap<UseBilling>, customer_id: Option<Uuid>) -> Result<SessionLink, AppError> {
    let customer_id = whose(cap, customer_id)?;
    ensure_configured(services)?;
    let link = stripe_customer::Entity::find_by_id(customer_id).one(&services.db).await?;
    let link = link.ok_or_else(|| AppError::Conflict("this customer has no Stripe billing account yet; subscribe first".into()))?;
    let base = public_base(&services.config);
    let return_url = services.config.stripe.portal_return_url.clone().unwrap_or_else(|| format!("{base}/billing"));
    let created = services.stripe.create_portal_session(&link.stripe_customer_id, &return_url).await?;
    let url = created.url.ok_or_else(|| AppError::Stripe("Stripe answered without a portal URL".into()))?;
    Ok(SessionLink { id: created.id, url })
}

/// Asks Stripe to end the customer's current subscription at the end of its
/// period; the subscription shows `cancelAtPeriodEnd` at once.
pub async fn cancel_at_period_end(
    services: &Services,
    cap: &Cap<UseBilling>,
    customer_id: Option<Uuid>,
    meta: &RequestMeta,
) -> Result<(subscription::Model, plan::Model), AppError> {
    let customer_id = whose(cap, customer_id)?;
    ensure_configured(services)?;
    let current = subscription::Entity::find()
        .filter(subscription::Column::CustomerId.eq(customer_id))
        .order_by_desc(subscription::Column::CreatedAt)
        .order_by_desc(subscription::Column::Id)
        .one(&services.db)
        .await?;
    let current = current.ok_or_else(|| AppError::NotFound("this customer has no subscription".into()))?;
    let Some(stripe_id) = current.stripe_subscription_id.clone() else {
        return Err(AppError::Conflict("this subscription is not billed through Stripe".into()));
    };
    if current.status == SubscriptionStatus::Cancelled {
        return Err(AppError::Conflict("this subscription has already ended".into()));
    }
    services.stripe.cancel_at_period_end(&stripe_id).await?;
    let txn = crate::db::begin_write(&services.db).await?;
    mirror::note_cancel_at_period_end(&txn, &stripe_id).await?;
    let details = json!({ "subscriptionId": current.id, "stripeSubscriptionId": stripe_id });
    let entry =
        audit::Entry::new(Some(cap.user_id()), "subscription.cancel_requested", meta).target("customer", customer_id).details(details);
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    let updated = subscription::Entity::find_by_id(current.id).one(&services.db).await?;
    let updated = updated.ok_or_else(|| AppError::NotFound("no such subscription".into()))?;
    let plan = plans::get(&services.db, updated.plan_id).await?;
    Ok((updated, plan))
}
