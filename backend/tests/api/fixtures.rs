//! Rows written straight to the database, for tests that need customers and
//! orders without going through the operations that create them.

use chrono::Utc;
use entity::{customer, license, licensed_site, order, AutomationMode, CustomerStatus, OrderStatus, SiteStatus};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::TestApp;

/// The `customers` row of the (customer) account `id`.
pub async fn customer_record(app: &TestApp, id: Uuid, company: Option<&str>) {
    let now = Utc::now();
    customer::ActiveModel {
        id: Set(id),
        company: Set(company.map(str::to_owned)),
        phone: Set(None),
        status: Set(CustomerStatus::Active),
        notes: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
}

/// An order of `customer_id` in `status`, MANUAL, at `{id}.example.com` unless a
/// domain is given; returns its id.
pub async fn order_row(app: &TestApp, customer_id: Uuid, status: OrderStatus, domain: Option<String>, tools: Value) -> Uuid {
    let now = Utc::now();
    let id = Uuid::new_v4();
    order::ActiveModel {
        id: Set(id),
        customer_id: Set(customer_id),
        plan_id: Set(None),
        status: Set(status),
        tier: Set("Build".into()),
        domain: Set(domain.unwrap_or_else(|| format!("{}.example.com", id.simple()))),
        tools: Set(tools),
        server_ip: Set(None),
        ssh_port: Set(None),
        automation_mode: Set(AutomationMode::Manual),
        dashboard_url: Set(None),
        portainer_url: Set(None),
        config_version: Set(0),
        failure_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        fulfilled_at: Set(None),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
    id
}

/// `order_row` with no tools.
pub async fn order_with_status(app: &TestApp, customer_id: Uuid, status: OrderStatus) -> Uuid {
    order_row(app, customer_id, status, None, json!([])).await
}

/// A FAILED site `slug` on licence `license_id` (not counted against its seats);
/// returns its uuid.
pub async fn failed_site(app: &TestApp, license_id: Uuid, slug: &str) -> Uuid {
    let license = license::Entity::find_by_id(license_id).one(&app.services.db).await.unwrap().unwrap();
    let now = Utc::now();
    let id = Uuid::new_v4();
    licensed_site::ActiveModel {
        id: Set(id),
        license_id: Set(license.id),
        project_id: Set(license.project_id),
        customer_id: Set(license.customer_id),
        name: Set("Failed site".into()),
        slug: Set(slug.to_owned()),
        domain: Set(format!("{slug}.example.com")),
        status: Set(SiteStatus::Failed),
        vendor_id: Set(None),
        child_site_id: Set(None),
        url: Set(None),
        details: Set(None),
        last_error: Set(Some("the child is unreachable".into())),
        attempts: Set(1),
        provisioned_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
    id
}
