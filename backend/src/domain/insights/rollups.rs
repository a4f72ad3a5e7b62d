//! The insights rollups, maintained in the transaction of the write they
//! summarise. Both tables are updated by adding a *difference*: the writer
//! reads the rows it is about to replace, and passes new minus old here, so a
//! re-sent bucket or telemetry window never counts twice.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{site_daily_rollup, usage_daily_rollup};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ColumnTrait, ConnectionTrait, EntityTrait, Set,
};
use uuid::Uuid;

use crate::error::AppError;

/// Days since 1970-01-01 of a UTC time (the rollups' `day`).
pub fn day_number(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(86_400)
}

/// The rollups' `day` of a calendar date.
pub fn day_of_date(date: NaiveDate) -> i64 {
    day_number(date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
}

/// The calendar date of a rollup `day`.
pub fn date_of_day(day: i64) -> NaiveDate {
    DateTime::from_timestamp(day * 86_400, 0).map(|t| t.date_naive()).unwrap_or_default()
}

/// Token usage figures of a bucket, or of a sum or difference of buckets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageSums {
    pub tokens_input: i64,
    pub tokens_output: i64,
    pub tokens_cache_read: i64,
    pub tokens_cache_write: i64,
    pub web_search_count: i64,
    pub web_fetch_count: i64,
    pub cost_cents: i64,
}

impl UsageSums {
    pub fn add(&mut self, other: &UsageSums, sign: i64) {
        self.tokens_input += sign * other.tokens_input;
        self.tokens_output += sign * other.tokens_output;
        self.tokens_cache_read += sign * other.tokens_cache_read;
        self.tokens_cache_write += sign * other.tokens_cache_write;
        self.web_search_count += sign * other.web_search_count;
        self.web_fetch_count += sign * other.web_fetch_count;
        self.cost_cents += sign * other.cost_cents;
    }

    /// Every token kind together.
    pub fn tokens(&self) -> i64 {
        self.tokens_input + self.tokens_output + self.tokens_cache_read + self.tokens_cache_write
    }

    fn is_zero(&self) -> bool {
        *self == UsageSums::default()
    }
}

/// `ON CONFLICT (target) DO UPDATE SET c = table.c + excluded.c` for each summed column.
fn add_to_existing<C: ColumnTrait>(table: &str, target: &[C], summed: &[C]) -> OnConflict {
    let mut on_conflict = OnConflict::columns(target.iter().copied());
    for col in summed {
        let name = col.as_str();
        on_conflict.value(*col, Expr::cust(format!("{table}.{name} + excluded.{name}")));
    }
    on_conflict
}

/// Adds per-day usage differences to a customer's rollup rows.
pub async fn add_usage<C: ConnectionTrait>(conn: &C, customer_id: Uuid, deltas: &BTreeMap<i64, UsageSums>) -> Result<(), AppError> {
    use usage_daily_rollup::Column;
    let rows: Vec<_> = deltas
        .iter()
        .filter(|(_, d)| !d.is_zero())
        .map(|(day, d)| usage_daily_rollup::ActiveModel {
            customer_id: Set(customer_id),
            day: Set(*day),
            tokens_input: Set(d.tokens_input),
            tokens_output: Set(d.tokens_output),
            tokens_cache_read: Set(d.tokens_cache_read),
            tokens_cache_write: Set(d.tokens_cache_write),
            web_search_count: Set(d.web_search_count),
            web_fetch_count: Set(d.web_fetch_count),
            cost_cents: Set(d.cost_cents),
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let on_conflict = add_to_existing(
        "usage_daily_rollups",
        &[Column::CustomerId, Column::Day],
        &[
            Column::TokensInput,
            Column::TokensOutput,
            Column::TokensCacheRead,
            Column::TokensCacheWrite,
            Column::WebSearchCount,
            Column::WebFetchCount,
            Column::CostCents,
        ],
    );
    // At most 1000 days per batch, 9 values each: one statement.
    usage_daily_rollup::Entity::insert_many(rows).on_conflict(on_conflict).exec_without_returning(conn).await?;
    Ok(())
}

/// The counters of one telemetry window (or a difference of two).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteSums {
    pub windows: i64,
    pub orders_count: i64,
    pub new_users_count: i64,
    pub revenue_paise: i64,
    pub requests_count: i64,
    pub errors_count: i64,
}

impl SiteSums {
    /// One window's counters from its `metrics` object.
    pub fn of_window(metrics: &serde_json::Value) -> Self {
        let get = |name: &str| metrics.get(name).and_then(serde_json::Value::as_i64).unwrap_or(0);
        SiteSums {
            windows: 1,
            orders_count: get("orders_count"),
            new_users_count: get("new_users_count"),
            revenue_paise: get("revenue_paise"),
            requests_count: get("requests_count"),
            errors_count: get("errors_count"),
        }
    }

    pub fn minus(self, old: SiteSums) -> SiteSums {
        SiteSums {
            windows: self.windows - old.windows,
            orders_count: self.orders_count - old.orders_count,
            new_users_count: self.new_users_count - old.new_users_count,
            revenue_paise: self.revenue_paise - old.revenue_paise,
            requests_count: self.requests_count - old.requests_count,
            errors_count: self.errors_count - old.errors_count,
        }
    }
}

/// Which site-day a telemetry difference belongs to.
pub struct SiteDay<'a> {
    pub project_id: Uuid,
    pub site_uuid: Uuid,
    pub day: i64,
    pub vendor_id: i64,
    pub site_slug: &'a str,
}

/// Adds a telemetry difference to a site's day; the day takes the window's
/// vendor and slug.
pub async fn add_site<C: ConnectionTrait>(conn: &C, at: SiteDay<'_>, delta: SiteSums) -> Result<(), AppError> {
    use site_daily_rollup::Column;
    let row = site_daily_rollup::ActiveModel {
        project_id: Set(at.project_id),
        site_uuid: Set(at.site_uuid),
        day: Set(at.day),
        vendor_id: Set(at.vendor_id),
        site_slug: Set(at.site_slug.to_owned()),
        windows: Set(delta.windows),
        orders_count: Set(delta.orders_count),
        new_users_count: Set(delta.new_users_count),
        revenue_paise: Set(delta.revenue_paise),
        requests_count: Set(delta.requests_count),
        errors_count: Set(delta.errors_count),
    };
    let mut on_conflict = add_to_existing(
        "site_daily_rollups",
        &[Column::ProjectId, Column::SiteUuid, Column::Day],
        &[Column::Windows, Column::OrdersCount, Column::NewUsersCount, Column::RevenuePaise, Column::RequestsCount, Column::ErrorsCount],
    );
    on_conflict.update_columns([Column::VendorId, Column::SiteSlug]);
    site_daily_rollup::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(conn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let day = day_of_date(date);
        assert_eq!(date_of_day(day), date);
        let late = date.and_hms_opt(23, 0, 0).unwrap().and_utc();
        assert_eq!(day_number(late), day);
        assert_eq!(day_number(DateTime::from_timestamp(-1, 0).unwrap()), -1);
    }

    #[test]
    fn site_difference() {
        let old = SiteSums::of_window(&serde_json::json!({"requests_count": 10, "errors_count": 2}));
        let new = SiteSums::of_window(&serde_json::json!({"requests_count": 15, "errors_count": 1}));
        assert_eq!(new.minus(old), SiteSums { requests_count: 5, errors_count: -1, ..Default::default() });
    }
}
