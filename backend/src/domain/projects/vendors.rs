//! `POST {base}/api/internal/saas/vendors/provision` (spec 000 §3): what Hub
//! sends a child to provision a vendor site, and what it reads from the answer.
//! Licensed sites (`domain/sites`) and the bridge provisioning driver
//! (`domain/orders/bridge_driver.rs`) both go through here.
//!
//! The payload always carries `site_uuid`, `site_slug`, `site_name`, `domain`
//! and `customer`, plus `license` and `attempt` (sites) or `order` (orders). The
//! child answers `{"success": true, "data": {...}}` (or the object bare), where
//! Hub reads `vendor_id`, `site_id`, `url`, and for orders `server_ip`,
//! `ssh_port` and `dashboard_url`; the whole `data` object is kept as sent.

use entity::{customer, project, user};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use uuid::Uuid;

use super::outbound::{self, CallError, Endpoint};
use crate::{error::AppError, Services};

/// What a child answered to a provisioning call.
#[derive(Debug, Clone)]
pub struct Provisioned {
    pub status: u16,
    pub latency_ms: i64,
    /// The answer's `data` (or the whole answer when it has none).
    pub data: Value,
    pub vendor_id: Option<i64>,
    pub site_id: Option<i64>,
    pub url: Option<String>,
}

/// The `customer` block of a payload: id, e-mail address, name and company.
pub async fn customer_block(services: &Services, customer_id: Uuid) -> Result<Value, AppError> {
    let account = user::Entity::find_by_id(customer_id).one(&services.db).await?;
    let record = customer::Entity::find_by_id(customer_id).one(&services.db).await?;
    Ok(json!({
        "id": customer_id,
        "email": account.as_ref().map(|u| u.email.clone()),
        "name": account.map(|u| u.name),
        "company": record.and_then(|c| c.company),
    }))
}

fn text(data: &Value, field: &str) -> Option<String> {
    data.get(field).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(500).collect())
}

/// Reads the answer's `data` and the ids and URL Hub keeps.
pub fn read_answer(status: u16, latency_ms: i64, body: &Value) -> Provisioned {
    let data = body.get("data").filter(|d| d.is_object()).unwrap_or(body).clone();
    Provisioned {
        status,
        latency_ms,
        vendor_id: data.get("vendor_id").and_then(Value::as_i64),
        site_id: data.get("site_id").and_then(Value::as_i64),
        url: text(&data, "url"),
        data,
    }
}

/// Sends a provisioning payload to the project's child (logged as OUTBOUND).
pub async fn provision(services: &Services, project: &project::Model, payload: &Value) -> Result<Provisioned, CallError> {
    let answer = outbound::call(services, project, Endpoint::Provision, Some(payload)).await?;
    Ok(read_answer(answer.status, answer.latency_ms, &answer.body))
}

/// A string field of the answer's data, trimmed (for the order driver).
pub fn data_text(provisioned: &Provisioned, field: &str) -> Option<String> {
    text(&provisioned.data, field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_enveloped_and_the_bare_answer() {
        let enveloped = json!({ "success": true, "data": { "vendor_id": 101, "site_id": 81, "url": " https://v.example " } });
        let read = read_answer(201, 9, &enveloped);
        assert_eq!((read.vendor_id, read.site_id, read.url.as_deref()), (Some(101), Some(81), Some("https://v.example")));
        assert_eq!(read.data["vendor_id"], 101);
        let bare = read_answer(200, 9, &json!({ "vendor_id": 5 }));
        assert_eq!((bare.vendor_id, bare.site_id, bare.url), (Some(5), None, None));
    }
}
