//! `notification_cooldowns` (spec 001 NotificationCooldown): when a recipient
//! was last mailed about one kind of alert for one subject. Within the cooldown
//! another such alert sends no mail and only counts as suppressed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_cooldowns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `{user_id}|{alert_type}|{subject}`; unique.
    #[sea_orm(unique)]
    pub cooldown_key: String,
    pub user_id: Uuid,
    pub alert_type: String,
    /// `{subject_type}:{subject_id}`, or `-` for an alert about nothing in particular.
    pub subject: String,
    pub last_sent_at: DateTimeUtc,
    /// Alerts not mailed since `last_sent_at` because of the cooldown.
    pub suppressed: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
