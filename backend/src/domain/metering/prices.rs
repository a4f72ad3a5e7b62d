//! The per-model price of overage tokens: the system setting
//! `billing.model_prices`, a JSON object `{"<model>": <minor units per 1M
//! tokens>, …, "default": <…>}`. A model missing from it costs `default`; with
//! no `default` (or no setting) [`FALLBACK_PER_MILLION`].

use std::collections::BTreeMap;

use entity::system_setting;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::Value;

use crate::error::{AppError, FieldError};

/// The setting's key.
pub const SETTING: &str = "billing.model_prices";
/// The key of the price for models the table does not name.
pub const DEFAULT_KEY: &str = "default";
/// Minor units per 1M tokens when the table has no `default`.
pub const FALLBACK_PER_MILLION: i64 = 500;
/// The highest price accepted (minor units per 1M tokens).
pub const MAX_PER_MILLION: i64 = 100_000_000;

/// The price table as read from the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prices {
    by_model: BTreeMap<String, i64>,
    default: i64,
}

impl Prices {
    /// The table of a (valid) setting value; an invalid one is treated as absent.
    pub fn from_value(value: Option<&Value>) -> Self {
        let mut by_model: BTreeMap<String, i64> = BTreeMap::new();
        if let Some(Value::Object(map)) = value.filter(|v| validate(v).is_empty()) {
            by_model = map.iter().filter_map(|(k, v)| Some((k.clone(), v.as_i64()?))).collect();
        }
        let default = by_model.remove(DEFAULT_KEY).unwrap_or(FALLBACK_PER_MILLION);
        Self { by_model, default }
    }

    /// Minor units per 1M tokens of `model`.
    pub fn per_million(&self, model: &str) -> i64 {
        self.by_model.get(model).copied().unwrap_or(self.default)
    }

    /// The price of `tokens` of `model`, rounded half up to a minor unit.
    pub fn amount(&self, model: &str, tokens: i64) -> i64 {
        let exact = i128::from(tokens.max(0)) * i128::from(self.per_million(model));
        i64::try_from((exact + 500_000) / 1_000_000).unwrap_or(i64::MAX)
    }
}

/// Reads the table from the settings.
pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<Prices, AppError> {
    let row = system_setting::Entity::find_by_id(SETTING.to_owned()).one(conn).await?;
    Ok(Prices::from_value(row.as_ref().map(|r| &r.value)))
}

/// What is wrong with a proposed value of the setting (empty: nothing).
pub fn validate(value: &Value) -> Vec<FieldError> {
    let Value::Object(map) = value else {
        return vec![FieldError::new(SETTING, "must be an object of \"model\": minor units per 1M tokens")];
    };
    let mut errors = Vec::new();
    for (model, price) in map {
        let model_ok = !model.is_empty() && model.len() <= 128 && model.bytes().all(|b| b.is_ascii_graphic());
        if !model_ok {
            errors.push(FieldError::new(format!("{SETTING}.{model}"), "a model is 1 to 128 visible ASCII characters"));
        }
        if !price.as_i64().is_some_and(|p| (0..=MAX_PER_MILLION).contains(&p)) {
            errors.push(FieldError::new(format!("{SETTING}.{model}"), format!("must be a whole number from 0 to {MAX_PER_MILLION}")));
        }
    }
    errors
}

/// One model's share of an overage and its price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub model: String,
    pub tokens: i64,
    pub amount_minor: i64,
}

/// Splits `overage` tokens over the models pro rata to their use in the period
/// (`used`: per model, biggest first; the rounding remainder goes to the
/// biggest) and prices each share. Models whose share is 0 are left out.
pub fn charges(used: &[(String, i64)], overage: i64, prices: &Prices) -> Vec<Charge> {
    let total: i64 = used.iter().map(|(_, t)| (*t).max(0)).sum();
    if overage <= 0 || total <= 0 {
        return Vec::new();
    }
    let mut shares: Vec<(String, i64)> = used
        .iter()
        .map(|(model, tokens)| {
            let share = i128::from((*tokens).max(0)) * i128::from(overage) / i128::from(total);
            (model.clone(), i64::try_from(share).unwrap_or(0))
        })
        .collect();
    let assigned: i64 = shares.iter().map(|(_, s)| s).sum();
    if let Some(first) = shares.first_mut() {
        first.1 += overage - assigned;
    }
    shares
        .into_iter()
        .filter(|(_, tokens)| *tokens > 0)
        .map(|(model, tokens)| Charge { amount_minor: prices.amount(&model, tokens), model, tokens })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prices_fall_back_to_default_then_the_constant() {
        let prices = Prices::from_value(Some(&json!({ "gpt": 1000, "default": 200 })));
        assert_eq!((prices.per_million("gpt"), prices.per_million("other")), (1000, 200));
        assert_eq!(Prices::from_value(None).per_million("x"), FALLBACK_PER_MILLION);
        assert_eq!(prices.amount("gpt", 1_500_000), 1500);
        assert_eq!(prices.amount("gpt", 499), 0);
        assert_eq!(prices.amount("gpt", 500), 1);
    }

    #[test]
    fn invalid_tables_are_refused() {
        assert!(validate(&json!({ "a": 1, "default": 0 })).is_empty());
        assert_eq!(validate(&json!([1])).len(), 1);
        assert_eq!(validate(&json!({ "a": -1, "b": 1.5, "c": "x", "": 1 })).len(), 4);
    }

    #[test]
    fn overage_is_split_pro_rata_and_adds_up() {
        let prices = Prices::from_value(Some(&json!({ "a": 1_000_000, "b": 2_000_000 })));
        let used = [("a".to_owned(), 600), ("b".to_owned(), 300), ("c".to_owned(), 100)];
        let split = charges(&used, 101, &prices);
        assert_eq!(split.iter().map(|c| c.tokens).sum::<i64>(), 101);
        assert_eq!(split[0], Charge { model: "a".into(), tokens: 61, amount_minor: 61 });
        assert_eq!(split[1], Charge { model: "b".into(), tokens: 30, amount_minor: 60 });
        assert!(charges(&used, 0, &prices).is_empty());
    }
}
