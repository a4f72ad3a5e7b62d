//! Creating and changing orders (MANAGER and above). Every change is audited in
//! its own transaction; provisioning that AUTO mode starts runs after commit.

use chrono::Utc;
use entity::{customer, order, plan, AutomationMode, OrderStatus};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{find_reachable, lifecycle, provisioning, transition, validate};
use crate::{
    auth::{capability::ManageOrders, Cap, RequestMeta},
    domain::audit,
    error::{AppError, FieldError},
    Services,
};

/// The input of [`create`], as the client sent it.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub customer_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub tier: String,
    pub domain: String,
    pub tools: Vec<String>,
    pub automation_mode: Option<AutomationMode>,
}

/// What [`update`] may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrderChanges {
    pub domain: Option<String>,
    pub tier: Option<String>,
    pub tools: Option<Vec<String>>,
    pub server_ip: Option<String>,
    pub ssh_port: Option<i32>,
    pub dashboard_url: Option<String>,
    pub portainer_url: Option<String>,
}

/// Creates a paid order (PAYMENT_CONFIRMED); in AUTO mode it starts provisioning.
pub async fn create(services: &Services, cap: &Cap<ManageOrders>, input: NewOrder, meta: &RequestMeta) -> Result<order::Model, AppError> {
    let mut fields = Vec::new();
    let tier = validate::tier("tier", &input.tier).map_err(|e| fields.push(e)).ok();
    let domain = validate::hostname("domain", &input.domain).map_err(|e| fields.push(e)).ok();
    let tools = validate::tools("tools", &input.tools).map_err(|e| fields.push(e)).ok();
    if customer::Entity::find_by_id(input.customer_id).one(&services.db).await?.is_none() {
        fields.push(FieldError::new("customerId", "no such customer"));
    }
    if let Some(plan_id) = input.plan_id {
        if plan::Entity::find_by_id(plan_id).one(&services.db).await?.is_none() {
            fields.push(FieldError::new("planId", "no such plan"));
        }
    }
    AppError::check_fields(fields)?;
    let (Some(tier), Some(domain), Some(tools)) = (tier, domain, tools) else { unreachable!("field errors were returned above") };

    let mode = input.automation_mode.unwrap_or(AutomationMode::Manual);
    let txn = crate::db::begin_write(&services.db).await?;
    let paid = PaidOrder { customer_id: input.customer_id, plan_id: input.plan_id, tier, domain, tools, automation_mode: mode };
    let created = insert_paid(&txn, paid).await?;
    let details = json!({ "customerId": created.customer_id, "domain": created.domain, "tier": created.tier, "automationMode": mode });
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "order.created", meta).target("order", created.id).details(details)).await?;
    txn.commit().await?;
    auto_start(services, cap, created, meta).await
}

/// A paid order's validated fields.
pub(crate) struct PaidOrder {
    pub customer_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub tier: String,
    pub domain: String,
    pub tools: Vec<String>,
    pub automation_mode: AutomationMode,
}

/// Inserts a PAYMENT_CONFIRMED order on `conn` (the caller's transaction).
pub(crate) async fn insert_paid<C: ConnectionTrait>(conn: &C, paid: PaidOrder) -> Result<order::Model, AppError> {
    let now = Utc::now();
    let row = order::ActiveModel {
        id: Set(Uuid::new_v4()),
        customer_id: Set(paid.customer_id),
        plan_id: Set(paid.plan_id),
        status: Set(OrderStatus::PaymentConfirmed),
        tier: Set(paid.tier),
        domain: Set(paid.domain),
        tools: Set(json!(paid.tools)),
        server_ip: Set(None),
        ssh_port: Set(None),
        automation_mode: Set(paid.automation_mode),
        dashboard_url: Set(None),
        portainer_url: Set(None),
        config_version: Set(0),
        failure_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        fulfilled_at: Set(None),
    };
    Ok(row.insert(conn).await?)
}

/// Changes domain, tier, tools or server details. Changing domain or tools bumps
/// `configVersion`, which tenants compare to know they must pull their config.
pub async fn update(
    services: &Services,
    cap: &Cap<ManageOrders>,
    id: Uuid,
    changes: OrderChanges,
    meta: &RequestMeta,
) -> Result<order::Model, AppError> {
    let mut fields = Vec::new();
    let mut ok = |r: Result<String, FieldError>| r.map_err(|e| fields.push(e)).ok();
    let domain = changes.domain.as_deref().and_then(|d| ok(validate::hostname("domain", d)));
    let tier = changes.tier.as_deref().and_then(|t| ok(validate::tier("tier", t)));
    let server_ip = changes.server_ip.as_deref().and_then(|i| ok(validate::ip("serverIp", i)));
    let dashboard_url = changes.dashboard_url.as_deref().and_then(|u| ok(validate::http_url("dashboardUrl", u)));
    let portainer_url = changes.portainer_url.as_deref().and_then(|u| ok(validate::http_url("portainerUrl", u)));
    let tools = changes.tools.as_deref().and_then(|t| validate::tools("tools", t).map_err(|e| fields.push(e)).ok());
    let ssh_port = changes.ssh_port.and_then(|p| validate::port("sshPort", p).map_err(|e| fields.push(e)).ok());
    AppError::check_fields(fields)?;

    let order = find_reachable(&services.db, cap, id).await?;
    let reconfigured = domain.as_ref().is_some_and(|d| *d != order.domain) || tools.as_ref().is_some_and(|t| json!(t) != order.tools);
    let mut changed = serde_json::Map::new();
    let mut update = order::Entity::update_many()
        .col_expr(order::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::Status.ne(OrderStatus::Cancelled));
    macro_rules! apply {
        ($value:expr, $column:ident, $key:literal) => {
            if let Some(v) = $value {
                changed.insert($key.into(), json!(v));
                update = update.col_expr(order::Column::$column, Expr::value(v));
            }
        };
    }
    apply!(domain, Domain, "domain");
    apply!(tier, Tier, "tier");
    apply!(tools.map(|t| json!(t)), Tools, "tools");
    apply!(server_ip, ServerIp, "serverIp");
    apply!(ssh_port, SshPort, "sshPort");
    apply!(dashboard_url, DashboardUrl, "dashboardUrl");
    apply!(portainer_url, PortainerUrl, "portainerUrl");
    if reconfigured {
        // In SQL, so two concurrent changes bump it twice.
        update = update.col_expr(order::Column::ConfigVersion, Expr::col(order::Column::ConfigVersion).add(1));
    }
    // The write comes first in the transaction (see `transition`); a CANCELLED order is frozen.
    let txn = crate::db::begin_write(&services.db).await?;
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::Conflict("a CANCELLED order cannot be changed".into()));
    }
    let entry = audit::Entry::new(Some(cap.user_id()), "order.updated", meta).target("order", id).details(json!({ "changed": changed }));
    audit::record(&txn, entry).await?;
    let updated = find_reachable(&txn, cap, id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Sets AUTO, MANUAL or PAUSED; switching to AUTO while PAYMENT_CONFIRMED starts provisioning.
pub async fn set_automation_mode(
    services: &Services,
    cap: &Cap<ManageOrders>,
    id: Uuid,
    mode: AutomationMode,
    meta: &RequestMeta,
) -> Result<order::Model, AppError> {
    let before = find_reachable(&services.db, cap, id).await?.automation_mode;
    let txn = crate::db::begin_write(&services.db).await?;
    order::Entity::update_many()
        .col_expr(order::Column::AutomationMode, Expr::value(mode))
        .col_expr(order::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(order::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let details = json!({ "before": before, "after": mode });
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "order.automation_changed", meta).target("order", id).details(details))
        .await?;
    let updated = find_reachable(&txn, cap, id).await?;
    txn.commit().await?;
    auto_start(services, cap, updated, meta).await
}

/// Cancels an order that is neither FULFILLED nor CANCELLED.
pub async fn cancel(services: &Services, cap: &Cap<ManageOrders>, id: Uuid, meta: &RequestMeta) -> Result<order::Model, AppError> {
    change_status(services, cap, id, OrderStatus::Cancelled, "order.cancelled", meta).await
}

/// Marks a paid order as waiting for its DNS records.
pub async fn mark_awaiting_dns(
    services: &Services,
    cap: &Cap<ManageOrders>,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<order::Model, AppError> {
    change_status(services, cap, id, OrderStatus::AwaitingDns, "order.awaiting_dns", meta).await
}

async fn change_status(
    services: &Services,
    cap: &Cap<ManageOrders>,
    id: Uuid,
    to: OrderStatus,
    action: &str,
    meta: &RequestMeta,
) -> Result<order::Model, AppError> {
    let order = find_reachable(&services.db, cap, id).await?;
    lifecycle::check(order.status, to)?;
    let txn = crate::db::begin_write(&services.db).await?;
    let change = transition(&txn, id, order.status, to, vec![]).await?;
    let details = json!({ "from": order.status, "to": to });
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), action, meta).target("order", id).details(details)).await?;
    let updated = find_reachable(&txn, cap, id).await?;
    txn.commit().await?;
    change.announce(services, updated.customer_id);
    Ok(updated)
}

/// Starts provisioning of a paid AUTO order and answers it as it now stands.
async fn auto_start(
    services: &Services,
    cap: &Cap<ManageOrders>,
    order: order::Model,
    meta: &RequestMeta,
) -> Result<order::Model, AppError> {
    if start_if_auto(services, Some(cap.user_id()), &order, meta).await {
        find_reachable(&services.db, cap, order.id).await
    } else {
        Ok(order)
    }
}

/// Starts provisioning of `order` if it is a paid AUTO order; whether a run
/// started. Staff-created and Stripe-created orders both come through here. The
/// order itself is already saved, so a refusal (another run just started) is
/// logged, not returned.
pub(crate) async fn start_if_auto(services: &Services, actor_id: Option<Uuid>, order: &order::Model, meta: &RequestMeta) -> bool {
    if order.automation_mode != AutomationMode::Auto || order.status != OrderStatus::PaymentConfirmed {
        return false;
    }
    match provisioning::start(services, actor_id, order.clone(), meta).await {
        Ok(_) => true,
        Err(err) => {
            tracing::warn!(order_id = %order.id, error = %err, "automatic provisioning did not start");
            false
        }
    }
}
