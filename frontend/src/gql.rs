//! Every GraphQL operation the SPA sends, typed against `../schema.graphql`.
//!
//! One operation per file in `frontend/graphql/`, named after the operation:
//! graphql_client sends a file's whole text as the query, so one file per
//! operation keeps each request to what it runs. The `SessionFields` and
//! `UserFields` fragments are repeated in the files that need them (the
//! conversions below fail to compile if one copy loses a field).
//! `AuthSession.refreshToken` is never selected: the refresh token stays in
//! the httpOnly `hub_refresh` cookie and never enters the SPA's memory.
//!
//! A schema change that breaks one of these operations breaks the build.

use crate::model::{CurrentUser, Session};
use graphql_client::GraphQLQuery;

// Custom scalars, referenced by name from the generated modules (`use super::*`).
#[allow(clippy::upper_case_acronyms)]
pub type UUID = String;
pub type DateTime = String;
/// A calendar day, `YYYY-MM-DD`.
pub type NaiveDate = String;
#[allow(clippy::upper_case_acronyms)]
pub type JSON = serde_json::Value;
// Enums shared by all operations instead of one generated copy each.
pub use crate::domain::{
    AlertSeverity, ApiKeyStatus, ApiMode, ApiProjectKind, AutomationMode, CustomerStatus, HeartbeatState, OrderStatus, PlanCode,
    ProvisioningJobStatus, ProvisioningLogLevel, RemoteCommandKind, RemoteCommandStatus, SiteStatus, SubscriptionStatus, SyncDirection,
    WebhookDeliveryStatus, WebhookEventType,
};
pub use crate::model::{AccountKind, StaffRole};

// rustfmt re-indents attributes inside macro_rules on every run; keep it out.
#[rustfmt::skip]
macro_rules! operation {
    ($name:ident, $file:tt) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = $file,
            response_derives = "Debug, Clone",
            variables_derives = "Debug, Clone",
            extern_enums(
                "StaffRole", "AccountKind", "AlertSeverity", "ApiKeyStatus", "ApiMode", "ApiProjectKind", "AutomationMode", "CustomerStatus", "OrderStatus", "PlanCode",
                "ProvisioningJobStatus", "ProvisioningLogLevel", "RemoteCommandKind", "RemoteCommandStatus",
                "SubscriptionStatus", "SiteStatus", "HeartbeatState", "SyncDirection", "WebhookDeliveryStatus", "WebhookEventType"
            )
        )]
        pub struct $name;
    };
}

operation!(SetupRequired, "graphql/setup_required.graphql");
operation!(Setup, "graphql/setup.graphql");
operation!(Login, "graphql/login.graphql");
operation!(VerifyTwoFactor, "graphql/verify_two_factor.graphql");
operation!(RefreshSession, "graphql/refresh_session.graphql");
operation!(Logout, "graphql/logout.graphql");
operation!(Me, "graphql/me.graphql");
operation!(AcceptInvitation, "graphql/accept_invitation.graphql");
operation!(InvitationPreview, "graphql/invitation_preview.graphql");
operation!(BeginTwoFactorSetup, "graphql/begin_two_factor_setup.graphql");
operation!(ConfirmTwoFactorSetup, "graphql/confirm_two_factor_setup.graphql");
operation!(DisableTwoFactor, "graphql/disable_two_factor.graphql");
operation!(RegenerateBackupCodes, "graphql/regenerate_backup_codes.graphql");
operation!(ChangePassword, "graphql/change_password.graphql");
operation!(SetPassword, "graphql/set_password.graphql");
// Customers.
operation!(Customers, "graphql/customers.graphql");
operation!(CustomerDetail, "graphql/customer_detail.graphql");
operation!(CreateCustomer, "graphql/create_customer.graphql");
operation!(UpdateCustomer, "graphql/update_customer.graphql");
// Orders and provisioning.
operation!(Orders, "graphql/orders.graphql");
operation!(OrderDetail, "graphql/order_detail.graphql");
operation!(OrderProgress, "graphql/order_progress.graphql");
operation!(Plans, "graphql/plans.graphql");
operation!(CreateOrder, "graphql/create_order.graphql");
operation!(ProvisionOrder, "graphql/provision_order.graphql");
operation!(CancelOrder, "graphql/cancel_order.graphql");
operation!(MarkOrderAwaitingDns, "graphql/mark_order_awaiting_dns.graphql");
operation!(SetAutomationMode, "graphql/set_automation_mode.graphql");
operation!(ProvisioningLog, "graphql/provisioning_log.graphql");
operation!(ProvisioningJobs, "graphql/provisioning_jobs.graphql");
// Paying through Stripe.
operation!(Billing, "graphql/billing.graphql");
operation!(StartCheckout, "graphql/start_checkout.graphql");
operation!(OpenBillingPortal, "graphql/open_billing_portal.graphql");
// Metering.
operation!(Usage, "graphql/usage.graphql");
operation!(BillingUsage, "graphql/billing_usage.graphql");
operation!(RemoteCommands, "graphql/remote_commands.graphql");
operation!(QueueRemoteCommand, "graphql/queue_remote_command.graphql");
operation!(IssueRegistrationToken, "graphql/issue_registration_token.graphql");
operation!(WebhookDeliveries, "graphql/webhook_deliveries.graphql");
operation!(RedeliverWebhook, "graphql/redeliver_webhook.graphql");
operation!(EnableWebhookEndpoint, "graphql/enable_webhook_endpoint.graphql");
operation!(OrderAgents, "graphql/order_agents.graphql");
operation!(AgentTemplates, "graphql/agent_templates.graphql");
operation!(DeployAgent, "graphql/deploy_agent.graphql");
operation!(UpdateAgent, "graphql/update_agent.graphql");
operation!(RemoveAgent, "graphql/remove_agent.graphql");
operation!(Approvals, "graphql/approvals.graphql");
operation!(DecideApproval, "graphql/decide_approval.graphql");
operation!(StaffMembers, "graphql/staff_members.graphql");
operation!(Invitations, "graphql/invitations.graphql");
operation!(InviteStaff, "graphql/invite_staff.graphql");
// Insights (staff).
operation!(InsightsOverview, "graphql/insights_overview.graphql");
operation!(ProjectInsights, "graphql/project_insights.graphql");
operation!(UpdateStaff, "graphql/update_staff.graphql");
operation!(DeactivateStaff, "graphql/deactivate_staff.graphql");
operation!(Settings, "graphql/settings.graphql");
operation!(UpdateSettings, "graphql/update_settings.graphql");
operation!(AuditLog, "graphql/audit_log.graphql");
// The signed bridge: projects, licensed sites, the sync log.
operation!(Projects, "graphql/projects.graphql");
operation!(RegisterProject, "graphql/register_project.graphql");
operation!(RotateProjectSecret, "graphql/rotate_project_secret.graphql");
operation!(PingProject, "graphql/ping_project.graphql");
operation!(Sites, "graphql/sites.graphql");
operation!(Licenses, "graphql/licenses.graphql");
operation!(AddSite, "graphql/add_site.graphql");
operation!(RetrySiteProvisioning, "graphql/retry_site_provisioning.graphql");
operation!(SyncLogs, "graphql/sync_logs.graphql");
// Alerts, and what the live connection streams.
operation!(Alerts, "graphql/alerts.graphql");
operation!(OpenAlertCount, "graphql/open_alert_count.graphql");
operation!(AcknowledgeAlert, "graphql/acknowledge_alert.graphql");
operation!(AlertStream, "graphql/alert_stream.graphql");
operation!(OrderEvents, "graphql/order_events.graphql");
operation!(NotificationSettings, "graphql/notification_settings.graphql");
// API products (spec 003).
operation!(ApiProjects, "graphql/api_projects.graphql");
operation!(ApiProject, "graphql/api_project.graphql");
operation!(CreateApiProject, "graphql/create_api_project.graphql");
operation!(PromoteApiProject, "graphql/promote_api_project.graphql");
operation!(ApiKeys, "graphql/api_keys.graphql");
operation!(CreateApiKey, "graphql/create_api_key.graphql");
operation!(RotateApiKey, "graphql/rotate_api_key.graphql");
operation!(RevokeApiKey, "graphql/revoke_api_key.graphql");
operation!(ApiTiers, "graphql/api_tiers.graphql");
operation!(UpsertApiTier, "graphql/upsert_api_tier.graphql");
operation!(DeleteApiTier, "graphql/delete_api_tier.graphql");
operation!(ApiProducts, "graphql/api_products.graphql");
operation!(UpsertApiProduct, "graphql/upsert_api_product.graphql");
operation!(DeleteApiProduct, "graphql/delete_api_product.graphql");
operation!(ApiEndUsers, "graphql/api_end_users.graphql");
operation!(SetApiEndUserTier, "graphql/set_api_end_user_tier.graphql");
operation!(UpdateNotificationSettings, "graphql/update_notification_settings.graphql");
// Preferences and API tokens.
operation!(Preferences, "graphql/preferences.graphql");
operation!(UpdatePreferences, "graphql/update_preferences.graphql");
operation!(ApiTokens, "graphql/api_tokens.graphql");
operation!(CreateApiToken, "graphql/create_api_token.graphql");
operation!(RevokeApiToken, "graphql/revoke_api_token.graphql");
// Staff console (issue 7).
operation!(WebhookEndpoint, "graphql/webhook_endpoint.graphql");
operation!(RevokeInvitation, "graphql/revoke_invitation.graphql");
operation!(ReactivateStaff, "graphql/reactivate_staff.graphql");

/// `From` impls from each operation's generated fragment structs to the app's
/// own `CurrentUser`/`Session`, so the fragment stays the single field list.
macro_rules! session_conversions {
    (user: $($m:ident),*; session: $($s:ident),*) => {
        $(
            impl From<$m::UserFields> for CurrentUser {
                fn from(u: $m::UserFields) -> Self {
                    CurrentUser {
                        id: u.id,
                        name: u.name,
                        email: u.email,
                        kind: u.kind,
                        role: u.role,
                        two_factor_enabled: u.two_factor_enabled,
                        timezone: u.timezone,
                        locale: u.locale,
                    }
                }
            }
        )*
        $(
            impl From<$s::SessionFields> for Session {
                fn from(s: $s::SessionFields) -> Self {
                    Session {
                        access_token: s.access_token,
                        access_token_expires_at: s.access_token_expires_at,
                        user: s.user.into(),
                    }
                }
            }
        )*
    };
}

session_conversions!(
    user: setup, login, verify_two_factor, refresh_session, me, accept_invitation, set_password, update_preferences;
    session: setup, login, verify_two_factor, refresh_session, accept_invitation, set_password
);

// The dashboards, and approval requests as they arrive.
operation!(DashboardOrders, "graphql/dashboard_orders.graphql");
operation!(UsagePeriod, "graphql/usage_period.graphql");
operation!(DashboardCounts, "graphql/dashboard_counts.graphql");
operation!(ApprovalRequested, "graphql/approval_requested.graphql");
