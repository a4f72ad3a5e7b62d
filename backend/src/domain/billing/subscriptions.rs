//! Each customer's current subscription: at most one, created or changed by
//! billing staff here and (in a later issue) by Stripe webhooks.

use std::collections::HashMap;

use chrono::Utc;
use entity::{customer, plan, subscription, SubscriptionStatus};
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::plans;
use crate::{
    auth::{
        capability::{ManageBilling, ReadCustomers},
        Cap, RequestMeta,
    },
    domain::{audit, customers},
    error::AppError,
    Services,
};

/// The customer's current subscription: the newest one (there is only one unless
/// someone wrote rows behind Hub's back).
async fn current<C: ConnectionTrait>(conn: &C, customer_id: Uuid) -> Result<Option<subscription::Model>, AppError> {
    Ok(subscription::Entity::find()
        .filter(subscription::Column::CustomerId.eq(customer_id))
        .order_by_desc(subscription::Column::CreatedAt)
        .order_by_desc(subscription::Column::Id)
        .one(conn)
        .await?)
}

/// A customer's current subscription with its plan, `None` without one. Staff any
/// customer; a customer only their own (anyone else's is `NOT_FOUND`).
pub async fn get(
    services: &Services,
    cap: &Cap<ReadCustomers>,
    customer_id: Uuid,
) -> Result<Option<(subscription::Model, plan::Model)>, AppError> {
    cap.ensure_reaches(customer_id)?;
    if customer::Entity::find_by_id(customer_id).one(&services.db).await?.is_none() {
        return Err(AppError::NotFound("no such customer".into()));
    }
    let Some(sub) = current(&services.db, customer_id).await? else { return Ok(None) };
    let plan = plans::get(&services.db, sub.plan_id).await?;
    Ok(Some((sub, plan)))
}

/// Current subscriptions with their plans for DataLoaders, keyed by customer id;
/// ids outside the capability's scope are left out. Two queries whatever the count.
pub async fn subscriptions_by_customers(
    services: &Services,
    cap: &Cap<ReadCustomers>,
    customer_ids: &[Uuid],
) -> Result<HashMap<Uuid, (subscription::Model, plan::Model)>, AppError> {
    let ids: Vec<Uuid> = customer_ids.iter().copied().filter(|id| cap.ensure_reaches(*id).is_ok()).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let subs = subscription::Entity::find()
        .filter(subscription::Column::CustomerId.is_in(ids))
        .order_by_desc(subscription::Column::CreatedAt)
        .order_by_desc(subscription::Column::Id)
        .all(&services.db)
        .await?;
    let plan_ids: Vec<Uuid> = subs.iter().map(|s| s.plan_id).collect();
    let plans: HashMap<Uuid, plan::Model> =
        plan::Entity::find().filter(plan::Column::Id.is_in(plan_ids)).all(&services.db).await?.into_iter().map(|p| (p.id, p)).collect();
    let mut out = HashMap::new();
    for sub in subs {
        // Newest first: the first seen per customer is the current one.
        if let (false, Some(plan)) = (out.contains_key(&sub.customer_id), plans.get(&sub.plan_id)) {
            out.insert(sub.customer_id, (sub.clone(), plan.clone()));
        }
    }
    Ok(out)
}

/// Puts a customer on `plan_id` with `status`: creates their subscription or
/// changes the current one. A retired plan may be kept but not newly chosen.
pub async fn set(
    services: &Services,
    cap: &Cap<ManageBilling>,
    customer_id: Uuid,
    plan_id: Uuid,
    status: SubscriptionStatus,
    meta: &RequestMeta,
) -> Result<(subscription::Model, plan::Model), AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    // Locking the customer row keeps two concurrent calls from both creating one.
    customers::lock(&txn, customer_id).await?;
    let plan = match plan::Entity::find_by_id(plan_id).one(&txn).await? {
        Some(p) => p,
        None => return Err(AppError::invalid("planId", "is not a plan of the catalogue")),
    };
    let existing = current(&txn, customer_id).await?;
    let keeps_plan = existing.as_ref().is_some_and(|s| s.plan_id == plan_id);
    if !plan.active && !keeps_plan {
        return Err(AppError::Conflict("this plan is retired and cannot be chosen".into()));
    }
    let now = Utc::now();
    let before = existing.as_ref().map(|s| json!({ "planId": s.plan_id, "status": s.status.to_value() }));
    let saved = match existing {
        Some(sub) => {
            let mut active: subscription::ActiveModel = sub.into();
            active.plan_id = Set(plan_id);
            active.status = Set(status);
            active.updated_at = Set(now);
            active.update(&txn).await?
        }
        None => {
            subscription::ActiveModel {
                id: Set(Uuid::new_v4()),
                customer_id: Set(customer_id),
                plan_id: Set(plan_id),
                status: Set(status),
                stripe_customer_id: Set(None),
                stripe_subscription_id: Set(None),
                current_period_start: Set(None),
                current_period_end: Set(None),
                cancel_at_period_end: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "subscription.set", meta).target("customer", customer_id).details(json!({
            "subscriptionId": saved.id,
            "before": before,
            "after": { "planId": saved.plan_id, "status": saved.status.to_value() },
        })),
    )
    .await?;
    txn.commit().await?;
    Ok((saved, plan))
}
