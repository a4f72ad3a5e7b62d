//! Enumerations of the control-plane tables, stored as short strings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name {
            $(#[sea_orm(string_value = $value)] $variant,)+
        }
    };
}

string_enum!(
    /// Whether a customer may use Hub.
    CustomerStatus { Active = "ACTIVE", Suspended = "SUSPENDED", Cancelled = "CANCELLED" }
);
string_enum!(
    /// The plan families of the catalogue.
    PlanCode { Starter = "STARTER", Pro = "PRO", Enterprise = "ENTERPRISE" }
);
string_enum!(
    /// A subscription's state, following Stripe's vocabulary.
    SubscriptionStatus {
        Incomplete = "INCOMPLETE",
        Trialing = "TRIALING",
        Active = "ACTIVE",
        PastDue = "PAST_DUE",
        Cancelled = "CANCELLED",
    }
);
string_enum!(
    /// The order lifecycle (spec 001 §4.3).
    OrderStatus {
        PaymentConfirmed = "PAYMENT_CONFIRMED",
        AwaitingDns = "AWAITING_DNS",
        Provisioning = "PROVISIONING",
        Fulfilled = "FULFILLED",
        Failed = "FAILED",
        Cancelled = "CANCELLED",
    }
);
string_enum!(
    /// Whether an order advances by itself.
    AutomationMode { Auto = "AUTO", Manual = "MANUAL", Paused = "PAUSED" }
);
string_enum!(
    /// A provisioning run's state.
    JobStatus { Queued = "QUEUED", Running = "RUNNING", Succeeded = "SUCCEEDED", Failed = "FAILED" }
);
string_enum!(
    /// Severity of a provisioning log line.
    LogLevel { Info = "INFO", Warn = "WARN", Error = "ERROR" }
);
string_enum!(
    /// A command approval's state.
    ApprovalStatus { Pending = "PENDING", Approved = "APPROVED", Denied = "DENIED", Expired = "EXPIRED" }
);
string_enum!(
    /// Commands staff may queue for a tenant server.
    RemoteCommandKind {
        RestartService = "RESTART_SERVICE",
        RestartAgent = "RESTART_AGENT",
        ReloadConfig = "RELOAD_CONFIG",
        RunBackup = "RUN_BACKUP",
        UpdateStack = "UPDATE_STACK",
    }
);
string_enum!(
    /// A queued remote command's state.
    RemoteCommandStatus { Queued = "QUEUED", Delivered = "DELIVERED", Cancelled = "CANCELLED" }
);
