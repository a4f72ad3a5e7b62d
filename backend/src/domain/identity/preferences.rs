//! An account's display preferences: the IANA time zone its times are shown in,
//! and the locale they are formatted for. Every signed-in account changes only
//! its own.

use std::str::FromStr;

use chrono::Utc;
use chrono_tz::Tz;
use entity::user;
use sea_orm::{ActiveModelTrait, Set};

use super::accounts;
use crate::{
    auth::{capability::OwnAccount, Cap},
    error::{AppError, FieldError},
    Services,
};

/// A new account's time zone.
pub const DEFAULT_TIMEZONE: &str = "UTC";
/// A new account's locale.
pub const DEFAULT_LOCALE: &str = "en-US";

/// The locales the console formats for: BCP 47 tag and the name it goes by in
/// its own language. The only list; `supportedLocales` serves it to clients.
pub const SUPPORTED_LOCALES: &[(&str, &str)] = &[
    ("en-US", "English (United States)"),
    ("en-GB", "English (United Kingdom)"),
    ("de-DE", "Deutsch (Deutschland)"),
    ("fr-FR", "Français (France)"),
    ("es-ES", "Español (España)"),
    ("nl-NL", "Nederlands (Nederland)"),
    ("pt-BR", "Português (Brasil)"),
    ("ja-JP", "日本語 (日本)"),
];

/// A change to the caller's preferences; a field left out stays as it is.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub timezone: Option<String>,
    pub locale: Option<String>,
}

/// An IANA time zone name such as `Europe/Berlin`, as the tz database spells it.
pub fn parse_timezone(field: &str, input: &str) -> Result<String, FieldError> {
    Tz::from_str(input.trim())
        .map(|tz| tz.name().to_owned())
        .map_err(|_| FieldError::new(field, "must be an IANA time zone such as Europe/Berlin"))
}

/// One of [`SUPPORTED_LOCALES`], in any letter case; answers its canonical tag.
pub fn parse_locale(field: &str, input: &str) -> Result<&'static str, FieldError> {
    let input = input.trim();
    SUPPORTED_LOCALES.iter().map(|(tag, _)| *tag).find(|tag| tag.eq_ignore_ascii_case(input)).ok_or_else(|| {
        let tags: Vec<&str> = SUPPORTED_LOCALES.iter().map(|(tag, _)| *tag).collect();
        FieldError::new(field, format!("must be one of {}", tags.join(", ")))
    })
}

/// Checks every field of `change` before writing any, so a bad value leaves the
/// stored preferences as they were; answers the account as saved.
pub async fn update(services: &Services, cap: &Cap<OwnAccount>, change: Change) -> Result<user::Model, AppError> {
    let mut fields = Vec::new();
    let timezone = change.timezone.map(|t| parse_timezone("timezone", &t).map_err(|e| fields.push(e)).ok());
    let locale = change.locale.map(|l| parse_locale("locale", &l).map_err(|e| fields.push(e)).ok());
    AppError::check_fields(fields)?;
    let account = accounts::get(&services.db, cap.user_id()).await?;
    if timezone.is_none() && locale.is_none() {
        return Ok(account);
    }
    let mut active: user::ActiveModel = account.into();
    if let Some(Some(timezone)) = timezone {
        active.timezone = Set(timezone);
    }
    if let Some(Some(locale)) = locale {
        active.locale = Set(locale.to_owned());
    }
    active.updated_at = Set(Utc::now());
    Ok(active.update(&services.db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(parse_timezone("timezone", " Asia/Tokyo ").unwrap(), "Asia/Tokyo");
        assert_eq!(parse_timezone("timezone", "UTC").unwrap(), "UTC");
        for bad in ["", "Mars/Olympus", "asia/tokyo", "+02:00", "CEST"] {
            assert_eq!(parse_timezone("timezone", bad).unwrap_err().field, "timezone", "{bad}");
        }
    }

    #[test]
    fn locales_come_from_the_supported_list() {
        assert_eq!(parse_locale("locale", "de-de").unwrap(), "de-DE");
        assert_eq!(parse_locale("locale", DEFAULT_LOCALE).unwrap(), "en-US");
        for bad in ["", "de", "xx-XX", "en_US"] {
            assert_eq!(parse_locale("locale", bad).unwrap_err().field, "locale", "{bad}");
        }
    }

    #[test]
    fn defaults_are_valid() {
        assert!(parse_timezone("timezone", DEFAULT_TIMEZONE).is_ok());
        assert!(parse_locale("locale", DEFAULT_LOCALE).is_ok());
    }
}
