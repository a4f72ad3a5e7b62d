//! The alert types Hub raises itself, and their dedupe keys. A child project's
//! alert (`POST /api/internal/saas/alerts`) may not take one of these names.

use uuid::Uuid;

/// A tenant asked for approval of a gated command (customer-scoped).
pub const APPROVAL_REQUESTED: &str = "APPROVAL_REQUESTED";
/// An approval waited 24 hours without a decision (customer-scoped).
pub const APPROVAL_EXPIRED: &str = "APPROVAL_EXPIRED";
/// A tenant host missed its heartbeats (customer-scoped; resolved when it heartbeats again).
pub const TENANT_OFFLINE: &str = "TENANT_OFFLINE";
/// A child project stopped heartbeating over the bridge (staff only).
pub const PROJECT_HEARTBEAT_STALE: &str = "PROJECT_HEARTBEAT_STALE";
/// Stripe could not collect an invoice (customer-scoped when Hub knows the customer).
pub const PAYMENT_FAILED: &str = "PAYMENT_FAILED";
/// A tenant server's disk is over 90 % full (spec 002 §2.2).
pub const STORAGE_QUOTA: &str = "STORAGE_QUOTA";
/// A site reported more errors in one telemetry window than `alerts.site_errors_per_report`.
pub const SITE_ERRORS: &str = "SITE_ERRORS";

/// A customer's token usage reached 80 % of the period's allotment (customer-scoped).
pub const USAGE_80: &str = "USAGE_80";
/// A customer's token usage reached the period's allotment (customer-scoped).
pub const USAGE_100: &str = "USAGE_100";
/// At the last 24 hours' rate the allotment runs out before the period ends (customer-scoped).
pub const USAGE_FORECAST: &str = "USAGE_FORECAST";
/// A paid cart no longer fit a product's inventory (API products).
pub const API_OVERSOLD: &str = "API_OVERSOLD";

/// Every type Hub raises by itself.
pub const RESERVED: [&str; 12] = [
    APPROVAL_REQUESTED,
    APPROVAL_EXPIRED,
    TENANT_OFFLINE,
    PROJECT_HEARTBEAT_STALE,
    PAYMENT_FAILED,
    STORAGE_QUOTA,
    SITE_ERRORS,
    super::WEBHOOK_ENDPOINT_DISABLED,
    USAGE_80,
    USAGE_100,
    USAGE_FORECAST,
    API_OVERSOLD,
];

pub fn approval_requested_key(approval_id: Uuid) -> String {
    format!("approval_requested:{approval_id}")
}

pub fn tenant_offline_key(order_id: Uuid) -> String {
    format!("tenant_offline:{order_id}")
}

pub fn project_stale_key(project_id: Uuid) -> String {
    format!("project_heartbeat_stale:{project_id}")
}

pub fn payment_failed_key(stripe_invoice_id: &str) -> String {
    format!("payment_failed:{stripe_invoice_id}")
}

pub fn storage_quota_key(order_id: Uuid) -> String {
    format!("storage_quota:{order_id}")
}

pub fn site_errors_key(site_uuid: Uuid) -> String {
    format!("site_errors:{site_uuid}")
}

/// One usage alert (`USAGE_80`, `USAGE_100`, `USAGE_FORECAST`) per billing period.
pub fn usage_key(kind: &str, billing_period_id: Uuid) -> String {
    format!("{}:{billing_period_id}", kind.to_ascii_lowercase())
}
