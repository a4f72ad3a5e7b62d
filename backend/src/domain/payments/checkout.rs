//! `checkout.session.completed`: the customer (found or created, with a
//! one-time set-password link), their subscription and the paid order, in the
//! event's transaction. Anything the session does not say well enough (no
//! plan, a bad domain) is left out and the event is marked NEEDS_ATTENTION;
//! what was paid for is never dropped.

use entity::{order, plan, stripe_customer, subscription, system_setting, user, AccountKind, AutomationMode, SubscriptionStatus};
use sea_orm::{sea_query::OnConflict, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::{event, invoices, metadata, mirror, Handled};
use crate::{
    auth::RequestMeta,
    domain::{
        audit, customers,
        identity::{accounts, parse_name, Email},
        orders::{self, PaidOrder},
    },
    error::AppError,
};

/// The setting with the automation mode of orders that Stripe checkouts create
/// (`"AUTO"`, `"MANUAL"` or `"PAUSED"`); AUTO when unset (spec 001 §8.1).
pub const AUTOMATION_SETTING: &str = "billing.checkout_automation_mode";

/// Who paid: a Hub customer, or why none could be settled on.
async fn payer<C: ConnectionTrait>(
    conn: &C,
    session: &event::Session,
    stripe_customer: Option<&str>,
) -> Result<Result<Payer, String>, AppError> {
    // A Stripe customer Hub linked (it made it, or an earlier checkout did) is
    // theirs. `client_reference_id` is not trusted: payment links let anyone set it.
    if let Some(stripe_customer) = stripe_customer {
        let link = stripe_customer::Entity::find().filter(stripe_customer::Column::StripeCustomerId.eq(stripe_customer)).one(conn).await?;
        if let Some(link) = link {
            return Ok(Ok(Payer { customer_id: link.customer_id, new_account: None }));
        }
    }
    let Some(email) = session.email() else { return Ok(Err("the session carries no e-mail address".into())) };
    let Ok(email) = Email::parse("email", email) else { return Ok(Err(format!("\"{email}\" is not an e-mail address Hub accepts"))) };
    if let Some(account) = accounts::find_by_email(conn, email.as_str()).await? {
        return Ok(match account.kind {
            AccountKind::Customer => Ok(Payer { customer_id: account.id, new_account: None }),
            AccountKind::Staff => Err(format!("{} belongs to a staff account", account.email)),
        });
    }
    let local = email.as_str().split('@').next().unwrap_or_default().to_owned();
    let name = session.name().and_then(|n| parse_name("name", n).ok()).unwrap_or(local);
    let new = customers::ValidCustomer { email, name, company: None, phone: None, notes: None };
    let (account, _, token) = customers::insert_with_link(conn, new, None).await?;
    Ok(Ok(Payer { customer_id: account.id, new_account: Some((account, token)) }))
}

struct Payer {
    customer_id: Uuid,
    /// A new account and its raw set-password token.
    new_account: Option<(user::Model, String)>,
}

/// Attaches the Stripe subscription to the customer's Hub subscription: the one
/// with this Stripe id, else their current one not yet billed through Stripe,
/// else a new one. Its state starts from what Stripe's events already told.
async fn subscribe<C: ConnectionTrait>(
    conn: &C,
    customer_id: Uuid,
    plan: &plan::Model,
    stripe_customer: Option<&str>,
    stripe_subscription: Option<&str>,
) -> Result<subscription::Model, AppError> {
    use subscription::Column as Col;
    let mut found = None;
    if let Some(id) = stripe_subscription {
        found = subscription::Entity::find().filter(Col::StripeSubscriptionId.eq(id)).one(conn).await?;
    }
    if found.is_none() {
        found = subscription::Entity::find()
            .filter(Col::CustomerId.eq(customer_id))
            .filter(Col::StripeSubscriptionId.is_null())
            .order_by_desc(Col::CreatedAt)
            .one(conn)
            .await?;
    }
    let known = match stripe_subscription {
        Some(id) => mirror::get(conn, id).await?,
        None => None,
    };
    let now = chrono::Utc::now();
    let exists = found.is_some();
    let mut row = match found {
        Some(existing) => existing.into(),
        None => subscription::ActiveModel {
            id: Set(Uuid::new_v4()),
            customer_id: Set(customer_id),
            current_period_start: Set(None),
            current_period_end: Set(None),
            cancel_at_period_end: Set(false),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.plan_id = Set(plan.id);
    row.status = Set(known.as_ref().map(|k| k.status).unwrap_or(SubscriptionStatus::Active));
    row.stripe_customer_id = Set(stripe_customer.map(str::to_owned));
    row.stripe_subscription_id = Set(stripe_subscription.map(str::to_owned));
    if let Some(known) = known {
        row.cancel_at_period_end = Set(known.cancel_at_period_end);
        if known.current_period_start.is_some() {
            row.current_period_start = Set(known.current_period_start);
        }
        if known.current_period_end.is_some() {
            row.current_period_end = Set(known.current_period_end);
        }
    }
    row.updated_at = Set(now);
    Ok(if exists { row.update(conn).await? } else { row.insert(conn).await? })
}

/// The automation mode for orders from checkouts.
async fn automation_mode<C: ConnectionTrait>(conn: &C) -> Result<AutomationMode, AppError> {
    let setting = system_setting::Entity::find_by_id(AUTOMATION_SETTING.to_owned()).one(conn).await?;
    let mode = setting.and_then(|s| serde_json::from_value::<AutomationMode>(s.value).ok());
    Ok(mode.unwrap_or(AutomationMode::Auto))
}

/// The effect of `checkout.session.completed`.
pub(super) async fn completed<C: ConnectionTrait>(conn: &C, event: &event::Envelope) -> Result<Handled, AppError> {
    let Some(session) = event.object::<event::Session>().filter(|s| !s.id.is_empty()) else {
        return Ok(Handled::attention("data.object is not a Checkout session"));
    };
    let stripe_customer = event::id_of(&session.customer);
    let stripe_subscription = event::id_of(&session.subscription);
    let payer = match payer(conn, &session, stripe_customer.as_deref()).await? {
        Ok(payer) => payer,
        Err(reason) => return Ok(Handled::attention(format!("no customer: {reason}"))),
    };
    let customer_id = payer.customer_id;
    let meta = RequestMeta::default();
    if let Some((account, _token)) = &payer.new_account {
        // The raw token is for the customer alone: kept out of logs and answers,
        // and mailed to them (see `webhook::take`).
        let details = json!({ "email": account.email, "name": account.name, "source": "stripe_checkout", "setPasswordLinkIssued": true });
        audit::record(conn, audit::Entry::new(None, "customer.created", &meta).target("customer", customer_id).details(details)).await?;
    }
    if let Some(stripe_customer) = &stripe_customer {
        let link = stripe_customer::ActiveModel {
            customer_id: Set(customer_id),
            stripe_customer_id: Set(stripe_customer.clone()),
            created_at: Set(chrono::Utc::now()),
        };
        // A customer keeps the first Stripe customer they were linked to.
        stripe_customer::Entity::insert(link).on_conflict(OnConflict::new().do_nothing().to_owned()).exec_without_returning(conn).await?;
        invoices::link_customer(conn, stripe_customer, customer_id).await?;
    }
    if let Some(stripe_subscription) = &stripe_subscription {
        // A paid checkout makes the subscription active, unless Stripe has since
        // said otherwise; older news can no longer turn it back.
        let from = [SubscriptionStatus::Incomplete];
        mirror::mark(conn, stripe_subscription, stripe_customer.clone(), SubscriptionStatus::Active, &from, event.created).await?;
    }

    let mut problems = Vec::new();
    let mut subscription_id = None;
    let mut order: Option<order::Model> = None;
    match metadata::plan(conn, &session).await? {
        Err(reason) => problems.push(reason),
        Ok(plan) => {
            let sub = subscribe(conn, customer_id, &plan, stripe_customer.as_deref(), stripe_subscription.as_deref()).await?;
            if let Some(stripe_subscription) = &stripe_subscription {
                invoices::link_subscription(conn, stripe_subscription, sub.id).await?;
            }
            subscription_id = Some(sub.id);
            match metadata::order(&session, &plan) {
                Err(field) => problems.push(format!("no order: {}: {}", field.field, field.message)),
                Ok((tier, domain, tools)) => {
                    let automation_mode = automation_mode(conn).await?;
                    let paid = PaidOrder { customer_id, plan_id: Some(plan.id), tier, domain, tools, automation_mode };
                    order = Some(orders::insert_paid(conn, paid).await?);
                }
            }
        }
    }
    let details = json!({
        "eventId": event.id, "sessionId": session.id, "customerId": customer_id, "subscriptionId": subscription_id,
        "orderId": order.as_ref().map(|o| o.id), "stripeCustomerId": stripe_customer, "stripeSubscriptionId": stripe_subscription,
        "problems": problems,
    });
    let entry = audit::Entry::new(None, "stripe.checkout_completed", &meta).target("customer", customer_id).details(details);
    audit::record(conn, entry).await?;
    let mut handled = if problems.is_empty() { Handled::applied() } else { Handled::attention(problems.join("; ")) };
    handled.paid_order = order;
    handled.new_account = payer.new_account.map(|(account, token)| (account.email, account.name, token));
    Ok(handled)
}
