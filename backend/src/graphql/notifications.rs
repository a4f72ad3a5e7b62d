//! The viewer's own notification settings: which alerts reach them by e-mail.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::{alerts::AlertSeverity, context::ContextExt, error::GqlResultExt};
use crate::{
    auth::capability::OwnAccount,
    domain::mail::settings::{self, Change, Settings},
};

/// How the viewer hears about alerts. CRITICAL alerts are mailed to everybody
/// who keeps `emailEnabled`; `minSeverity` and `alertTypes` add more.
#[derive(SimpleObject)]
pub struct NotificationSettings {
    /// Off: no alert mail at all (invitations and password links still come).
    pub email_enabled: bool,
    /// Alerts at least this severe are mailed (default CRITICAL).
    pub min_severity: AlertSeverity,
    /// Alert types mailed whatever their severity.
    pub alert_types: Vec<String>,
}

impl From<Settings> for NotificationSettings {
    fn from(s: Settings) -> Self {
        Self { email_enabled: s.email_enabled, min_severity: s.min_severity.into(), alert_types: s.alert_types }
    }
}

/// A change to the viewer's settings; a field left out stays as it is.
#[derive(InputObject)]
pub struct NotificationSettingsInput {
    pub email_enabled: Option<bool>,
    pub min_severity: Option<AlertSeverity>,
    /// Upper-case alert type names, e.g. `WEBHOOK_ENDPOINT_DISABLED`; at most 50, each once.
    pub alert_types: Option<Vec<String>>,
}

#[derive(Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// The viewer's notification settings (signed in).
    async fn notification_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<NotificationSettings> {
        let cap = ctx.actor().grant::<OwnAccount>().gql()?;
        Ok(settings::get(ctx.services(), &cap).await.gql()?.into())
    }
}

#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Changes the viewer's notification settings; answers them as saved.
    async fn update_notification_settings(
        &self,
        ctx: &Context<'_>,
        input: NotificationSettingsInput,
    ) -> async_graphql::Result<NotificationSettings> {
        let cap = ctx.actor().grant::<OwnAccount>().gql()?;
        let change =
            Change { email_enabled: input.email_enabled, min_severity: input.min_severity.map(Into::into), alert_types: input.alert_types };
        Ok(settings::update(ctx.services(), &cap, change).await.gql()?.into())
    }
}
