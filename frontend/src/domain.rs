//! The control plane's GraphQL enums, shared by every operation through
//! `extern_enums` (one Rust type each instead of one generated copy per
//! operation), with the words the pages show for them.

use serde::{Deserialize, Serialize};

/// Declares a GraphQL enum: SCREAMING_SNAKE_CASE on the wire, `ALL` for
/// selects and filters, `as_str` for the wire value and `label` for people.
macro_rules! graphql_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $wire:literal / $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }

        // Generated for every enum; not every page needs every helper.
        #[allow(dead_code)]
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The inverse of `as_str` (for `<select>` values).
            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == value)
            }
        }
    };
}

graphql_enum!(
    /// A customer account's standing.
    CustomerStatus {
        Active = "ACTIVE" / "Active",
        Suspended = "SUSPENDED" / "Suspended",
        Cancelled = "CANCELLED" / "Cancelled",
    }
);

graphql_enum!(
    /// Where an order stands in its lifecycle (backend `domain/orders/lifecycle.rs`).
    OrderStatus {
        PaymentConfirmed = "PAYMENT_CONFIRMED" / "Payment confirmed",
        AwaitingDns = "AWAITING_DNS" / "Awaiting DNS",
        Provisioning = "PROVISIONING" / "Provisioning",
        Fulfilled = "FULFILLED" / "Fulfilled",
        Failed = "FAILED" / "Failed",
        Cancelled = "CANCELLED" / "Cancelled",
    }
);

graphql_enum!(
    /// Whether an order advances by itself.
    AutomationMode {
        Manual = "MANUAL" / "Manual",
        Auto = "AUTO" / "Automatic",
        Paused = "PAUSED" / "Paused",
    }
);

graphql_enum!(
    /// Commands staff may queue for a tenant server.
    RemoteCommandKind {
        ReloadConfig = "RELOAD_CONFIG" / "Reload configuration",
        RestartAgent = "RESTART_AGENT" / "Restart agent",
        RestartService = "RESTART_SERVICE" / "Restart service",
        RunBackup = "RUN_BACKUP" / "Run backup",
        UpdateStack = "UPDATE_STACK" / "Update stack",
    }
);

graphql_enum!(
    RemoteCommandStatus {
        Queued = "QUEUED" / "Queued",
        Delivered = "DELIVERED" / "Delivered",
        Cancelled = "CANCELLED" / "Cancelled",
    }
);

graphql_enum!(
    /// What a webhook tells a tenant's Safety Wrapper about.
    WebhookEventType {
        ConfigUpdated = "CONFIG_UPDATED" / "Config updated",
        ApprovalResponded = "APPROVAL_RESPONDED" / "Approval decided",
        CommandQueued = "COMMAND_QUEUED" / "Remote command",
    }
);

graphql_enum!(
    WebhookDeliveryStatus {
        Pending = "PENDING" / "Pending",
        Delivered = "DELIVERED" / "Delivered",
        Failed = "FAILED" / "Failed",
    }
);

graphql_enum!(
    SubscriptionStatus {
        Active = "ACTIVE" / "Active",
        Trialing = "TRIALING" / "Trialing",
        PastDue = "PAST_DUE" / "Past due",
        Cancelled = "CANCELLED" / "Cancelled",
        Incomplete = "INCOMPLETE" / "Incomplete",
    }
);

graphql_enum!(
    ProvisioningJobStatus {
        Queued = "QUEUED" / "Queued",
        Running = "RUNNING" / "Running",
        Succeeded = "SUCCEEDED" / "Succeeded",
        Failed = "FAILED" / "Failed",
    }
);

graphql_enum!(
    ProvisioningLogLevel {
        Info = "INFO" / "info",
        Warn = "WARN" / "warn",
        Error = "ERROR" / "error",
    }
);

graphql_enum!(
    PlanCode {
        Starter = "STARTER" / "Starter",
        Pro = "PRO" / "Pro",
        Enterprise = "ENTERPRISE" / "Enterprise",
    }
);

graphql_enum!(
    /// Where a licensed site stands with its child project.
    SiteStatus {
        Pending = "PENDING" / "Pending",
        Active = "ACTIVE" / "Active",
        Failed = "FAILED" / "Failed",
    }
);

graphql_enum!(
    /// Whether a bridge project's heartbeats are coming in.
    HeartbeatState {
        Live = "LIVE" / "Live",
        Stale = "STALE" / "Stale",
        Never = "NEVER" / "Never seen",
    }
);

graphql_enum!(
    /// How urgent an alert is, least to most.
    AlertSeverity {
        Info = "INFO" / "Info",
        Warning = "WARNING" / "Warning",
        Critical = "CRITICAL" / "Critical",
    }
);

graphql_enum!(
    /// Which way a bridge call went.
    SyncDirection {
        Inbound = "INBOUND" / "Child → Hub",
        Outbound = "OUTBOUND" / "Hub → child",
    }
);

graphql_enum!(
    /// What an API project sells; locked at creation.
    ApiProjectKind {
        Saas = "SAAS" / "SaaS",
        Store = "STORE" / "Store",
    }
);

graphql_enum!(
    /// An API project's test or live side.
    ApiMode {
        Test = "TEST" / "Test",
        Live = "LIVE" / "Live",
    }
);

graphql_enum!(
    /// Where an API secret key stands.
    ApiKeyStatus {
        Active = "ACTIVE" / "Active",
        Expiring = "EXPIRING" / "Expiring (rotated)",
        Expired = "EXPIRED" / "Expired",
        Revoked = "REVOKED" / "Revoked",
    }
);

impl OrderStatus {
    /// Mirrors the backend's transition table, so the page offers only the
    /// actions the server would accept (it still checks and may answer CONFLICT).
    pub fn can_provision(self) -> bool {
        matches!(self, OrderStatus::PaymentConfirmed | OrderStatus::AwaitingDns | OrderStatus::Failed)
    }

    pub fn can_mark_awaiting_dns(self) -> bool {
        self == OrderStatus::PaymentConfirmed
    }

    pub fn can_cancel(self) -> bool {
        !matches!(self, OrderStatus::Fulfilled | OrderStatus::Cancelled)
    }

    /// Automation only matters while the order can still advance.
    pub fn can_change_automation(self) -> bool {
        self.can_cancel()
    }
}

impl SiteStatus {
    /// Only a FAILED site is offered a retry (the server also takes one stuck
    /// PENDING for minutes, which the page cannot tell).
    pub fn can_retry(self) -> bool {
        self == SiteStatus::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for status in OrderStatus::ALL {
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(OrderStatus::parse(status.as_str()), Some(*status));
        }
    }

    #[test]
    fn only_failed_sites_are_retried() {
        assert!(SiteStatus::Failed.can_retry());
        assert!(!SiteStatus::Active.can_retry());
        assert!(!SiteStatus::Pending.can_retry());
        assert_eq!(SyncDirection::parse("OUTBOUND"), Some(SyncDirection::Outbound));
    }

    #[test]
    fn actions_follow_the_transition_table() {
        assert!(OrderStatus::Failed.can_provision());
        assert!(!OrderStatus::Provisioning.can_provision());
        assert!(!OrderStatus::AwaitingDns.can_mark_awaiting_dns());
        assert!(!OrderStatus::Fulfilled.can_cancel());
        assert!(OrderStatus::Provisioning.can_cancel());
    }
}
