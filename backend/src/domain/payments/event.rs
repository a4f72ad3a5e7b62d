//! Stripe events as Hub reads them: the envelope and the few fields of each
//! object it acts on, read leniently (missing fields are absent, unknown ones
//! ignored) so that events of older and newer API versions work alike.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

/// The event envelope.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    /// Unix seconds; orders events about the same object.
    pub created: i64,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: Value,
}

impl Envelope {
    /// The id of `data.object`.
    pub fn object_id(&self) -> Option<String> {
        self.data.object.get("id").and_then(Value::as_str).map(str::to_owned)
    }

    /// `data.object` read as `T`; `None` when it does not have `T`'s shape.
    pub fn object<T: for<'de> Deserialize<'de>>(&self) -> Option<T> {
        serde_json::from_value(self.data.object.clone()).ok()
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        at(self.created).unwrap_or_else(Utc::now)
    }
}

/// Unix seconds as a time.
pub fn at(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

/// The id of an expandable field: `"cus_1"` or `{"id": "cus_1", …}`.
pub fn id_of(value: &Value) -> Option<String> {
    match value {
        Value::String(id) if !id.is_empty() => Some(id.clone()),
        Value::Object(map) => map.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// A Checkout session (`checkout.session.completed`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Session {
    pub id: String,
    pub customer: Value,
    pub customer_email: Option<String>,
    pub customer_details: Option<CustomerDetails>,
    pub subscription: Value,
    pub client_reference_id: Option<String>,
    pub metadata: Option<HashMap<String, String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CustomerDetails {
    pub email: Option<String>,
    pub name: Option<String>,
}

impl Session {
    /// The payer's e-mail address, from the details Checkout collected or the
    /// address the session was created with.
    pub fn email(&self) -> Option<&str> {
        let details = self.customer_details.as_ref().and_then(|d| d.email.as_deref());
        details.or(self.customer_email.as_deref()).map(str::trim).filter(|e| !e.is_empty())
    }

    pub fn name(&self) -> Option<&str> {
        self.customer_details.as_ref().and_then(|d| d.name.as_deref()).map(str::trim).filter(|n| !n.is_empty())
    }

    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.metadata.as_ref().and_then(|m| m.get(key)).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

/// An invoice (`invoice.payment_succeeded`, `invoice.payment_failed`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Invoice {
    pub id: String,
    pub customer: Value,
    /// Before API version 2025-03-31.
    pub subscription: Value,
    /// From API version 2025-03-31: `parent.subscription_details.subscription`.
    pub parent: Value,
    pub status: Option<String>,
    pub amount_due: i64,
    pub amount_paid: i64,
    pub currency: Option<String>,
    pub period_start: Option<i64>,
    pub period_end: Option<i64>,
    pub hosted_invoice_url: Option<String>,
    pub attempt_count: i64,
    /// Before API version 2025-03-31.
    pub payment_intent: Value,
}

impl Invoice {
    pub fn subscription_id(&self) -> Option<String> {
        id_of(&self.subscription).or_else(|| id_of(&self.parent["subscription_details"]["subscription"]))
    }
}

/// A subscription (`customer.subscription.updated` / `.deleted`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Subscription {
    pub id: String,
    pub customer: Value,
    pub status: String,
    pub cancel_at_period_end: bool,
    /// Before API version 2025-03-31 (later on each item).
    pub current_period_start: Option<i64>,
    pub current_period_end: Option<i64>,
    pub items: Value,
}

impl Subscription {
    /// The current period, from the subscription or (newer API versions) its first item.
    pub fn period(&self) -> (Option<i64>, Option<i64>) {
        let item = &self.items["data"][0];
        (
            self.current_period_start.or_else(|| item["current_period_start"].as_i64()),
            self.current_period_end.or_else(|| item["current_period_end"].as_i64()),
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn subscription_ids_and_periods_of_old_and_new_api_versions() {
        let old: Invoice = serde_json::from_value(json!({ "id": "in_1", "subscription": "sub_1" })).unwrap();
        let new: Invoice =
            serde_json::from_value(json!({ "id": "in_2", "parent": { "subscription_details": { "subscription": "sub_2" } } })).unwrap();
        assert_eq!((old.subscription_id().as_deref(), new.subscription_id().as_deref()), (Some("sub_1"), Some("sub_2")));

        let old: Subscription = serde_json::from_value(json!({ "id": "sub_1", "current_period_end": 20 })).unwrap();
        let new: Subscription = serde_json::from_value(
            json!({ "id": "sub_2", "items": { "data": [{ "current_period_start": 5, "current_period_end": 30 }] } }),
        )
        .unwrap();
        assert_eq!((old.period(), new.period()), ((None, Some(20)), (Some(5), Some(30))));
    }

    #[test]
    fn expandable_fields_give_their_id() {
        assert_eq!(id_of(&json!("cus_1")).as_deref(), Some("cus_1"));
        assert_eq!(id_of(&json!({ "id": "cus_2", "object": "customer" })).as_deref(), Some("cus_2"));
        assert_eq!(id_of(&json!(null)), None);
        assert_eq!(id_of(&json!("")), None);
    }

    #[test]
    fn session_email_prefers_what_checkout_collected() {
        let s: Session = serde_json::from_value(json!({
            "id": "cs_1", "customer_email": "given@example.com", "customer_details": { "email": " typed@example.com " },
            "metadata": { "hub_domain": " a.example.com ", "empty": "" },
        }))
        .unwrap();
        assert_eq!(s.email(), Some("typed@example.com"));
        assert_eq!(s.metadata("hub_domain"), Some("a.example.com"));
        assert_eq!(s.metadata("empty"), None);
    }
}
