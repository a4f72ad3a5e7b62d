//! System settings and the audit log (ADMIN and above).

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::system_setting;
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
    types::User,
};
use crate::{
    auth::capability::{ManageSettings, ReadAuditLog},
    domain::{audit_log, settings},
};

/// One system setting.
#[derive(SimpleObject)]
pub struct Setting {
    /// `category.key`.
    pub key: String,
    pub value: serde_json::Value,
    pub updated_at: DateTime<Utc>,
}

impl From<system_setting::Model> for Setting {
    fn from(s: system_setting::Model) -> Self {
        Self { key: s.key, value: s.value, updated_at: s.updated_at }
    }
}

/// One audit-log entry.
#[derive(SimpleObject)]
pub struct AuditEvent {
    pub id: Uuid,
    pub action: String,
    pub actor_id: Option<Uuid>,
    /// The account that acted, when there was one.
    pub actor: Option<User>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub details: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

impl From<audit_log::AuditEntry> for AuditEvent {
    fn from(entry: audit_log::AuditEntry) -> Self {
        let e = entry.event;
        Self {
            id: e.id,
            action: e.action,
            actor_id: e.actor_id,
            actor: entry.actor.map(Into::into),
            target_type: e.target_type,
            target_id: e.target_id,
            ip: e.ip,
            details: e.details,
            created_at: e.created_at,
        }
    }
}

#[derive(Default)]
pub struct SettingsQuery;

#[Object]
impl SettingsQuery {
    /// System settings by key, optionally of one category (ADMIN and above).
    async fn settings(&self, ctx: &Context<'_>, category: Option<String>) -> async_graphql::Result<Vec<Setting>> {
        let cap = ctx.actor().grant::<ManageSettings>().gql()?;
        let rows = settings::list(ctx.services(), &cap, category.as_deref()).await.gql()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// The audit log, newest first (ADMIN and above). `action` matches exactly, or a
    /// family when it ends in a dot (`login.`); `from` is inclusive, `to` exclusive.
    #[allow(clippy::too_many_arguments)]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        action: Option<String>,
        actor_id: Option<Uuid>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Paged<AuditEvent>> {
        let cap = ctx.actor().grant::<ReadAuditLog>().gql()?;
        let filter = audit_log::AuditFilter { action, actor_id, from, to };
        paged(first, after, |page| audit_log::list(ctx.services(), &cap, filter, page)).await
    }
}

#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Sets many settings at once from `{"category.key": value, …}`; a null value
    /// removes the setting. The `system` category is reserved (ADMIN and above).
    async fn update_settings(&self, ctx: &Context<'_>, values: serde_json::Value) -> async_graphql::Result<Vec<Setting>> {
        let cap = ctx.actor().grant::<ManageSettings>().gql()?;
        let rows = settings::update(ctx.services(), &cap, values, ctx.meta()).await.gql()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
