//! Alerts: conditions somebody should look at (staff: all; a customer: those
//! raised about them). Live ones arrive through the `alerts` subscription.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::alert;
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
};
use crate::{
    auth::capability::{AcknowledgeAlerts, ReadAlerts},
    domain::alerts::{self, AlertFilter},
};

/// How serious an alert is, from least to most: INFO < WARNING < CRITICAL.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::AlertSeverity")]
pub enum AlertSeverity {
    Info,
    Warning,
    Critical,
}

/// Something staff (or, for their own, a customer) should look at.
#[derive(SimpleObject, Clone)]
pub struct Alert {
    pub id: Uuid,
    /// What kind of alert, e.g. `WEBHOOK_ENDPOINT_DISABLED`.
    #[graphql(name = "type")]
    pub alert_type: String,
    pub severity: AlertSeverity,
    /// The customer it concerns, if any (who may then see it too).
    pub customer_id: Option<Uuid>,
    /// What it is about, e.g. `order` …
    pub subject_type: Option<String>,
    /// … and which one.
    pub subject_id: Option<String>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    /// Unset while the alert is open.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The account that acknowledged it.
    pub acknowledged_by: Option<Uuid>,
    /// When its condition cleared by itself (e.g. the tenant heartbeats again);
    /// a resolved alert is no longer open, though nobody acknowledged it.
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<alert::Model> for Alert {
    fn from(a: alert::Model) -> Self {
        Self {
            id: a.id,
            alert_type: a.alert_type,
            severity: a.severity.into(),
            customer_id: a.customer_id,
            subject_type: a.subject_type,
            subject_id: a.subject_id,
            message: a.message,
            created_at: a.created_at,
            acknowledged_at: a.acknowledged_at,
            acknowledged_by: a.acknowledged_by,
            resolved_at: a.resolved_at,
        }
    }
}

#[derive(Default)]
pub struct AlertQuery;

#[Object]
impl AlertQuery {
    /// Alerts, newest first (by creation time, then id); staff SUPPORT and above
    /// see all, a customer those raised about them. `acknowledged: false` keeps
    /// the ones nobody acknowledged, `true` the acknowledged ones; `open: true`
    /// keeps those neither acknowledged nor resolved, `open: false` the rest;
    /// `severity` keeps exactly that severity.
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        acknowledged: Option<bool>,
        severity: Option<AlertSeverity>,
        open: Option<bool>,
    ) -> async_graphql::Result<Paged<Alert>> {
        let cap = ctx.actor().grant::<ReadAlerts>().gql()?;
        let filter = AlertFilter { acknowledged, open, severity: severity.map(Into::into) };
        paged(first, after, |page| alerts::list(ctx.services(), &cap, filter, page)).await
    }
}

#[derive(Default)]
pub struct AlertMutation;

#[Object]
impl AlertMutation {
    /// Acknowledges an alert (whoever may see it). Acknowledging it again answers
    /// it unchanged, with its first acknowledger; an alert the caller may not see
    /// is `NOT_FOUND`.
    async fn acknowledge_alert(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Alert> {
        let cap = ctx.actor().grant::<AcknowledgeAlerts>().gql()?;
        alerts::acknowledge(ctx.services(), &cap, id, ctx.meta()).await.map(Into::into).gql()
    }
}
