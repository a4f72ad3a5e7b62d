//! The demo customer's business: a record, a PRO subscription, a fulfilled order
//! with two agents and a pending approval, and a paid order waiting for staff to
//! press Provision.

use chrono::{DateTime, DurationRound, Timelike, Utc};
use entity::{
    agent_config, customer, order, plan, subscription, AutomationMode, CustomerStatus, OrderStatus, PlanCode, SubscriptionStatus,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    domain::{agents::templates, approvals, tenants},
    error::AppError,
    Services,
};

/// Seeds the business of `customer_id` unless it already has a customer record.
pub async fn seed(services: &Services, customer_id: Uuid) -> Result<bool, AppError> {
    if customer::Entity::find_by_id(customer_id).one(&services.db).await?.is_some() {
        return Ok(false);
    }
    let plan = plan::Entity::find()
        .filter(plan::Column::Code.eq(PlanCode::Pro))
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the PRO plan is not seeded")))?;
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    customer::ActiveModel {
        id: Set(customer_id),
        company: Set(Some("Acme Marketing GmbH".into())),
        phone: Set(Some("+49 30 1234567".into())),
        status: Set(CustomerStatus::Active),
        notes: Set(Some("Demo customer.".into())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    subscription::ActiveModel {
        id: Set(Uuid::new_v4()),
        customer_id: Set(customer_id),
        plan_id: Set(plan.id),
        status: Set(SubscriptionStatus::Active),
        stripe_customer_id: Set(None),
        stripe_subscription_id: Set(None),
        // Two weeks into a 30-day period, so the usage history below counts.
        current_period_start: Set(Some(now - chrono::Duration::days(USAGE_DAYS))),
        current_period_end: Set(Some(now + chrono::Duration::days(30 - USAGE_DAYS))),
        cancel_at_period_end: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let live = new_order(customer_id, &plan, "acme.example.com", OrderStatus::Fulfilled);
    let live_id = live.id.clone().unwrap();
    live.insert(&txn).await?;
    new_order(customer_id, &plan, "acme-staging.example.com", OrderStatus::PaymentConfirmed).insert(&txn).await?;
    for role in ["it-admin", "marketing"] {
        let template = templates::find(role).expect("built-in template");
        agent_config::ActiveModel {
            id: Set(Uuid::new_v4()),
            order_id: Set(live_id),
            agent_id: Set(template.role.into()),
            name: Set(template.name.into()),
            role: Set(template.role.into()),
            soul_md: Set(template.soul_md.into()),
            tools_allowed: Set(json!(template.tools_allowed)),
            tools_denied: Set(json!(template.tools_denied)),
            tool_profile: Set(template.tool_profile.into()),
            autonomy_level: Set(template.autonomy_level),
            external_comms_unlocks: Set(None),
            is_active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    approvals::request(
        services,
        live_id,
        approvals::ApprovalRequest {
            agent_id: "it-admin".into(),
            command_class: "red".into(),
            tool_name: "file_delete".into(),
            tool_args: json!({ "path": "/opt/letsbe/stacks/nextcloud/data/tmp/*", "recursive": true }),
            human_readable: "IT Admin wants to delete /nextcloud/data/tmp/* (47 files, 2.3 GB)".into(),
        },
    )
    .await?;
    tenants::usage::ingest(services, live_id, usage_history(now)).await?;
    Ok(true)
}

/// Days of token usage the demo tenant has reported.
const USAGE_DAYS: i64 = 14;

/// Hourly buckets for the last `USAGE_DAYS` days of both demo agents: busy in
/// working hours (UTC), quiet at night, with a fixed wobble so every run seeds
/// the same figures — about half of the PRO plan's allotment in all.
fn usage_history(now: DateTime<Utc>) -> Vec<tenants::usage::Bucket> {
    let this_hour = now.duration_trunc(chrono::Duration::hours(1)).unwrap_or(now);
    let mut buckets = Vec::new();
    for hours_ago in 1..=USAGE_DAYS * 24 {
        let hour = this_hour - chrono::Duration::hours(hours_ago);
        let working = (8..18).contains(&hour.hour());
        let wobble = 50 + (hours_ago * 37 % 100);
        for (agent, model, share) in [("it-admin", "deepseek/deepseek-v3.2", 100), ("marketing", "anthropic/claude-sonnet-4.5", 60)] {
            let tokens = if working { 30_000 } else { 5_000 } * wobble / 100 * share / 100;
            buckets.push(tenants::usage::Bucket {
                agent_id: agent.into(),
                model: model.into(),
                bucket_hour: hour.to_rfc3339(),
                tokens_input: tokens * 7 / 10,
                tokens_output: tokens * 3 / 10,
                tokens_cache_read: 0,
                tokens_cache_write: 0,
                web_search_count: i64::from(working && agent == "marketing"),
                web_fetch_count: 0,
                cost_cents: tokens / 2_000,
            });
        }
    }
    buckets
}

fn new_order(customer_id: Uuid, plan: &plan::Model, domain: &str, status: OrderStatus) -> order::ActiveModel {
    let now = Utc::now();
    let fulfilled = status == OrderStatus::Fulfilled;
    order::ActiveModel {
        id: Set(Uuid::new_v4()),
        customer_id: Set(customer_id),
        plan_id: Set(Some(plan.id)),
        status: Set(status),
        tier: Set(plan.tier.clone()),
        domain: Set(domain.into()),
        tools: Set(json!(["nextcloud", "chatwoot", "ghost", "calcom"])),
        server_ip: Set(fulfilled.then(|| "192.0.2.10".into())),
        ssh_port: Set(fulfilled.then_some(22022)),
        automation_mode: Set(AutomationMode::Manual),
        dashboard_url: Set(fulfilled.then(|| format!("https://{domain}"))),
        portainer_url: Set(fulfilled.then(|| format!("https://portainer.{domain}"))),
        config_version: Set(if fulfilled { 2 } else { 0 }),
        failure_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        fulfilled_at: Set(fulfilled.then_some(now)),
    }
}
