//! `notification_settings`: how one account wants to hear about alerts by
//! e-mail. No row means the defaults: e-mail on, CRITICAL alerts only.

use sea_orm::entity::prelude::*;

use crate::webhook_types::AlertSeverity;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Off: no alert mail at all (invitations and password links still come).
    pub email_enabled: bool,
    /// Alerts at least this severe are mailed.
    pub min_severity: AlertSeverity,
    /// Alert types mailed whatever their severity: a JSON array of strings.
    pub alert_types: Json,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
