//! `remote_commands`: commands staff queue for an order's server until its heartbeat collects them.

use sea_orm::entity::prelude::*;

use crate::control_types::{RemoteCommandKind, RemoteCommandStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "remote_commands")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub command: RemoteCommandKind,
    pub args: Json,
    pub status: RemoteCommandStatus,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
