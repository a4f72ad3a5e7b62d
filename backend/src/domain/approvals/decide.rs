//! Deciding approvals exactly once, and expiring the ones nobody decided in time
//! (each expiry raises APPROVAL_EXPIRED for the customer). Either way the
//! approval's APPROVAL_REQUESTED alert is resolved: nothing is left to decide.

use chrono::{DateTime, Utc};
use entity::{alert, command_approval, order, AlertSeverity, ApprovalStatus};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait};
use serde_json::json;
use uuid::Uuid;

use super::orders_of;
use crate::{
    auth::{capability::DecideApprovals, Cap, RequestMeta},
    domain::{
        alerts::{self, NewAlert},
        audit, webhooks,
    },
    error::AppError,
    Services,
};

const MAX_REASON: usize = 2_000;

/// What the decider chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Deny,
}

/// Approves or denies a PENDING, unexpired approval; anything else is `CONFLICT`.
pub async fn decide(
    services: &Services,
    cap: &Cap<DecideApprovals>,
    id: Uuid,
    decision: Decision,
    reason: Option<String>,
    meta: &RequestMeta,
) -> Result<command_approval::Model, AppError> {
    let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(AppError::invalid("reason", format!("must be at most {MAX_REASON} characters")));
    }
    let mut find = command_approval::Entity::find_by_id(id);
    if let Some(customer) = cap.customer_scope() {
        find = find.filter(command_approval::Column::OrderId.in_subquery(orders_of(customer)));
    }
    // Reach is checked before the transaction so that its first statement is the
    // guarded write (on SQLite a read first could not upgrade to a write under load).
    let approval = find.one(&services.db).await?.ok_or_else(|| AppError::NotFound("no such approval".into()))?;
    let txn = crate::db::begin_write(&services.db).await?;
    let now = Utc::now();
    let status = match decision {
        Decision::Approve => ApprovalStatus::Approved,
        Decision::Deny => ApprovalStatus::Denied,
    };
    // The condition is the guard: of two deciders racing, only one row update lands.
    let claimed = command_approval::Entity::update_many()
        .col_expr(command_approval::Column::Status, Expr::value(status))
        .col_expr(command_approval::Column::DecidedAt, Expr::value(now))
        .col_expr(command_approval::Column::DecidedBy, Expr::value(cap.user_id()))
        .col_expr(command_approval::Column::DecisionReason, Expr::value(reason.clone()))
        .filter(command_approval::Column::Id.eq(id))
        .filter(command_approval::Column::Status.eq(ApprovalStatus::Pending))
        .filter(command_approval::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        let current = command_approval::Entity::find_by_id(id).one(&txn).await?.map_or(approval.status, |a| a.status);
        let why = match current {
            ApprovalStatus::Pending if approval.expires_at > now => "changed meanwhile",
            ApprovalStatus::Pending | ApprovalStatus::Expired => "has expired",
            ApprovalStatus::Approved => "was already approved",
            ApprovalStatus::Denied => "was already denied",
        };
        return Err(AppError::Conflict(format!("this approval {why}")));
    }
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "approval.decided", meta).target("approval", id).details(json!({
            "orderId": approval.order_id,
            "decision": if decision == Decision::Approve { "APPROVE" } else { "DENY" },
            "toolName": approval.tool_name,
        })),
    )
    .await?;
    let decided = command_approval::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound("no such approval".into()))?;
    alerts::resolve_by_key(&txn, &alerts::approval_requested_key(id)).await?;
    webhooks::enqueue(&txn, decided.order_id, webhooks::Event::approval_responded(&decided, cap.principal())).await?;
    txn.commit().await?;
    webhooks::wake(services);
    Ok(decided)
}

/// Marks every PENDING approval with `expires_at <= now` EXPIRED, raising one
/// APPROVAL_EXPIRED alert each for the order's customer, in one transaction;
/// announces them after commit and answers the alerts raised. Called by the
/// `approval-expiry` job; needs no capability.
pub async fn expire_stale(services: &Services, now: DateTime<Utc>) -> Result<Vec<alert::Model>, AppError> {
    use command_approval::Column as C;
    let txn = crate::db::begin_write(&services.db).await?;
    let mut update = command_approval::Entity::update_many()
        .col_expr(C::Status, Expr::value(ApprovalStatus::Expired))
        .filter(C::Status.eq(ApprovalStatus::Pending))
        .filter(C::ExpiresAt.lte(now))
        .into_query();
    update.returning_all();
    let rows = txn.query_all(&update).await?;
    let expired = rows.iter().map(|row| command_approval::Model::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
    let order_ids: Vec<_> = expired.iter().map(|a| a.order_id).collect();
    let orders = order::Entity::find().filter(order::Column::Id.is_in(order_ids)).all(&txn).await?;
    let mut raised = Vec::new();
    for approval in &expired {
        let order = orders.iter().find(|o| o.id == approval.order_id);
        let domain = order.map_or_else(|| approval.order_id.to_string(), |o| o.domain.clone());
        let alert = NewAlert {
            alert_type: alerts::APPROVAL_EXPIRED,
            severity: AlertSeverity::Warning,
            customer_id: order.map(|o| o.customer_id),
            subject: Some(("approval", approval.id.to_string())),
            message: format!(
                "Nobody decided within 24 hours, so agent {} on {domain} may not run {}: {}",
                approval.agent_id, approval.tool_name, approval.human_readable
            ),
            dedupe_key: Some(format!("approval_expired:{}", approval.id)),
        };
        raised.extend(alerts::raise(&txn, alert).await?);
        alerts::resolve_by_key(&txn, &alerts::approval_requested_key(approval.id)).await?;
    }
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    Ok(raised)
}
