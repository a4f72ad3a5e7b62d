//! `alerts`: things staff (and, for their own, customers) should look at. An open
//! alert (neither acknowledged nor resolved) is unique per `dedupe_key`, so a
//! condition that keeps recurring raises one alert until somebody acknowledges
//! it or the condition clears.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::webhook_types::AlertSeverity;

/// Serializable so an alert can cross replicas whole (backend `events/replicas.rs`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What kind of alert, e.g. `WEBHOOK_ENDPOINT_DISABLED`.
    #[sea_orm(column_name = "type")]
    pub alert_type: String,
    pub severity: AlertSeverity,
    /// The customer it concerns (who may then see it), if any.
    pub customer_id: Option<Uuid>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub message: String,
    pub dedupe_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub acknowledged_by: Option<Uuid>,
    pub acknowledged_at: Option<DateTimeUtc>,
    /// When the mail worker claimed it and queued its mails (at most once).
    pub notified_at: Option<DateTimeUtc>,
    /// When the condition cleared by itself (e.g. the tenant heartbeats again).
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
