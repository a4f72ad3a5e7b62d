//! Token metering and billing (issue 6): usage series, allotments, usage alerts,
//! the billing cycle against the fake Stripe, and payment reminders.

mod billing;
mod thresholds;
mod usage;

use chrono::{DateTime, Duration, DurationRound, Utc};
use entity::{billing_period, subscription};
use hub::domain::tenants::usage::{ingest, Bucket};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::customers::signed_in_customer;
use crate::fixtures::order_row;
use crate::helpers::*;

/// A customer on a plan with `allotment` tokens per period, their period set
/// to `[now - 10 days, now + 20 days)`, and one order.
pub struct Metered {
    pub owner: String,
    pub customer: Uuid,
    pub token: String,
    pub order: Uuid,
    pub plan: Uuid,
}

pub async fn metered(app: &TestApp, email: &str, allotment: i64) -> Metered {
    let owner = app.setup_owner().await;
    let (id, token) = signed_in_customer(app, &owner, email).await;
    let customer: Uuid = id.parse().unwrap();
    let plans = app.gql("query { plans { id } }", json!({}), Some(&owner)).await;
    let plan: Uuid = plans.data("plans")[0]["id"].as_str().unwrap().parse().unwrap();
    let q = "mutation($id: UUID!, $t: Int!) { updatePlan(id: $id, input: { tokenAllotment: $t }) { id } }";
    app.gql(q, json!({ "id": plan, "t": allotment }), Some(&owner)).await.data("updatePlan.id");
    let q = "mutation($c: UUID!, $p: UUID!) { setSubscription(customerId: $c, planId: $p, status: ACTIVE) { id } }";
    app.gql(q, json!({ "c": customer, "p": plan }), Some(&owner)).await.data("setSubscription.id");
    let now = Utc::now();
    set_subscription_period(app, customer, now - Duration::days(10), now + Duration::days(20)).await;
    let order = order_row(app, customer, entity::OrderStatus::Fulfilled, None, json!([])).await;
    Metered { owner, customer, token, order, plan }
}

pub async fn set_subscription_period(app: &TestApp, customer: Uuid, start: DateTime<Utc>, end: DateTime<Utc>) {
    subscription::Entity::update_many()
        .col_expr(subscription::Column::CurrentPeriodStart, Expr::value(start))
        .col_expr(subscription::Column::CurrentPeriodEnd, Expr::value(end))
        .filter(subscription::Column::CustomerId.eq(customer))
        .exec(&app.services.db)
        .await
        .unwrap();
}

/// The start of the hour `hours_ago` hours before now.
pub fn hour(hours_ago: i64) -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::hours(1)).unwrap() - Duration::hours(hours_ago)
}

pub fn bucket(agent: &str, model: &str, at: DateTime<Utc>, input: i64, output: i64) -> Bucket {
    Bucket {
        agent_id: agent.into(),
        model: model.into(),
        bucket_hour: at.to_rfc3339(),
        tokens_input: input,
        tokens_output: output,
        tokens_cache_read: 0,
        tokens_cache_write: 0,
        web_search_count: 0,
        web_fetch_count: 0,
        cost_cents: 1,
    }
}

pub async fn send(app: &TestApp, order: Uuid, buckets: Vec<Bucket>) {
    ingest(&app.services, order, buckets).await.unwrap();
}

pub async fn periods_of(app: &TestApp, customer: Uuid) -> Vec<billing_period::Model> {
    let mut rows =
        billing_period::Entity::find().filter(billing_period::Column::CustomerId.eq(customer)).all(&app.services.db).await.unwrap();
    rows.sort_by_key(|p| p.period_start);
    rows
}

/// Ends the customer's current period an hour ago (as if time had passed): the
/// stored period ends then and the subscription renews from then.
pub async fn end_current_period(app: &TestApp, customer: Uuid) {
    let end = Utc::now() - Duration::hours(1);
    billing_period::Entity::update_many()
        .col_expr(billing_period::Column::PeriodEnd, Expr::value(end))
        .filter(billing_period::Column::CustomerId.eq(customer))
        .filter(billing_period::Column::Status.eq(entity::BillingPeriodStatus::Open))
        .exec(&app.services.db)
        .await
        .unwrap();
    set_subscription_period(app, customer, end, end + Duration::days(30)).await;
}
