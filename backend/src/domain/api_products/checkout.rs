//! Paying through an API project (spec 003): a SaaS end user's subscription
//! Checkout for a tier, a Store buyer's cart Checkout, the end user's billing
//! portal, and what Stripe's events about those sessions do. Sessions carry
//! `hub_api_*` metadata; `domain/payments/webhook.rs` routes such events here,
//! inside its once-per-event transaction.
//!
//! Completing a session takes effect once per session: its `api_checkouts` row
//! moves from OPEN by a conditional UPDATE. A cart's inventory is decremented by
//! `UPDATE … SET inventory = inventory - q WHERE inventory >= q`, so it never
//! goes below zero; a line that would is recorded (OVERSOLD) and alerted.

use std::collections::HashMap;

use chrono::{DateTime, Months, Utc};
use entity::{
    alert, api_checkout, api_end_user, api_product, api_project, api_tier, AlertSeverity, ApiCheckoutKind, ApiCheckoutStatus, ApiMode,
    ApiProjectKind, StripeEventOutcome,
};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{end_users, keys::KeyHolder, products};
use crate::{
    domain::{
        alerts::{self, NewAlert},
        payments::event::{self, Envelope, Session, Subscription},
    },
    error::{AppError, FieldError},
    integrations::stripe::{api_checkout::ApiCheckoutSession, calls::Created},
    Services,
};

/// Metadata keys on API checkout sessions and the subscriptions they create.
pub const META_PROJECT: &str = "hub_api_project";
pub const META_MODE: &str = "hub_api_mode";
pub const META_KIND: &str = "hub_api_checkout";
pub const META_END_USER: &str = "hub_api_end_user";
pub const META_TIER: &str = "hub_api_tier";

use crate::domain::alerts::API_OVERSOLD;

/// Lines per cart and units per line.
const MAX_LINES: usize = 50;
const MAX_QUANTITY: i64 = 1_000;

/// One line of a cart, as the developer's app sends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartItem {
    pub price_id: String,
    pub quantity: i64,
}

/// A line as stored on the checkout.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredLine {
    product_id: Uuid,
    price_id: String,
    quantity: i64,
}

fn check_url(fields: &mut Vec<FieldError>, field: &str, url: &str) {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2048 || url.chars().any(char::is_whitespace) {
        fields.push(FieldError::new(field, "must be an http(s) URL"));
    }
}

/// `X-User-Id`: the developer's own user id, 1–128 visible characters.
pub fn parse_external_id(value: Option<&str>) -> Result<String, AppError> {
    let id = value.map(str::trim).unwrap_or_default();
    if id.is_empty() || id.len() > 128 || id.chars().any(|c| c.is_control()) {
        return Err(AppError::invalid("X-User-Id", "must be your user's id (1 to 128 characters)"));
    }
    Ok(id.to_owned())
}

fn metadata(project: &api_project::Model, mode: ApiMode, kind: &str) -> HashMap<String, String> {
    HashMap::from([
        (META_PROJECT.to_owned(), project.id.to_string()),
        (META_MODE.to_owned(), mode.word().to_owned()),
        (META_KIND.to_owned(), kind.to_owned()),
    ])
}

fn require_kind(project: &api_project::Model, kind: ApiProjectKind) -> Result<(), AppError> {
    if project.kind != kind {
        return Err(AppError::Conflict(match kind {
            ApiProjectKind::Saas => "this key belongs to a Store project, which has products, not tiers".into(),
            ApiProjectKind::Store => "this key belongs to a SaaS project, which has tiers, not products".into(),
        }));
    }
    Ok(())
}

/// What an opened session records besides its project, mode and kind.
struct Opened {
    end_user_external_id: Option<String>,
    tier_name: Option<String>,
    email: Option<String>,
    items: Value,
}

/// Records the session Stripe opened (OPEN) and answers its URL.
async fn record_session(
    services: &Services,
    holder: &KeyHolder,
    kind: ApiCheckoutKind,
    created: Created,
    opened: Opened,
) -> Result<String, AppError> {
    let row = api_checkout::Model {
        id: Uuid::new_v4(),
        project_id: holder.project.id,
        mode: holder.mode,
        kind,
        stripe_session_id: created.id,
        end_user_external_id: opened.end_user_external_id,
        tier_name: opened.tier_name,
        email: opened.email,
        items: opened.items,
        status: ApiCheckoutStatus::Open,
        detail: None,
        created_at: Utc::now(),
        completed_at: None,
    };
    api_checkout::ActiveModel::from(row).insert(&services.db).await?;
    created.url.ok_or_else(|| AppError::Stripe("Stripe answered a session without a URL".into()))
}

/// `POST /api/create-checkout`: a subscription Checkout for `tier` (which must have a Stripe price).
pub async fn start_subscription(
    services: &Services,
    holder: &KeyHolder,
    external_id: &str,
    tier: &str,
    success_url: &str,
    cancel_url: &str,
) -> Result<String, AppError> {
    require_kind(&holder.project, ApiProjectKind::Saas)?;
    let mut fields = Vec::new();
    check_url(&mut fields, "successUrl", success_url);
    check_url(&mut fields, "cancelUrl", cancel_url);
    let found = api_tier::Entity::find()
        .filter(api_tier::Column::ProjectId.eq(holder.project.id))
        .filter(api_tier::Column::Mode.eq(holder.mode))
        .filter(api_tier::Column::Name.eq(tier.trim()))
        .one(&services.db)
        .await?;
    let price = match &found {
        None => {
            fields.push(FieldError::new("tier", "is not a tier of this project"));
            None
        }
        Some(t) if t.stripe_price_id.is_none() => {
            fields.push(FieldError::new("tier", "has no Stripe price to subscribe to"));
            None
        }
        Some(t) => t.stripe_price_id.clone(),
    };
    AppError::check_fields(fields)?;
    let (tier, price) = (found.expect("checked above"), price.expect("checked above"));
    let user = end_users::find(&services.db, holder.project.id, holder.mode, external_id).await?;
    let mut meta = metadata(&holder.project, holder.mode, "subscription");
    meta.insert(META_END_USER.to_owned(), external_id.to_owned());
    meta.insert(META_TIER.to_owned(), tier.name.clone());
    let session = ApiCheckoutSession {
        subscription: true,
        lines: vec![(price, 1)],
        stripe_customer_id: user.as_ref().and_then(|u| u.stripe_customer_id.clone()),
        customer_email: user.as_ref().and_then(|u| u.email.clone()),
        client_reference_id: Some(external_id.to_owned()),
        success_url: success_url.trim().to_owned(),
        cancel_url: cancel_url.trim().to_owned(),
        metadata: meta,
    };
    let created = services.stripe.create_api_checkout_session(session).await?;
    let opened = Opened { end_user_external_id: Some(external_id.to_owned()), tier_name: Some(tier.name), email: None, items: json!([]) };
    record_session(services, holder, ApiCheckoutKind::Subscription, created, opened).await
}

/// `POST /api/cart/checkout`: a one-off Checkout for products named by their
/// Stripe price. A sold-out product, or a quantity above what is left, is `CONFLICT`.
pub async fn start_cart(
    services: &Services,
    holder: &KeyHolder,
    email: &str,
    items: &[CartItem],
    success_url: &str,
    cancel_url: &str,
) -> Result<String, AppError> {
    require_kind(&holder.project, ApiProjectKind::Store)?;
    let mut fields = Vec::new();
    let email = email.trim().to_lowercase();
    if email.len() > 320 || email.split_once('@').is_none_or(|(local, domain)| local.is_empty() || !domain.contains('.')) {
        fields.push(FieldError::new("email", "must be an e-mail address"));
    }
    check_url(&mut fields, "successUrl", success_url);
    check_url(&mut fields, "cancelUrl", cancel_url);
    if items.is_empty() || items.len() > MAX_LINES {
        fields.push(FieldError::new("items", format!("must hold 1 to {MAX_LINES} lines")));
    }
    for (n, item) in items.iter().enumerate() {
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            fields.push(FieldError::new(format!("items[{n}].quantity"), format!("must be 1 to {MAX_QUANTITY}")));
        }
    }
    AppError::check_fields(fields)?;
    // The same price twice is one line of the summed quantity.
    let mut wanted: Vec<(String, i64)> = Vec::new();
    for item in items {
        let price = item.price_id.trim().to_owned();
        match wanted.iter_mut().find(|(p, _)| *p == price) {
            Some((_, q)) => *q += item.quantity,
            None => wanted.push((price, item.quantity)),
        }
    }
    let stock = products::of_project(&services.db, holder.project.id, holder.mode).await?;
    let mut lines = Vec::new();
    let mut fields = Vec::new();
    for (n, (price, quantity)) in wanted.iter().enumerate() {
        match stock.iter().find(|p| p.stripe_price_id.as_deref() == Some(price.as_str())) {
            None => fields.push(FieldError::new(format!("items[{n}].priceId"), "is not a product of this store")),
            Some(product) if product.inventory <= 0 => return Err(AppError::Conflict(format!("{} is sold out", product.name))),
            Some(product) if product.inventory < *quantity => {
                return Err(AppError::Conflict(format!("only {} of {} left", product.inventory, product.name)))
            }
            Some(product) => lines.push(StoredLine { product_id: product.id, price_id: price.clone(), quantity: *quantity }),
        }
    }
    AppError::check_fields(fields)?;
    let session = ApiCheckoutSession {
        subscription: false,
        lines: lines.iter().map(|l| (l.price_id.clone(), l.quantity as u64)).collect(),
        stripe_customer_id: None,
        customer_email: Some(email.clone()),
        client_reference_id: None,
        success_url: success_url.trim().to_owned(),
        cancel_url: cancel_url.trim().to_owned(),
        metadata: metadata(&holder.project, holder.mode, "cart"),
    };
    let created = services.stripe.create_api_checkout_session(session).await?;
    let items = serde_json::to_value(&lines).map_err(AppError::internal)?;
    let opened = Opened { end_user_external_id: None, tier_name: None, email: Some(email), items };
    record_session(services, holder, ApiCheckoutKind::Cart, created, opened).await
}

/// `POST /api/customer-portal`: the billing portal of the end user's Stripe customer.
pub async fn portal(services: &Services, holder: &KeyHolder, external_id: &str, return_url: &str) -> Result<String, AppError> {
    let mut fields = Vec::new();
    check_url(&mut fields, "returnUrl", return_url);
    AppError::check_fields(fields)?;
    let user = end_users::find(&services.db, holder.project.id, holder.mode, external_id).await?;
    let customer =
        user.and_then(|u| u.stripe_customer_id).ok_or_else(|| AppError::NotFound("this user has no Stripe customer yet".into()))?;
    let session = services.stripe.create_portal_session(&customer, return_url.trim()).await?;
    session.url.ok_or_else(|| AppError::Stripe("Stripe answered a session without a URL".into()))
}

/// `GET /api/products`: the Store's products of the key's mode.
pub async fn public_products(services: &Services, holder: &KeyHolder) -> Result<Vec<api_product::Model>, AppError> {
    require_kind(&holder.project, ApiProjectKind::Store)?;
    products::of_project(&services.db, holder.project.id, holder.mode).await
}

/// What an event about an API checkout did (the webhook records it).
#[derive(Debug)]
pub struct Effect {
    pub outcome: StripeEventOutcome,
    pub detail: Option<String>,
    /// An alert raised in the event's transaction, to announce after commit.
    pub raised: Option<alert::Model>,
    /// A project whose end users' tiers changed: announce after commit.
    pub changed_project: Option<Uuid>,
}

impl Effect {
    fn applied(changed_project: Option<Uuid>) -> Self {
        Self { outcome: StripeEventOutcome::Applied, detail: None, raised: None, changed_project }
    }
    fn ignored(detail: impl Into<String>) -> Self {
        Self { outcome: StripeEventOutcome::Ignored, detail: Some(detail.into()), raised: None, changed_project: None }
    }
    fn attention(detail: impl Into<String>) -> Self {
        Self { outcome: StripeEventOutcome::NeedsAttention, detail: Some(detail.into()), raised: None, changed_project: None }
    }
}

/// Whether `data.object` is an API project's session or subscription.
pub fn concerns_api_project(event: &Envelope) -> bool {
    event.data.object["metadata"][META_PROJECT].as_str().is_some_and(|v| !v.is_empty())
}

/// `checkout.session.completed` of an API checkout.
pub async fn completed<C: ConnectionTrait>(conn: &C, event: &Envelope) -> Result<Effect, AppError> {
    let Some(session) = event.object::<Session>().filter(|s| !s.id.is_empty()) else {
        return Ok(Effect::attention("data.object is not a Checkout session"));
    };
    let now = Utc::now();
    let claimed = api_checkout::Entity::update_many()
        .col_expr(api_checkout::Column::Status, Expr::value(ApiCheckoutStatus::Paid))
        .col_expr(api_checkout::Column::CompletedAt, Expr::value(now))
        .filter(api_checkout::Column::StripeSessionId.eq(session.id.as_str()))
        .filter(api_checkout::Column::Status.eq(ApiCheckoutStatus::Open))
        .exec(conn)
        .await?;
    let checkout = api_checkout::Entity::find().filter(api_checkout::Column::StripeSessionId.eq(session.id.as_str())).one(conn).await?;
    let Some(checkout) = checkout else {
        return Ok(Effect::attention(format!("API checkout session {} is not one Hub opened", session.id)));
    };
    if claimed.rows_affected == 0 {
        return Ok(Effect::ignored(format!("API checkout session {} was already completed", session.id)));
    }
    match checkout.kind {
        ApiCheckoutKind::Subscription => subscribed(conn, &checkout, &session, now).await,
        ApiCheckoutKind::Cart => paid_cart(conn, checkout, now).await,
    }
}

async fn subscribed<C: ConnectionTrait>(
    conn: &C,
    checkout: &api_checkout::Model,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Effect, AppError> {
    let Some(external_id) = checkout.end_user_external_id.as_deref() else {
        return Ok(Effect::attention("a subscription checkout without an end user"));
    };
    let user = end_users::find_or_create(conn, checkout.project_id, checkout.mode, external_id).await?;
    let mut row: api_end_user::ActiveModel = user.into();
    row.tier_name = Set(checkout.tier_name.clone());
    if let Some(customer) = event::id_of(&session.customer) {
        row.stripe_customer_id = Set(Some(customer));
    }
    if let Some(subscription) = event::id_of(&session.subscription) {
        row.stripe_subscription_id = Set(Some(subscription));
    }
    if let Some(email) = session.email() {
        row.email = Set(Some(email.to_lowercase()));
    }
    // The subscription's own period arrives with customer.subscription.updated; until then a month from now.
    row.current_period_start = Set(Some(now));
    row.current_period_end = Set(now.checked_add_months(Months::new(1)));
    row.updated_at = Set(now);
    row.update(conn).await?;
    Ok(Effect::applied(Some(checkout.project_id)))
}

async fn paid_cart<C: ConnectionTrait>(conn: &C, checkout: api_checkout::Model, now: DateTime<Utc>) -> Result<Effect, AppError> {
    let lines: Vec<StoredLine> = serde_json::from_value(checkout.items.clone()).unwrap_or_default();
    let mut short = Vec::new();
    for line in &lines {
        let taken = api_product::Entity::update_many()
            .col_expr(api_product::Column::Inventory, Expr::col(api_product::Column::Inventory).sub(line.quantity))
            .col_expr(api_product::Column::UpdatedAt, Expr::value(now))
            .filter(api_product::Column::Id.eq(line.product_id))
            .filter(api_product::Column::Inventory.gte(line.quantity))
            .exec(conn)
            .await?;
        if taken.rows_affected == 0 {
            short.push(format!("{} × {}", line.quantity, line.price_id));
        }
    }
    if short.is_empty() {
        return Ok(Effect::applied(Some(checkout.project_id)));
    }
    let detail = format!("paid, but not enough inventory was left for {}", short.join(", "));
    let project = api_project::Entity::find_by_id(checkout.project_id).one(conn).await?;
    let mut row: api_checkout::ActiveModel = checkout.clone().into();
    row.status = Set(ApiCheckoutStatus::Oversold);
    row.detail = Set(Some(detail.clone()));
    row.update(conn).await?;
    let raised = alerts::raise(
        conn,
        NewAlert {
            alert_type: API_OVERSOLD,
            severity: AlertSeverity::Warning,
            customer_id: project.map(|p| p.customer_id),
            subject: Some(("api_checkout", checkout.id.to_string())),
            message: format!("Checkout {} of an API store was {detail}", checkout.stripe_session_id),
            dedupe_key: Some(format!("api_oversold:{}", checkout.id)),
        },
    )
    .await?;
    Ok(Effect { outcome: StripeEventOutcome::NeedsAttention, detail: Some(detail), raised, changed_project: Some(checkout.project_id) })
}

/// `customer.subscription.updated` / `.deleted` of an API end user's subscription:
/// the tier follows the subscription's price while it is active; a deleted or
/// ended subscription clears the tier and the period.
pub async fn subscription_changed<C: ConnectionTrait>(conn: &C, event: &Envelope, deleted: bool) -> Result<Effect, AppError> {
    let Some(sub) = event.object::<Subscription>().filter(|s| !s.id.is_empty()) else {
        return Ok(Effect::attention("data.object is not a subscription"));
    };
    let project_id = event.data.object["metadata"][META_PROJECT].as_str().and_then(|p| p.parse::<Uuid>().ok());
    let Some(project_id) = project_id else {
        return Ok(Effect::attention("the subscription's hub_api_project is not a project id"));
    };
    let user = api_end_user::Entity::find()
        .filter(api_end_user::Column::ProjectId.eq(project_id))
        .filter(api_end_user::Column::StripeSubscriptionId.eq(sub.id.as_str()))
        .one(conn)
        .await?;
    let Some(user) = user else {
        return Ok(Effect::ignored(format!("no end user has subscription {}", sub.id)));
    };
    let ended = deleted || matches!(sub.status.as_str(), "canceled" | "unpaid" | "incomplete_expired");
    let mut row: api_end_user::ActiveModel = user.clone().into();
    if ended {
        row.tier_name = Set(None);
        row.stripe_subscription_id = Set(None);
        row.current_period_start = Set(None);
        row.current_period_end = Set(None);
    } else {
        let price = sub.items["data"][0]["price"]["id"].as_str().or_else(|| sub.items["data"][0]["price"].as_str());
        if let Some(price) = price {
            let tier = api_tier::Entity::find()
                .filter(api_tier::Column::ProjectId.eq(project_id))
                .filter(api_tier::Column::Mode.eq(user.mode))
                .filter(api_tier::Column::StripePriceId.eq(price))
                .one(conn)
                .await?;
            if let Some(tier) = tier {
                row.tier_name = Set(Some(tier.name));
            }
        }
        let (start, end) = sub.period();
        if let (Some(start), Some(end)) = (start.and_then(event::at), end.and_then(event::at)) {
            row.current_period_start = Set(Some(start));
            row.current_period_end = Set(Some(end));
        }
    }
    row.updated_at = Set(Utc::now());
    row.update(conn).await?;
    Ok(Effect::applied(Some(project_id)))
}

/// A product as `GET /api/products` shows it.
pub fn product_json(p: &api_product::Model) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "description": p.description,
        "imageUrl": p.image_url,
        "price": p.price_minor,
        "currency": p.currency,
        "priceId": p.stripe_price_id,
        "inventory": p.inventory,
        "soldOut": p.inventory <= 0,
    })
}
