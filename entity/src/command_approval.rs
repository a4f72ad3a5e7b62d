//! `command_approvals`: an agent asks before running a gated command (spec 001 §4.9).

use sea_orm::entity::prelude::*;

use crate::control_types::ApprovalStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "command_approvals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub agent_id: String,
    /// `green`, `yellow`, `red`…: how risky the tenant judged the command.
    pub command_class: String,
    pub tool_name: String,
    pub tool_args: Json,
    pub human_readable: String,
    pub status: ApprovalStatus,
    pub requested_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<Uuid>,
    pub decision_reason: Option<String>,
    /// When the tenant learnt the decision (heartbeat or webhook).
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
