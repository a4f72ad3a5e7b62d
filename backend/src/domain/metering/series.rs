//! Usage as a time series: one aggregate query groups the customer's buckets by
//! time slot (truncated in SQL) and by agent or model; the answer is dense (a
//! point per slot, zeros included) and bounded to [`MAX_POINTS`] slots and
//! [`MAX_SERIES`] series (the smallest are folded into [`OTHER`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc};
use entity::token_usage_bucket::Column;
use sea_orm::{sea_query::Expr, ConnectionTrait, DatabaseBackend, QuerySelect};
use uuid::Uuid;

use super::{
    periods::{buckets_of, Span},
    read::ensure_customer,
};
use crate::{
    auth::{capability::ReadUsage, Cap},
    error::AppError,
    Services,
};

/// The most time slots one answer holds.
pub const MAX_POINTS: usize = 744;
/// The most series one answer holds.
pub const MAX_SERIES: usize = 20;
/// The series the smallest ones are folded into.
pub const OTHER: &str = "(other)";
/// The key of the one series of an ungrouped answer.
pub const ALL: &str = "all";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Hour,
    Day,
    /// ISO weeks, from Monday.
    Week,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    None,
    Agent,
    Model,
}

/// Token counts of one slot (or of a whole series).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub input: i64,
    pub output: i64,
    pub cache_read: i64,
    pub cache_write: i64,
    pub cost_cents: i64,
}

impl Counts {
    /// The tokens that count (see the module doc of `metering`).
    pub fn tokens(&self) -> i64 {
        self.input + self.output + self.cache_read + self.cache_write
    }
    fn add(&mut self, other: &Counts) {
        self.input += other.input;
        self.output += other.output;
        self.cache_read += other.cache_read;
        self.cache_write += other.cache_write;
        self.cost_cents += other.cost_cents;
    }
}

/// One series: an agent, a model, or everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub key: String,
    pub total: Counts,
    /// One per slot of [`Report::slots`].
    pub points: Vec<Counts>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub granularity: Granularity,
    /// The start of every slot, in order.
    pub slots: Vec<DateTime<Utc>>,
    /// Biggest first.
    pub series: Vec<Series>,
}

/// The start of the slot holding `at`.
pub fn truncate(at: DateTime<Utc>, granularity: Granularity) -> DateTime<Utc> {
    let day = Utc.from_utc_datetime(&at.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default());
    match granularity {
        Granularity::Hour => Utc.timestamp_opt(at.timestamp() - at.timestamp().rem_euclid(3600), 0).single().unwrap_or(day),
        Granularity::Day => day,
        Granularity::Week => day - Duration::days(i64::from(at.weekday().num_days_from_monday())),
        Granularity::Month => Utc.with_ymd_and_hms(at.year(), at.month(), 1, 0, 0, 0).single().unwrap_or(day),
    }
}

fn next(at: DateTime<Utc>, granularity: Granularity) -> DateTime<Utc> {
    match granularity {
        Granularity::Hour => at + Duration::hours(1),
        Granularity::Day => at + Duration::days(1),
        Granularity::Week => at + Duration::weeks(1),
        Granularity::Month => at.checked_add_months(Months::new(1)).unwrap_or(at + Duration::days(31)),
    }
}

/// The slots from `from` up to `to`, or `None` when there are more than [`MAX_POINTS`].
pub fn slots(from: DateTime<Utc>, to: DateTime<Utc>, granularity: Granularity) -> Option<Vec<DateTime<Utc>>> {
    let mut out = Vec::new();
    let mut at = truncate(from, granularity);
    while at < to {
        if out.len() == MAX_POINTS {
            return None;
        }
        out.push(at);
        at = next(at, granularity);
    }
    Some(out)
}

/// SQL for the slot key of a bucket, as text: `YYYY-MM-DD[THH]` (or `YYYY-MM`).
fn slot_sql(backend: DatabaseBackend, granularity: Granularity) -> &'static str {
    match (backend, granularity) {
        (DatabaseBackend::Postgres, Granularity::Hour) => "to_char(bucket_hour AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')",
        (DatabaseBackend::Postgres, Granularity::Day) => "to_char(bucket_hour AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        (DatabaseBackend::Postgres, Granularity::Week) => "to_char(date_trunc('week', bucket_hour AT TIME ZONE 'UTC'), 'YYYY-MM-DD')",
        (DatabaseBackend::Postgres, Granularity::Month) => "to_char(bucket_hour AT TIME ZONE 'UTC', 'YYYY-MM')",
        // SQLite keeps UTC times as RFC 3339 text.
        (_, Granularity::Hour) => "substr(bucket_hour, 1, 13)",
        (_, Granularity::Day) => "substr(bucket_hour, 1, 10)",
        (_, Granularity::Week) => "date(substr(bucket_hour, 1, 10), '-6 days', 'weekday 1')",
        (_, Granularity::Month) => "substr(bucket_hour, 1, 7)",
    }
}

fn parse_slot(key: &str) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(&format!("{}-01", &key.get(..7)?), "%Y-%m-%d").ok()?;
    let date = if key.len() >= 10 { NaiveDate::parse_from_str(key.get(..10)?, "%Y-%m-%d").ok()? } else { date };
    let hour: u32 = if key.len() >= 13 { key.get(11..13)?.parse().ok()? } else { 0 };
    Some(Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0)?))
}

type Row = (String, String, i64, i64, i64, i64, i64);

/// Usage of `customer_id` from `from` to `to` (staff: any customer; a customer: own).
pub async fn usage(
    services: &Services,
    cap: &Cap<ReadUsage>,
    customer_id: Uuid,
    span: Span,
    granularity: Granularity,
    group_by: GroupBy,
) -> Result<Report, AppError> {
    cap.ensure_reaches(customer_id)?;
    ensure_customer(&services.db, customer_id).await?;
    if span.end <= span.start {
        return Err(AppError::invalid("to", "must be after `from`"));
    }
    let slots = slots(span.start, span.end, granularity)
        .ok_or_else(|| AppError::invalid("to", format!("the range holds more than {MAX_POINTS} points")))?;
    let from = slots.first().copied().unwrap_or(span.start);
    query(&services.db, customer_id, Span { start: from, end: span.end }, granularity, group_by, slots).await
}

async fn query<C: ConnectionTrait>(
    conn: &C,
    customer_id: Uuid,
    span: Span,
    granularity: Granularity,
    group_by: GroupBy,
    slots: Vec<DateTime<Utc>>,
) -> Result<Report, AppError> {
    let slot = Expr::cust(slot_sql(conn.get_database_backend(), granularity));
    let key = match group_by {
        GroupBy::None => Expr::cust(format!("'{ALL}'")),
        GroupBy::Agent => Expr::col(Column::AgentId),
        GroupBy::Model => Expr::col(Column::Model),
    };
    let sum = |col: &str| Expr::cust(format!("CAST(COALESCE(SUM({col}), 0) AS BIGINT)"));
    let mut select = buckets_of(customer_id, span).select_only().column_as(slot.clone(), "slot").column_as(key.clone(), "series");
    // PostgreSQL refuses a constant in GROUP BY.
    if group_by != GroupBy::None {
        select = select.group_by(key);
    }
    let rows: Vec<Row> = select
        .column_as(sum("tokens_input"), "input")
        .column_as(sum("tokens_output"), "output")
        .column_as(sum("tokens_cache_read"), "cache_read")
        .column_as(sum("tokens_cache_write"), "cache_write")
        .column_as(sum("cost_cents"), "cost_cents")
        .group_by(slot)
        .into_tuple::<Row>()
        .all(conn)
        .await?;
    Ok(assemble(granularity, slots, rows))
}

fn assemble(granularity: Granularity, slots: Vec<DateTime<Utc>>, rows: Vec<Row>) -> Report {
    let index: BTreeMap<DateTime<Utc>, usize> = slots.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let mut by_key: BTreeMap<String, Series> = BTreeMap::new();
    for (slot, key, input, output, cache_read, cache_write, cost_cents) in rows {
        let Some(&i) = parse_slot(&slot).and_then(|at| index.get(&at)) else { continue };
        let counts = Counts { input, output, cache_read, cache_write, cost_cents };
        let series = by_key.entry(key.clone()).or_insert_with(|| Series {
            key,
            total: Counts::default(),
            points: vec![Counts::default(); slots.len()],
        });
        series.points[i].add(&counts);
        series.total.add(&counts);
    }
    let mut series: Vec<Series> = by_key.into_values().collect();
    series.sort_by(|a, b| b.total.tokens().cmp(&a.total.tokens()).then_with(|| a.key.cmp(&b.key)));
    if series.len() > MAX_SERIES {
        let tail = series.split_off(MAX_SERIES - 1);
        let mut other = Series { key: OTHER.into(), total: Counts::default(), points: vec![Counts::default(); slots.len()] };
        for s in tail {
            other.total.add(&s.total);
            other.points.iter_mut().zip(&s.points).for_each(|(o, p)| o.add(p));
        }
        series.push(other);
    }
    Report { granularity, slots, series }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn slots_truncate_and_are_bounded() {
        let week = truncate(at("2026-11-22T10:30:00Z"), Granularity::Week);
        assert_eq!(week, at("2026-11-16T00:00:00Z"), "weeks start on Monday");
        let months = slots(at("2026-11-15T00:00:00Z"), at("2027-02-01T00:00:00Z"), Granularity::Month).unwrap();
        assert_eq!(months, [at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z")]);
        assert_eq!(slots(at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z"), Granularity::Hour).unwrap().len(), 744);
        assert!(slots(at("2026-01-01T00:00:00Z"), at("2026-02-01T01:00:00Z"), Granularity::Hour).is_none());
    }

    #[test]
    fn slot_keys_of_both_databases_parse() {
        assert_eq!(parse_slot("2026-11-22T07"), Some(at("2026-11-22T07:00:00Z")));
        assert_eq!(parse_slot("2026-11-22"), Some(at("2026-11-22T00:00:00Z")));
        assert_eq!(parse_slot("2026-11"), Some(at("2026-11-01T00:00:00Z")));
        assert_eq!(parse_slot("nope"), None);
    }

    #[test]
    fn many_series_fold_into_other() {
        let slots = vec![at("2026-11-22T00:00:00Z")];
        let rows = (0..25).map(|n| ("2026-11-22".to_owned(), format!("m{n:02}"), n, 0, 0, 0, 0)).collect();
        let report = assemble(Granularity::Day, slots, rows);
        assert_eq!(report.series.len(), MAX_SERIES);
        assert_eq!(report.series[0].key, "m24");
        let other = report.series.last().unwrap();
        assert_eq!((other.key.as_str(), other.total.input), (OTHER, (0..6).sum::<i64>()));
    }
}
