//! Deciding approvals exactly once, and expiring the ones nobody decided in time.

use chrono::{DateTime, Utc};
use entity::{command_approval, ApprovalStatus};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::orders_of;
use crate::{
    auth::{capability::DecideApprovals, Cap, RequestMeta},
    domain::{audit, webhooks},
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
    webhooks::enqueue(&txn, decided.order_id, webhooks::Event::approval_responded(&decided, cap.principal())).await?;
    txn.commit().await?;
    webhooks::wake(services);
    Ok(decided)
}

/// Marks every PENDING approval with `expires_at <= now` EXPIRED; returns how many.
/// Called by the scheduler; needs no capability.
pub async fn expire_stale(services: &Services, now: DateTime<Utc>) -> Result<u64, AppError> {
    let expired = command_approval::Entity::update_many()
        .col_expr(command_approval::Column::Status, Expr::value(ApprovalStatus::Expired))
        .filter(command_approval::Column::Status.eq(ApprovalStatus::Pending))
        .filter(command_approval::Column::ExpiresAt.lte(now))
        .exec(&services.db)
        .await?;
    Ok(expired.rows_affected)
}
