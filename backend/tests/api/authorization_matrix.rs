//! The authorization matrix of the control plane (CONTRACT.md §2): every query and
//! mutation, called as each role against objects of customer A, must give the
//! outcome written in [`MATRIX`]. One app serves the whole matrix; an operation that
//! consumes or changes its target gets a fresh one per cell, so that the cells do
//! not depend on one another or on their order. Every mismatch is collected and
//! reported at once.

use std::{fmt, time::Duration};

use chrono::Utc;
use entity::{order, stripe_customer, subscription, webhook_delivery, OrderStatus};
use hub::domain::{
    approvals::{self, ApprovalRequest},
    projects::sync_log,
};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::customers::{create_customer, signed_in_customer};
use crate::sites::{add_site, license};
use crate::{
    fake_child::FakeChild,
    fixtures::{failed_site, order_row},
    helpers::*,
    stripe_fake::FakeStripe,
};

/// What a cell must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// No errors, and data present (a list or connection with at least one item).
    Allow,
    /// No errors, but the list or connection is empty: none of A's rows show.
    Empty,
    Forbidden,
    NotFound,
    Unauthorized,
}

use Outcome::{Allow as A, Empty as E, Forbidden as F, NotFound as N, Unauthorized as U};

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            A => "ALLOW",
            E => "ALLOW (empty)",
            F => "FORBIDDEN",
            N => "NOT_FOUND",
            U => "UNAUTHORIZED",
        })
    }
}

/// The callers, in the order of a row's outcomes.
const ROLES: [&str; 7] = ["OWNER", "ADMIN", "MANAGER", "SUPPORT", "customer A", "customer B", "anonymous"];

/// The target a cell needs for itself, made just before the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fresh {
    /// The shared fixture is enough (reads, and writes that leave it as it was).
    Nothing,
    /// A PAYMENT_CONFIRMED order of customer A.
    PaidOrder,
    /// An agent on A's order.
    Agent,
    /// A PENDING approval on A's order.
    PendingApproval,
    /// A new customer account (a founding-member seat is granted once per customer).
    Customer,
    /// A FAILED site on A's licence.
    FailedSite,
    /// An API project of A that is not live yet.
    ApiProject,
    /// An active TEST key of A's API project.
    ApiKey,
    /// A TEST tier of A's API project.
    ApiTier,
    /// A TEST product of A's API store.
    ApiProduct,
    /// A pending staff invitation.
    Invitation,
    /// A deactivated SUPPORT member.
    DeactivatedStaff,
}

/// The objects of the fixture, all customer A's unless named otherwise.
struct Fixture {
    customer_a: Uuid,
    /// FULFILLED by one provisioning run, with a remote command queued.
    order: Uuid,
    agent: Uuid,
    /// PENDING; nobody decides it.
    approval: Uuid,
    /// A webhook delivery of `order` (its server registered a URL; nothing sends).
    delivery: Uuid,
    plan: Uuid,
    plan_name: String,
    /// On `matrix-project`, whose child (a fake one) provisions every site.
    license: Uuid,
    /// ACTIVE, on `license`.
    site: Uuid,
    /// A WARNING alert about customer A.
    alert: Uuid,
    /// A's API projects, key, tier and end user.
    api: crate::api_products::MatrixObjects,
}

/// One cell's own data: a number unique in the run, and its fresh target if any.
struct Cell {
    n: usize,
    fresh: Uuid,
}

struct Row {
    /// How the failure list names the row.
    name: &'static str,
    /// The top-level field the operation answers in.
    field: &'static str,
    query: &'static str,
    fresh: Fresh,
    vars: fn(&Fixture, &Cell) -> Value,
    /// OWNER, ADMIN, MANAGER, SUPPORT, customer A, customer B, anonymous.
    expect: [Outcome; 7],
}

/// The matrix. Per CONTRACT.md §2 and `auth/capability.rs`: staff-only operations
/// answer FORBIDDEN to customers; an object of A that B may not reach answers
/// NOT_FOUND (B learns nothing about whether it exists); anonymous callers are
/// always UNAUTHORIZED.
#[rustfmt::skip]
static MATRIX: &[Row] = &[
    // Customers: staff read all, a customer only their own record.
    Row { name: "customers", field: "customers", fresh: Fresh::Nothing,
        query: "query { customers(first: 5) { totalCount edges { node { id } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, F, F, U] },
    Row { name: "customer", field: "customer", fresh: Fresh::Nothing,
        query: "query($id: UUID!) { customer(id: $id) { id email } }",
        vars: |f, _| json!({ "id": f.customer_a }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "createCustomer", field: "createCustomer", fresh: Fresh::Nothing,
        query: "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }",
        vars: |_, c| json!({ "i": { "email": format!("matrix-{}@example.com", c.n), "name": "Matrix Customer" } }),
        expect: [A, A, F, F, F, F, U] },
    Row { name: "updateCustomer", field: "updateCustomer", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { updateCustomer(id: $id, input: { company: \"Acme\" }) { id } }",
        vars: |f, _| json!({ "id": f.customer_a }),
        expect: [A, A, A, F, F, F, U] },

    // Billing: the active plans for anyone signed in; the rest is ADMIN and above,
    // but for reading a subscription, which goes with reading the customer.
    Row { name: "plans", field: "plans", fresh: Fresh::Nothing,
        query: "query { plans { id } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, A, U] },
    Row { name: "plans(includeInactive)", field: "plans", fresh: Fresh::Nothing,
        query: "query { plans(includeInactive: true) { id } }",
        vars: |_, _| json!({}),
        expect: [A, A, F, F, F, F, U] },
    Row { name: "updatePlan", field: "updatePlan", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!, $n: String!) { updatePlan(id: $id, input: { name: $n }) { id } }",
        vars: |f, _| json!({ "id": f.plan, "n": f.plan_name }),
        expect: [A, A, F, F, F, F, U] },
    Row { name: "subscription", field: "subscription", fresh: Fresh::Nothing,
        query: "query($c: UUID!) { subscription(customerId: $c) { id status } }",
        vars: |f, _| json!({ "c": f.customer_a }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "setSubscription", field: "setSubscription", fresh: Fresh::Nothing,
        query: "mutation($c: UUID!, $p: UUID!) { setSubscription(customerId: $c, planId: $p, status: ACTIVE) { id } }",
        vars: |f, _| json!({ "c": f.customer_a, "p": f.plan }),
        expect: [A, A, F, F, F, F, U] },
    Row { name: "grantFoundingMember", field: "grantFoundingMember", fresh: Fresh::Customer,
        query: "mutation($c: UUID!, $e: DateTime!) { grantFoundingMember(customerId: $c, tokenMultiplier: 2, expiresAt: $e) { id } }",
        vars: |_, c| json!({ "c": c.fresh, "e": Utc::now() + chrono::Duration::days(365) }),
        expect: [A, A, F, F, F, F, U] },

    // Paying through Stripe (against the fake): ADMIN and above for any customer,
    // a customer for themselves.
    Row { name: "startCheckout", field: "startCheckout", fresh: Fresh::Nothing,
        query: "mutation($i: StartCheckoutInput!) { startCheckout(input: $i) { url } }",
        vars: |f, c| json!({ "i": { "customerId": f.customer_a, "planId": f.plan, "domain": format!("pay-{}.example.com", c.n) } }),
        expect: [A, A, F, F, A, N, U] },
    Row { name: "openBillingPortal", field: "openBillingPortal", fresh: Fresh::Nothing,
        query: "mutation($c: UUID!) { openBillingPortal(customerId: $c) { url } }",
        vars: |f, _| json!({ "c": f.customer_a }),
        expect: [A, A, F, F, A, N, U] },
    Row { name: "cancelSubscription", field: "cancelSubscription", fresh: Fresh::Nothing,
        query: "mutation($c: UUID!) { cancelSubscription(customerId: $c) { cancelAtPeriodEnd } }",
        vars: |f, _| json!({ "c": f.customer_a }),
        expect: [A, A, F, F, A, N, U] },

    // Orders: staff read all, a customer their own; changes are MANAGER and above.
    Row { name: "orders", field: "orders", fresh: Fresh::Nothing,
        query: "query { orders(first: 5) { totalCount edges { node { id } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, E, U] },
    Row { name: "order", field: "order", fresh: Fresh::Nothing,
        query: "query($id: UUID!) { order(id: $id) { id status } }",
        vars: |f, _| json!({ "id": f.order }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "createOrder", field: "createOrder", fresh: Fresh::Nothing,
        query: "mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }",
        vars: |f, c| json!({ "i": { "customerId": f.customer_a, "tier": "Build", "domain": format!("matrix-{}.example.com", c.n) } }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "updateOrder", field: "updateOrder", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { updateOrder(id: $id, input: { tier: \"Build\" }) { id } }",
        vars: |f, _| json!({ "id": f.order }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "setAutomationMode", field: "setAutomationMode", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { setAutomationMode(id: $id, mode: MANUAL) { id } }",
        vars: |f, _| json!({ "id": f.order }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "provisionOrder", field: "provisionOrder", fresh: Fresh::PaidOrder,
        query: "mutation($id: UUID!) { provisionOrder(id: $id) { id } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "cancelOrder", field: "cancelOrder", fresh: Fresh::PaidOrder,
        query: "mutation($id: UUID!) { cancelOrder(id: $id) { id } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "markOrderAwaitingDns", field: "markOrderAwaitingDns", fresh: Fresh::PaidOrder,
        query: "mutation($id: UUID!) { markOrderAwaitingDns(id: $id) { id } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "issueRegistrationToken", field: "issueRegistrationToken", fresh: Fresh::Nothing,
        query: "mutation($o: UUID!) { issueRegistrationToken(orderId: $o) }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "provisioningJobs", field: "provisioningJobs", fresh: Fresh::Nothing,
        query: "query($o: UUID!) { provisioningJobs(orderId: $o) { id } }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "provisioningLog", field: "provisioningLog", fresh: Fresh::Nothing,
        query: "query($o: UUID!) { provisioningLog(orderId: $o, first: 5) { totalCount } }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, A, A, N, U] },

    // Remote commands: SUPPORT and above queue them; reading goes with the order.
    Row { name: "queueRemoteCommand", field: "queueRemoteCommand", fresh: Fresh::Nothing,
        query: "mutation($o: UUID!) { queueRemoteCommand(orderId: $o, command: RESTART_SERVICE) { id } }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, A, F, F, U] },
    Row { name: "remoteCommands", field: "remoteCommands", fresh: Fresh::Nothing,
        query: "query($o: UUID!) { remoteCommands(orderId: $o, first: 5) { totalCount } }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, A, A, N, U] },

    // Agents: staff read all, a customer their own orders'; ADMIN and above change
    // them, and a customer may tune their own agents' behaviour fields only.
    Row { name: "agentTemplates", field: "agentTemplates", fresh: Fresh::Nothing,
        query: "query { agentTemplates { role } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, A, U] },
    Row { name: "agents", field: "agents", fresh: Fresh::Nothing,
        query: "query($o: UUID!) { agents(orderId: $o) { id } }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "deployAgent", field: "deployAgent", fresh: Fresh::Nothing,
        query: "mutation($o: UUID!, $i: DeployAgentInput!) { deployAgent(orderId: $o, input: $i) { id } }",
        vars: |f, c| json!({ "o": f.order, "i": { "role": "sales", "agentId": format!("matrix-{}", c.n) } }),
        expect: [A, A, F, F, F, F, U] },
    // Staff-only fields are refused to customers before the agent is looked up,
    // so B learns nothing either way.
    Row { name: "updateAgent (staff fields)", field: "updateAgent", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { updateAgent(id: $id, input: { name: \"Matrix Secretary\", isActive: true }) { id } }",
        vars: |f, _| json!({ "id": f.agent }),
        expect: [A, A, F, F, F, F, U] },
    Row { name: "updateAgent (customer fields)", field: "updateAgent", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { updateAgent(id: $id, input: { soulMd: \"# Matrix\", autonomyLevel: 2, externalCommsUnlocks: {} }) { id } }",
        vars: |f, _| json!({ "id": f.agent }),
        expect: [A, A, F, F, A, N, U] },
    Row { name: "removeAgent", field: "removeAgent", fresh: Fresh::Agent,
        query: "mutation($id: UUID!) { removeAgent(id: $id) { id } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [A, A, F, F, F, F, U] },

    // Approvals: staff read all, a customer their own; ADMIN and above or the
    // owning customer decide.
    Row { name: "approvals", field: "approvals", fresh: Fresh::Nothing,
        query: "query { approvals(first: 5) { totalCount edges { node { id } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, E, U] },
    Row { name: "approval", field: "approval", fresh: Fresh::Nothing,
        query: "query($id: UUID!) { approval(id: $id) { id toolArgs } }",
        vars: |f, _| json!({ "id": f.approval }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "decideApproval", field: "decideApproval", fresh: Fresh::PendingApproval,
        query: "mutation($id: UUID!) { decideApproval(id: $id, action: DENY, reason: \"matrix\") { id status } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [A, A, F, F, A, N, U] },

    // Bridge projects (spec 000): staff read them and the sync log; MANAGER and
    // above register projects and rotate their secrets.
    Row { name: "registerProject", field: "registerProject", fresh: Fresh::Nothing,
        query: "mutation($i: RegisterProjectInput!) { registerProject(input: $i) { projectKey secret } }",
        vars: |_, c| json!({ "i": { "slug": format!("matrix-{}", c.n), "name": "Matrix", "baseUrl": "https://matrix.example.com" } }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "rotateProjectSecret", field: "rotateProjectSecret", fresh: Fresh::Nothing,
        query: "mutation { rotateProjectSecret(slug: \"matrix-project\") { secret } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "projects", field: "projects", fresh: Fresh::Nothing,
        query: "query { projects(first: 5) { totalCount edges { node { slug } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, F, F, U] },
    Row { name: "project", field: "project", fresh: Fresh::Nothing,
        query: "query { project(slug: \"matrix-project\") { slug projectKey } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, F, F, U] },
    Row { name: "syncLogs", field: "syncLogs", fresh: Fresh::Nothing,
        query: "query { syncLogs(first: 5) { totalCount edges { node { id } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, F, F, U] },

    // Insights (issue 6): staff read them (money fields ADMIN and above, see
    // tests/api/insights.rs); customers may not.
    Row { name: "insightsOverview", field: "insightsOverview", fresh: Fresh::Nothing,
        query: "query { insightsOverview(from: \"2026-03-01\", to: \"2026-03-31\") { customersTotal activeOrders } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, F, F, U] },
    Row { name: "projectInsights", field: "projectInsights", fresh: Fresh::Nothing,
        query: "query { projectInsights(slug: \"matrix-project\", from: \"2026-03-01\", to: \"2026-03-31\") { project { slug } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, F, F, U] },
    Row { name: "vendorInsights", field: "vendorInsights", fresh: Fresh::Nothing,
        query: "query { vendorInsights(vendorId: 101, from: \"2026-03-01\", to: \"2026-03-31\") { vendorId } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, F, F, U] },
    Row { name: "pingProject", field: "pingProject", fresh: Fresh::Nothing,
        query: "mutation { pingProject(slug: \"matrix-project\") { slug lastPing { ok } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, F, F, F, U] },

    // Licences and sites: staff read all, a customer their own; MANAGER and above
    // sell licences and retry provisioning; they or the licence's customer add sites.
    Row { name: "licenses", field: "licenses", fresh: Fresh::Nothing,
        query: "query { licenses(first: 5) { totalCount edges { node { id } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, E, U] },
    Row { name: "sites", field: "sites", fresh: Fresh::Nothing,
        query: "query { sites(first: 5) { totalCount edges { node { uuid } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, E, U] },
    Row { name: "site", field: "site", fresh: Fresh::Nothing,
        query: "query($u: UUID!) { site(uuid: $u) { uuid status } }",
        vars: |f, _| json!({ "u": f.site }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "createLicense", field: "createLicense", fresh: Fresh::Nothing,
        query: "mutation($i: CreateLicenseInput!) { createLicense(input: $i) { id } }",
        vars: |f, _| json!({ "i": { "customerId": f.customer_a, "projectSlug": "matrix-project", "plan": "PRO", "maxSites": 1 } }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "setLicenseStatus", field: "setLicenseStatus", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { setLicenseStatus(id: $id, status: ACTIVE) { id } }",
        vars: |f, _| json!({ "id": f.license }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "addSite", field: "addSite", fresh: Fresh::Nothing,
        query: "mutation($l: UUID!, $i: AddSiteInput!) { addSite(licenseId: $l, input: $i) { uuid status } }",
        vars: |f, c| json!({ "l": f.license, "i": { "name": "Matrix", "slug": format!("matrix-{}", c.n), "domain": "matrix.example.com" } }),
        expect: [A, A, A, F, A, N, U] },
    Row { name: "retrySiteProvisioning", field: "retrySiteProvisioning", fresh: Fresh::FailedSite,
        query: "mutation($u: UUID!) { retrySiteProvisioning(uuid: $u) { uuid status } }",
        vars: |_, c| json!({ "u": c.fresh }),
        expect: [A, A, A, F, F, F, U] },

    // Webhook deliveries and the endpoint are read with the order (a customer
    // their own); redelivering and re-enabling are order management.
    Row { name: "webhookDeliveries", field: "webhookDeliveries", fresh: Fresh::Nothing,
        query: "query($o: UUID!) { webhookDeliveries(orderId: $o, first: 5) { totalCount edges { node { id attemptLog { attempt } } } } }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "webhookEndpoint", field: "webhookEndpoint", fresh: Fresh::Nothing,
        query: "query($o: UUID!) { webhookEndpoint(orderId: $o) { url enabled } }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "redeliverWebhook", field: "redeliverWebhook", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { redeliverWebhook(deliveryId: $id) { id status } }",
        vars: |f, _| json!({ "id": f.delivery }),
        expect: [A, A, A, F, F, F, U] },
    Row { name: "enableWebhookEndpoint", field: "enableWebhookEndpoint", fresh: Fresh::Nothing,
        query: "mutation($o: UUID!) { enableWebhookEndpoint(orderId: $o) { enabled } }",
        vars: |f, _| json!({ "o": f.order }),
        expect: [A, A, A, F, F, F, U] },
    // Staff console (issue 7): every order's deliveries at once (a customer
    // their own orders'; B has none); ADMIN and above revoke invitations and
    // reactivate staff.
    Row { name: "webhookDeliveries (all orders)", field: "webhookDeliveries", fresh: Fresh::Nothing,
        query: "query { webhookDeliveries(first: 5) { totalCount nodes { id orderId } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, E, U] },
    Row { name: "revokeInvitation", field: "revokeInvitation", fresh: Fresh::Invitation,
        query: "mutation($id: UUID!) { revokeInvitation(id: $id) { id } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [A, A, F, F, F, F, U] },
    Row { name: "reactivateStaff", field: "reactivateStaff", fresh: Fresh::DeactivatedStaff,
        query: "mutation($id: UUID!) { reactivateStaff(id: $id) { id active } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [A, A, F, F, F, F, U] },

    // Alerts: SUPPORT and above read and acknowledge all, a customer their own
    // (acknowledging again answers the alert unchanged).
    Row { name: "alerts", field: "alerts", fresh: Fresh::Nothing,
        query: "query { alerts(first: 5) { totalCount edges { node { id } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, E, U] },
    Row { name: "acknowledgeAlert", field: "acknowledgeAlert", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { acknowledgeAlert(id: $id) { id acknowledgedAt } }",
        vars: |f, _| json!({ "id": f.alert }),
        expect: [A, A, A, A, A, N, U] },

    // Metering: SUPPORT and above read usage, ADMIN and above billing periods; a
    // customer their own.
    Row { name: "usage", field: "usage", fresh: Fresh::Nothing,
        query: "query($c: UUID!, $f: DateTime!, $t: DateTime!) { usage(customerId: $c, from: $f, to: $t, granularity: DAY, groupBy: MODEL) { series { key } } }",
        vars: |f, _| json!({ "c": f.customer_a, "f": Utc::now() - chrono::Duration::days(7), "t": Utc::now() }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "usageSummary", field: "usageSummary", fresh: Fresh::Nothing,
        query: "query($c: UUID!) { usageSummary(customerId: $c) { allotmentTokens usedTokens } }",
        vars: |f, _| json!({ "c": f.customer_a }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "billingPeriods", field: "billingPeriods", fresh: Fresh::Nothing,
        query: "query($c: UUID!) { billingPeriods(customerId: $c, first: 5) { totalCount edges { node { id status } } } }",
        vars: |f, _| json!({ "c": f.customer_a }),
        expect: [A, A, F, F, A, N, U] },
    // API products (spec 003): staff SUPPORT and above read every project, its
    // tiers, products and end users; keys and every change are the owner's alone.
    Row { name: "apiProjects", field: "apiProjects", fresh: Fresh::Nothing,
        query: "query { apiProjects(first: 5) { totalCount edges { node { id } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, E, U] },
    Row { name: "apiProject", field: "apiProject", fresh: Fresh::Nothing,
        query: "query($id: UUID!) { apiProject(id: $id) { id kind } }",
        vars: |f, _| json!({ "id": f.api.project }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "createApiProject", field: "createApiProject", fresh: Fresh::Nothing,
        query: "mutation { createApiProject(input: { name: \"Matrix\", kind: SAAS }) { project { id } } }",
        vars: |_, _| json!({}),
        expect: [F, F, F, F, A, A, U] },
    Row { name: "updateApiProject", field: "updateApiProject", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { updateApiProject(id: $id, input: { name: \"My SAAS\" }) { id } }",
        vars: |f, _| json!({ "id": f.api.project }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "promoteApiProject", field: "promoteApiProject", fresh: Fresh::ApiProject,
        query: "mutation($id: UUID!) { promoteApiProject(id: $id) { project { liveAt } } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "apiKeys", field: "apiKeys", fresh: Fresh::Nothing,
        query: "query($p: UUID!) { apiKeys(projectId: $p, mode: TEST) { id secretHint } }",
        vars: |f, _| json!({ "p": f.api.project }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "createApiKey", field: "createApiKey", fresh: Fresh::Nothing,
        query: "mutation($p: UUID!) { createApiKey(projectId: $p, mode: TEST) { key { id } } }",
        vars: |f, _| json!({ "p": f.api.project }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "revokeApiKey", field: "revokeApiKey", fresh: Fresh::ApiKey,
        query: "mutation($id: UUID!) { revokeApiKey(id: $id) { id status } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "rotateApiKey", field: "rotateApiKey", fresh: Fresh::ApiKey,
        query: "mutation($id: UUID!) { rotateApiKey(id: $id) { key { id } } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "apiTiers", field: "apiTiers", fresh: Fresh::Nothing,
        query: "query($p: UUID!) { apiTiers(projectId: $p, mode: TEST) { id name } }",
        vars: |f, _| json!({ "p": f.api.project }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "upsertApiTier", field: "upsertApiTier", fresh: Fresh::Nothing,
        query: "mutation($i: ApiTierInput!) { upsertApiTier(input: $i) { id } }",
        vars: |f, _| json!({ "i": { "projectId": f.api.project, "mode": "TEST", "name": "matrix", "displayName": "Matrix", "priceMinor": 0, "currency": "eur", "usageLimit": 10 } }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "deleteApiTier", field: "deleteApiTier", fresh: Fresh::ApiTier,
        query: "mutation($id: UUID!) { deleteApiTier(id: $id) { id } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "apiProducts", field: "apiProducts", fresh: Fresh::Nothing,
        query: "query($p: UUID!) { apiProducts(projectId: $p, mode: TEST) { id inventory } }",
        vars: |f, _| json!({ "p": f.api.store }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "upsertApiProduct", field: "upsertApiProduct", fresh: Fresh::Nothing,
        query: "mutation($i: ApiProductInput!) { upsertApiProduct(input: $i) { id } }",
        vars: |f, c| json!({ "i": { "projectId": f.api.store, "mode": "TEST", "name": format!("Matrix {}", c.n), "priceMinor": 100, "currency": "eur", "inventory": 3 } }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "deleteApiProduct", field: "deleteApiProduct", fresh: Fresh::ApiProduct,
        query: "mutation($id: UUID!) { deleteApiProduct(id: $id) { id } }",
        vars: |_, c| json!({ "id": c.fresh }),
        expect: [F, F, F, F, A, N, U] },
    Row { name: "apiEndUsers", field: "apiEndUsers", fresh: Fresh::Nothing,
        query: "query($p: UUID!) { apiEndUsers(projectId: $p, mode: TEST, first: 5) { totalCount edges { node { externalId usageCount } } } }",
        vars: |f, _| json!({ "p": f.api.project }),
        expect: [A, A, A, A, A, N, U] },
    Row { name: "setApiEndUserTier", field: "setApiEndUserTier", fresh: Fresh::Nothing,
        query: "mutation($id: UUID!) { setApiEndUserTier(id: $id, tierName: \"matrix\") { id tierName } }",
        vars: |f, _| json!({ "id": f.api.end_user }),
        expect: [F, F, F, F, A, N, U] },

    // Settings and the audit log: ADMIN and above.
    Row { name: "settings", field: "settings", fresh: Fresh::Nothing,
        query: "query { settings { key } }",
        vars: |_, _| json!({}),
        expect: [A, A, F, F, F, F, U] },
    Row { name: "updateSettings", field: "updateSettings", fresh: Fresh::Nothing,
        query: "mutation($v: JSON!) { updateSettings(values: $v) { key } }",
        vars: |_, _| json!({ "v": { "ui.matrix_probe": true } }),
        expect: [A, A, F, F, F, F, U] },
    Row { name: "auditLog", field: "auditLog", fresh: Fresh::Nothing,
        query: "query { auditLog(first: 5) { totalCount edges { node { id action } } } }",
        vars: |_, _| json!({}),
        expect: [A, A, F, F, F, F, U] },

    // Notification settings: every signed-in account reads and changes its own.
    Row { name: "notificationSettings", field: "notificationSettings", fresh: Fresh::Nothing,
        query: "query { notificationSettings { emailEnabled minSeverity alertTypes } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, A, U] },
    Row { name: "updateNotificationSettings", field: "updateNotificationSettings", fresh: Fresh::Nothing,
        query: "mutation { updateNotificationSettings(input: { minSeverity: CRITICAL }) { minSeverity } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, A, U] },

    // Display preferences: every signed-in account reads and changes its own.
    Row { name: "me", field: "me", fresh: Fresh::Nothing,
        query: "query { me { id timezone locale } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, A, U] },
    Row { name: "supportedLocales", field: "supportedLocales", fresh: Fresh::Nothing,
        query: "query { supportedLocales { code name } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, A, U] },
    Row { name: "updatePreferences", field: "updatePreferences", fresh: Fresh::Nothing,
        query: "mutation { updatePreferences(input: { timezone: \"UTC\", locale: \"en-US\" }) { id timezone locale } }",
        vars: |_, _| json!({}),
        expect: [A, A, A, A, A, A, U] },
];

/// What a cell actually answered, in the terms of [`Outcome`] where it can be.
fn observed(res: &Gql, field: &str) -> String {
    if let Some(errors) = res.body["errors"].as_array() {
        let code = errors.first().and_then(|e| e["extensions"]["code"].as_str()).unwrap_or("NO_CODE");
        return code.to_owned();
    }
    let data = &res.body["data"][field];
    let empty = match data {
        Value::Null => return "NO_DATA".into(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.get("totalCount").is_some_and(|t| t == 0),
        _ => false,
    };
    (if empty { E } else { A }).to_string()
}

/// A PAYMENT_CONFIRMED, MANUAL order of `customer_id`, written directly.
async fn paid_order(app: &TestApp, customer_id: Uuid) -> Uuid {
    order_row(app, customer_id, OrderStatus::PaymentConfirmed, None, json!(["ghost"])).await
}

async fn pending_approval(app: &TestApp, order: Uuid) -> Uuid {
    let ask = ApprovalRequest {
        agent_id: "it-admin".into(),
        command_class: "red".into(),
        tool_name: "file_delete".into(),
        tool_args: json!({ "path": "/opt/letsbe/tmp/*" }),
        human_readable: "IT Admin wants to delete temporary files".into(),
    };
    approvals::request(&app.services, order, ask).await.unwrap().id
}

async fn deploy(app: &TestApp, owner: &str, order: Uuid, role: &str, agent_id: &str) -> Uuid {
    let res = app
        .gql(
            "mutation($o: UUID!, $i: DeployAgentInput!) { deployAgent(orderId: $o, input: $i) { id } }",
            json!({ "o": order, "i": { "role": role, "agentId": agent_id } }),
            Some(owner),
        )
        .await;
    res.data("deployAgent.id").as_str().unwrap().parse().unwrap()
}

/// Gives the plan a Stripe price, and customer A a Stripe customer and a
/// subscription billed through Stripe.
async fn bill_through_stripe(app: &TestApp, owner: &str, customer_a: Uuid, plan: Uuid) {
    app.gql(
        "mutation($id: UUID!) { updatePlan(id: $id, input: { stripePriceId: \"price_matrix\" }) { id } }",
        json!({ "id": plan }),
        Some(owner),
    )
    .await
    .data("updatePlan.id");
    let link = stripe_customer::ActiveModel {
        customer_id: Set(customer_a),
        stripe_customer_id: Set("cus_matrix".into()),
        created_at: Set(Utc::now()),
    };
    link.insert(&app.services.db).await.unwrap();
    subscription::Entity::update_many()
        .col_expr(subscription::Column::StripeSubscriptionId, Expr::value("sub_matrix"))
        .filter(subscription::Column::CustomerId.eq(customer_a))
        .exec(&app.services.db)
        .await
        .unwrap();
}

/// Waits until the order has left PROVISIONING; returns its status.
async fn settled(app: &TestApp, id: Uuid) -> OrderStatus {
    for _ in 0..500 {
        let found = order::Entity::find_by_id(id).one(&app.services.db).await.unwrap().unwrap();
        if found.status != OrderStatus::Provisioning {
            return found.status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("order {id} is still PROVISIONING");
}

#[tokio::test]
async fn every_control_plane_operation_answers_each_role_as_the_contract_says() {
    let stripe = FakeStripe::start().await;
    let app = spawn_app_with(|c| {
        c.provisioning.simulated_step_ms = 1;
        c.rate_limit.per_minute = 10_000;
        stripe.configure(c);
    })
    .await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (a_id, a_token) = signed_in_customer(&app, &owner, "a@example.com").await;
    let (_, b_token) = signed_in_customer(&app, &owner, "b@example.com").await;
    let customer_a: Uuid = a_id.parse().unwrap();

    // Customer A: a subscription, an order provisioned once with a command queued,
    // an agent, a pending approval; and one setting, so that every read has data.
    let plans = app.gql("query { plans { id name } }", json!({}), Some(&owner)).await;
    let plan = &plans.data("plans")[0];
    let (plan, plan_name) = (plan["id"].as_str().unwrap().parse().unwrap(), plan["name"].as_str().unwrap().to_owned());
    app.gql(
        "mutation($c: UUID!, $p: UUID!) { setSubscription(customerId: $c, planId: $p, status: ACTIVE) { id } }",
        json!({ "c": customer_a, "p": plan }),
        Some(&owner),
    )
    .await
    .data("setSubscription.id");
    bill_through_stripe(&app, &owner, customer_a, plan).await;
    let order = paid_order(&app, customer_a).await;
    app.gql("mutation($id: UUID!) { provisionOrder(id: $id) { id } }", json!({ "id": order }), Some(&owner))
        .await
        .data("provisionOrder.id");
    assert_eq!(settled(&app, order).await, OrderStatus::Fulfilled);
    crate::webhooks::register(&app, &owner, order, Some("http://127.0.0.1:9")).await;
    app.gql("mutation($o: UUID!) { queueRemoteCommand(orderId: $o, command: RELOAD_CONFIG) { id } }", json!({ "o": order }), Some(&owner))
        .await
        .data("queueRemoteCommand.id");
    let agent = deploy(&app, &owner, order, "secretary", "secretary").await;
    let approval = pending_approval(&app, order).await;
    app.gql("mutation($v: JSON!) { updateSettings(values: $v) { key } }", json!({ "v": { "ui.matrix_seed": 1 } }), Some(&owner))
        .await
        .data("updateSettings");
    let _child = FakeChild::registered(&app, &owner, "matrix-project").await;
    let license: Uuid = license(&app, &owner, &a_id, "matrix-project", 1_000).await.parse().unwrap();
    let site = add_site(&app, &owner, &license.to_string(), "matrix-site").await;
    let site: Uuid = site.data("addSite.uuid").as_str().unwrap().parse().unwrap();
    let call = sync_log::Call {
        project_slug: "matrix-project",
        endpoint: "/api/internal/saas/site-stats",
        status: 200,
        latency_ms: 1,
        error: None,
    };
    sync_log::record_inbound(&app.services, call).await.unwrap();
    let delivery = webhook_delivery::Entity::find().one(&app.services.db).await.unwrap().expect("the queued command's delivery").id;
    let alert = crate::live_alerts::raise(&app, Some(customer_a), entity::AlertSeverity::Warning, "matrix").await.id;
    hub::domain::metering::periods::ensure(&app.services.db, customer_a, Utc::now()).await.unwrap();
    let api = crate::api_products::matrix_objects(&app, &a_token).await;
    let fixture = Fixture { customer_a, order, agent, approval, delivery, plan, plan_name, license, site, alert, api };

    let tokens: [Option<&str>; 7] = [Some(&owner), Some(&admin), Some(&manager), Some(&support), Some(&a_token), Some(&b_token), None];
    let mut n = 0;
    let mut mismatches = Vec::new();
    for row in MATRIX {
        for (who, (token, expected)) in tokens.iter().zip(row.expect).enumerate() {
            n += 1;
            let fresh = match row.fresh {
                Fresh::Nothing => Uuid::nil(),
                Fresh::PaidOrder => paid_order(&app, customer_a).await,
                Fresh::Agent => deploy(&app, &owner, order, "marketing", &format!("fresh-{n}")).await,
                Fresh::PendingApproval => pending_approval(&app, order).await,
                Fresh::Customer => {
                    let (id, _) = create_customer(&app, &owner, &format!("fresh-{n}@example.com"), None).await;
                    id.parse().unwrap()
                }
                Fresh::FailedSite => failed_site(&app, license, &format!("fresh-{n}")).await,
                Fresh::ApiProject => crate::api_products::fresh_project(&app, &a_token).await,
                Fresh::ApiKey => crate::api_products::fresh_key(&app, &a_token, fixture.api.project).await,
                Fresh::ApiTier => {
                    crate::api_products::fresh_tier(&app, &a_token, &fixture.api.project.to_string(), &format!("fresh-{n}")).await
                }
                Fresh::ApiProduct => crate::api_products::fresh_product(&app, &a_token, fixture.api.store, &format!("fresh-{n}")).await,
                Fresh::Invitation => crate::staff_revocation::fresh_invitation(&app, &owner, &format!("fresh-{n}@example.com")).await,
                Fresh::DeactivatedStaff => crate::staff_revocation::deactivated(&app, &owner, &format!("fresh-{n}@example.com")).await,
            };
            let res = app.gql(row.query, (row.vars)(&fixture, &Cell { n, fresh }), *token).await;
            let got = observed(&res, row.field);
            let denied = matches!(expected, F | N | U);
            let leaked = denied && !res.body["data"][row.field].is_null();
            if got != expected.to_string() || leaked {
                let leak = if leaked { " (and returned data)" } else { "" };
                let message = res.message();
                mismatches.push(format!("{:<30} {:<11} expected {:<13} got {got}{leak}  {message}", row.name, ROLES[who], expected));
            }
        }
    }
    assert!(mismatches.is_empty(), "{} of {n} cells differ from the matrix:\n{}", mismatches.len(), mismatches.join("\n"));
}
