//! The viewer's display preferences (time zone and locale), and the locales the
//! console supports.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::{context::ContextExt, error::GqlResultExt, types::User};
use crate::{
    auth::capability::OwnAccount,
    domain::identity::preferences::{self, Change, SUPPORTED_LOCALES},
};

/// A locale the console formats dates and numbers for.
#[derive(SimpleObject)]
pub struct SupportedLocale {
    /// BCP 47 tag, e.g. `de-DE`; the value `updatePreferences` takes.
    pub code: String,
    /// The locale's name in its own language, e.g. `Deutsch (Deutschland)`.
    pub name: String,
}

/// A change to the viewer's preferences; a field left out stays as it is.
#[derive(InputObject)]
pub struct PreferencesInput {
    /// An IANA time zone name, e.g. `Europe/Berlin`.
    pub timezone: Option<String>,
    /// One of `supportedLocales`' codes.
    pub locale: Option<String>,
}

#[derive(Default)]
pub struct PreferencesQuery;

#[Object]
impl PreferencesQuery {
    /// The locales `updatePreferences` accepts (signed in).
    async fn supported_locales(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SupportedLocale>> {
        ctx.actor().grant::<OwnAccount>().gql()?;
        Ok(SUPPORTED_LOCALES.iter().map(|(code, name)| SupportedLocale { code: (*code).to_owned(), name: (*name).to_owned() }).collect())
    }
}

#[derive(Default)]
pub struct PreferencesMutation;

#[Object]
impl PreferencesMutation {
    /// Changes the viewer's own time zone and locale; answers the account as saved.
    /// A bad value is a VALIDATION_ERROR naming the field, and nothing is saved.
    async fn update_preferences(&self, ctx: &Context<'_>, input: PreferencesInput) -> async_graphql::Result<User> {
        let cap = ctx.actor().grant::<OwnAccount>().gql()?;
        let change = Change { timezone: input.timezone, locale: input.locale };
        preferences::update(ctx.services(), &cap, change).await.map(Into::into).gql()
    }
}
