//! Insights (issue 6; spec 000 §4, spec 001 §4.11): the platform overview,
//! per bridge project and per child vendor, read from the daily rollups
//! (`rollups`) and a few aggregate queries over the business tables — a fixed
//! number of queries per call, never a scan of raw usage buckets or telemetry.
//!
//! Ranges are whole UTC days: `from` is the first day, `to` the first day
//! after the range (`from < to`, at most [`MAX_DAYS`]). Money (MRR, revenue)
//! is shown to ADMIN and above only (they hold billing); MANAGER and SUPPORT
//! get null for those fields. Customers may not read insights at all.

pub mod rollups;

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use entity::{project, StaffRole};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryResult, Statement, Value};
use uuid::Uuid;

pub use rollups::{SiteSums, UsageSums};

use crate::{
    auth::capability::{Cap, ReadInsights},
    error::{AppError, FieldError},
    Services,
};

/// The longest range one call may cover.
pub const MAX_DAYS: i64 = 400;

/// A validated range of whole UTC days, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Range {
    /// Checks `from < to` and the length; errors name `from` and `to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Range, AppError> {
        let mut errors = Vec::new();
        if from >= to {
            errors.push(FieldError::new("to", "must be after from"));
        } else if (to - from).num_days() > MAX_DAYS {
            errors.push(FieldError::new("to", format!("the range may cover at most {MAX_DAYS} days")));
        }
        AppError::check_fields(errors)?;
        Ok(Range { from, to })
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days()
    }

    fn day_bounds(&self) -> (i64, i64) {
        (rollups::day_of_date(self.from), rollups::day_of_date(self.to))
    }

    fn start(&self) -> DateTime<Utc> {
        midnight(self.from)
    }

    fn end(&self) -> DateTime<Utc> {
        midnight(self.to)
    }

    /// The range of equal length just before this one.
    pub fn previous(&self) -> Range {
        Range { from: self.from - Days::new(self.days() as u64), to: self.from }
    }

    /// Every day of the range, in order.
    pub fn each_day(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.from.iter_days().take_while(|d| *d < self.to)
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
}

/// An amount in minor units of one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub currency: String,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayUsage {
    pub day: NaiveDate,
    pub usage: UsageSums,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySites {
    pub day: NaiveDate,
    pub sites: SiteSums,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayMoney {
    pub day: NaiveDate,
    pub currency: String,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    pub day: NaiveDate,
    pub count: i64,
}

/// The platform at a glance.
#[derive(Debug, Clone)]
pub struct Overview {
    pub range: Range,
    /// Customers created before the end of the range.
    pub customers_total: i64,
    pub customers_new: i64,
    /// New customers in the range of equal length just before.
    pub customers_new_previous: i64,
    /// `(new − previous) / previous`; null when the previous range had none.
    pub growth: Option<f64>,
    /// Orders neither FAILED nor CANCELLED, now.
    pub active_orders: i64,
    /// Subscriptions active (or trialing, past due) at the start of the range.
    pub subscriptions_active_at_start: i64,
    /// Subscriptions cancelled within the range (their last change is the cancellation).
    pub subscriptions_cancelled: i64,
    /// `cancelled / active at start`; null when none were active.
    pub churn: Option<f64>,
    /// Monthly recurring revenue of ACTIVE and PAST_DUE subscriptions, per
    /// currency (plan prices are monthly); null below ADMIN.
    pub mrr: Option<Vec<Money>>,
    /// Succeeded payments within the range, per currency; null below ADMIN.
    pub revenue: Option<Vec<Money>>,
    pub revenue_per_day: Option<Vec<DayMoney>>,
    pub usage: UsageSums,
    pub sites: SiteSums,
    /// One entry per day of the range (zeros included).
    pub usage_per_day: Vec<DayUsage>,
    pub sites_per_day: Vec<DaySites>,
    pub new_customers_per_day: Vec<DayCount>,
}

/// Telemetry of one site over a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBreakdown {
    pub project_id: Uuid,
    pub site_uuid: Uuid,
    pub site_slug: String,
    pub vendor_id: i64,
    pub sites: SiteSums,
}

/// Insights of one bridge project, or of one child vendor.
#[derive(Debug, Clone)]
pub struct SiteInsights {
    pub range: Range,
    /// Licensed sites by status (`PENDING`, `ACTIVE`, `FAILED`).
    pub sites_by_status: Vec<(String, i64)>,
    /// Licences by status (`ACTIVE`, `SUSPENDED`, `REVOKED`).
    pub licenses_by_status: Vec<(String, i64)>,
    pub totals: SiteSums,
    pub per_day: Vec<DaySites>,
    /// Per site, most requests first (at most [`MAX_SITES`]).
    pub per_site: Vec<SiteBreakdown>,
}

/// The most sites a breakdown lists.
pub const MAX_SITES: usize = 1000;

/// Whether the caller may see money figures (ADMIN and above: billing).
pub fn sees_money(cap: &Cap<ReadInsights>) -> bool {
    cap.principal().staff_role().is_some_and(|r| r.at_least(StaffRole::Admin))
}

/// Builds statements written with `?` placeholders for either engine.
struct Sql(DbBackend);

impl Sql {
    fn of(conn: &impl ConnectionTrait) -> Sql {
        Sql(conn.get_database_backend())
    }

    fn stmt(&self, sql: &str, values: Vec<Value>) -> Statement {
        let sql = match self.0 {
            DbBackend::Postgres => {
                let mut out = String::with_capacity(sql.len() + 16);
                let mut n = 0;
                for c in sql.chars() {
                    if c == '?' {
                        n += 1;
                        out.push_str(&format!("${n}"));
                    } else {
                        out.push(c);
                    }
                }
                out
            }
            _ => sql.to_owned(),
        };
        Statement::from_sql_and_values(self.0, sql, values)
    }

    /// Days since 1970-01-01 of a timestamp column.
    fn day(&self, column: &str) -> String {
        match self.0 {
            DbBackend::Sqlite => format!("(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) / 86400)"),
            _ => format!("CAST(FLOOR(EXTRACT(EPOCH FROM {column}) / 86400) AS BIGINT)"),
        }
    }
}

fn int(row: &QueryResult, index: usize) -> Result<i64, AppError> {
    Ok(row.try_get_by_index::<Option<i64>>(index)?.unwrap_or(0))
}

fn text(row: &QueryResult, index: usize) -> Result<String, AppError> {
    Ok(row.try_get_by_index::<Option<String>>(index)?.unwrap_or_default())
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

const USAGE_SUMS: &str = "CAST(SUM(tokens_input) AS BIGINT), CAST(SUM(tokens_output) AS BIGINT), \
    CAST(SUM(tokens_cache_read) AS BIGINT), CAST(SUM(tokens_cache_write) AS BIGINT), CAST(SUM(web_search_count) AS BIGINT), \
    CAST(SUM(web_fetch_count) AS BIGINT), CAST(SUM(cost_cents) AS BIGINT)";

const SITE_SUMS: &str = "CAST(SUM(windows) AS BIGINT), CAST(SUM(orders_count) AS BIGINT), CAST(SUM(new_users_count) AS BIGINT), \
    CAST(SUM(revenue_paise) AS BIGINT), CAST(SUM(requests_count) AS BIGINT), CAST(SUM(errors_count) AS BIGINT)";

fn usage_at(row: &QueryResult, i: usize) -> Result<UsageSums, AppError> {
    Ok(UsageSums {
        tokens_input: int(row, i)?,
        tokens_output: int(row, i + 1)?,
        tokens_cache_read: int(row, i + 2)?,
        tokens_cache_write: int(row, i + 3)?,
        web_search_count: int(row, i + 4)?,
        web_fetch_count: int(row, i + 5)?,
        cost_cents: int(row, i + 6)?,
    })
}

fn sites_at(row: &QueryResult, i: usize) -> Result<SiteSums, AppError> {
    Ok(SiteSums {
        windows: int(row, i)?,
        orders_count: int(row, i + 1)?,
        new_users_count: int(row, i + 2)?,
        revenue_paise: int(row, i + 3)?,
        requests_count: int(row, i + 4)?,
        errors_count: int(row, i + 5)?,
    })
}

fn add_sites(total: &mut SiteSums, s: &SiteSums) {
    total.windows += s.windows;
    total.orders_count += s.orders_count;
    total.new_users_count += s.new_users_count;
    total.revenue_paise += s.revenue_paise;
    total.requests_count += s.requests_count;
    total.errors_count += s.errors_count;
}

/// Fills a per-day map into one entry per day of the range.
fn dense<T: Default + Clone, R>(range: &Range, by_day: &BTreeMap<i64, T>, make: impl Fn(NaiveDate, T) -> R) -> Vec<R> {
    range.each_day().map(|d| make(d, by_day.get(&rollups::day_of_date(d)).cloned().unwrap_or_default())).collect()
}

/// Site telemetry per day for the rollup rows matching `filter` (a SQL
/// condition with `?` placeholders and its values).
async fn site_days<C: ConnectionTrait>(
    conn: &C,
    range: &Range,
    filter: &str,
    values: Vec<Value>,
) -> Result<BTreeMap<i64, SiteSums>, AppError> {
    let sql = Sql::of(conn);
    let (first, end) = range.day_bounds();
    let mut all = values;
    all.extend([first.into(), end.into()]);
    let rows = conn
        .query_all_raw(
            sql.stmt(&format!("SELECT day, {SITE_SUMS} FROM site_daily_rollups WHERE {filter} AND day >= ? AND day < ? GROUP BY day"), all),
        )
        .await?;
    rows.iter().map(|r| Ok((int(r, 0)?, sites_at(r, 1)?))).collect()
}

/// The platform overview over `range`.
pub async fn overview(services: &Services, cap: &Cap<ReadInsights>, range: Range) -> Result<Overview, AppError> {
    let conn = &services.db;
    let sql = Sql::of(conn);
    let (start, end) = (range.start(), range.end());
    let previous = range.previous().start();
    let (first, last) = range.day_bounds();

    let row = conn
        .query_one_raw(sql.stmt(
            "SELECT COUNT(*), CAST(SUM(CASE WHEN created_at >= ? THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END) AS BIGINT) \
             FROM customers WHERE created_at < ?",
            vec![start.into(), previous.into(), start.into(), end.into()],
        ))
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no customer counts")))?;
    let (customers_total, customers_new, customers_new_previous) = (int(&row, 0)?, int(&row, 1)?, int(&row, 2)?);

    let row = conn
        .query_one_raw(sql.stmt("SELECT COUNT(*) FROM orders WHERE status NOT IN ('FAILED', 'CANCELLED')", vec![]))
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no order count")))?;
    let active_orders = int(&row, 0)?;

    let row = conn
        .query_one_raw(sql.stmt(
            "SELECT CAST(SUM(CASE WHEN status = 'CANCELLED' AND updated_at >= ? AND updated_at < ? THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN created_at < ? AND (status IN ('ACTIVE', 'TRIALING', 'PAST_DUE') \
               OR (status = 'CANCELLED' AND updated_at >= ?)) THEN 1 ELSE 0 END) AS BIGINT) FROM subscriptions",
            vec![start.into(), end.into(), start.into(), start.into()],
        ))
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no subscription counts")))?;
    let (subscriptions_cancelled, subscriptions_active_at_start) = (int(&row, 0)?, int(&row, 1)?);

    let (mrr, revenue, revenue_per_day) = if sees_money(cap) {
        let rows = conn
            .query_all_raw(sql.stmt(
                "SELECT p.currency, CAST(SUM(p.price_minor) AS BIGINT) FROM subscriptions s JOIN plans p ON p.id = s.plan_id \
                 WHERE s.status IN ('ACTIVE', 'PAST_DUE') GROUP BY p.currency ORDER BY p.currency",
                vec![],
            ))
            .await?;
        let mrr =
            rows.iter().map(|r| Ok(Money { currency: text(r, 0)?, amount_minor: int(r, 1)? })).collect::<Result<Vec<_>, AppError>>()?;
        let day = sql.day("occurred_at");
        let rows = conn
            .query_all_raw(sql.stmt(
                &format!(
                    "SELECT {day} AS d, currency, CAST(SUM(amount) AS BIGINT) FROM payments \
                     WHERE status = 'SUCCEEDED' AND occurred_at >= ? AND occurred_at < ? GROUP BY {day}, currency ORDER BY d, currency"
                ),
                vec![start.into(), end.into()],
            ))
            .await?;
        let mut per_day = Vec::with_capacity(rows.len());
        let mut totals: BTreeMap<String, i64> = BTreeMap::new();
        for r in &rows {
            let (currency, amount_minor) = (text(r, 1)?, int(r, 2)?);
            *totals.entry(currency.clone()).or_default() += amount_minor;
            per_day.push(DayMoney { day: rollups::date_of_day(int(r, 0)?), currency, amount_minor });
        }
        let revenue = totals.into_iter().map(|(currency, amount_minor)| Money { currency, amount_minor }).collect();
        (Some(mrr), Some(revenue), Some(per_day))
    } else {
        (None, None, None)
    };

    let rows = conn
        .query_all_raw(sql.stmt(
            &format!("SELECT day, {USAGE_SUMS} FROM usage_daily_rollups WHERE day >= ? AND day < ? GROUP BY day"),
            vec![first.into(), last.into()],
        ))
        .await?;
    let mut usage_days = BTreeMap::new();
    let mut usage = UsageSums::default();
    for r in &rows {
        let sums = usage_at(r, 1)?;
        usage.add(&sums, 1);
        usage_days.insert(int(r, 0)?, sums);
    }

    let site_by_day = site_days(conn, &range, "1 = 1", vec![]).await?;
    let mut sites = SiteSums::default();
    site_by_day.values().for_each(|s| add_sites(&mut sites, s));

    let day = sql.day("created_at");
    let rows = conn
        .query_all_raw(sql.stmt(
            &format!("SELECT {day} AS d, COUNT(*) FROM customers WHERE created_at >= ? AND created_at < ? GROUP BY {day}"),
            vec![start.into(), end.into()],
        ))
        .await?;
    let new_by_day = rows.iter().map(|r| Ok((int(r, 0)?, int(r, 1)?))).collect::<Result<BTreeMap<_, _>, AppError>>()?;

    Ok(Overview {
        range,
        customers_total,
        customers_new,
        customers_new_previous,
        growth: ratio(customers_new - customers_new_previous, customers_new_previous),
        active_orders,
        subscriptions_active_at_start,
        subscriptions_cancelled,
        churn: ratio(subscriptions_cancelled, subscriptions_active_at_start),
        mrr,
        revenue,
        revenue_per_day,
        usage,
        sites,
        usage_per_day: dense(&range, &usage_days, |day, usage| DayUsage { day, usage }),
        sites_per_day: dense(&range, &site_by_day, |day, sites| DaySites { day, sites }),
        new_customers_per_day: dense(&range, &new_by_day, |day, count| DayCount { day, count }),
    })
}

async fn by_status<C: ConnectionTrait>(conn: &C, sql: &str, values: Vec<Value>) -> Result<Vec<(String, i64)>, AppError> {
    let rows = conn.query_all_raw(Sql::of(conn).stmt(sql, values)).await?;
    rows.iter().map(|r| Ok((text(r, 0)?, int(r, 1)?))).collect()
}

async fn per_site<C: ConnectionTrait>(conn: &C, range: &Range, filter: &str, values: Vec<Value>) -> Result<Vec<SiteBreakdown>, AppError> {
    let (first, end) = range.day_bounds();
    let mut all = values;
    all.extend([first.into(), end.into()]);
    let rows = conn
        .query_all_raw(Sql::of(conn).stmt(
            &format!(
                "SELECT project_id, site_uuid, MAX(site_slug), MAX(vendor_id), {SITE_SUMS} FROM site_daily_rollups \
                 WHERE {filter} AND day >= ? AND day < ? GROUP BY project_id, site_uuid \
                 ORDER BY SUM(requests_count) DESC, MAX(site_slug) LIMIT {MAX_SITES}"
            ),
            all,
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(SiteBreakdown {
                project_id: r.try_get_by_index(0)?,
                site_uuid: r.try_get_by_index(1)?,
                site_slug: text(r, 2)?,
                vendor_id: int(r, 3)?,
                sites: sites_at(r, 4)?,
            })
        })
        .collect()
}

async fn site_insights<C: ConnectionTrait>(
    conn: &C,
    range: Range,
    filter: &str,
    values: Vec<Value>,
    sites_by_status: Vec<(String, i64)>,
    licenses_by_status: Vec<(String, i64)>,
) -> Result<SiteInsights, AppError> {
    let days = site_days(conn, &range, filter, values.clone()).await?;
    let mut totals = SiteSums::default();
    days.values().for_each(|s| add_sites(&mut totals, s));
    Ok(SiteInsights {
        range,
        sites_by_status,
        licenses_by_status,
        totals,
        per_day: dense(&range, &days, |day, sites| DaySites { day, sites }),
        per_site: per_site(conn, &range, filter, values).await?,
    })
}

/// One bridge project's sites, licences and telemetry; `None` for an unknown slug.
pub async fn project(
    services: &Services,
    _cap: &Cap<ReadInsights>,
    slug: &str,
    range: Range,
) -> Result<Option<(project::Model, SiteInsights)>, AppError> {
    let conn = &services.db;
    let Some(found) = project::Entity::find().filter(project::Column::Slug.eq(slug)).one(conn).await? else {
        return Ok(None);
    };
    let id: Value = found.id.into();
    let sites = by_status(
        conn,
        "SELECT status, COUNT(*) FROM licensed_sites WHERE project_id = ? GROUP BY status ORDER BY status",
        vec![id.clone()],
    )
    .await?;
    let licenses =
        by_status(conn, "SELECT status, COUNT(*) FROM licenses WHERE project_id = ? GROUP BY status ORDER BY status", vec![id.clone()])
            .await?;
    let insights = site_insights(conn, range, "project_id = ?", vec![id], sites, licenses).await?;
    Ok(Some((found, insights)))
}

/// One child vendor's sites, licences and telemetry (optionally within one
/// project: vendor ids are the child's own).
pub async fn vendor(
    services: &Services,
    _cap: &Cap<ReadInsights>,
    vendor_id: i64,
    project_slug: Option<&str>,
    range: Range,
) -> Result<SiteInsights, AppError> {
    let conn = &services.db;
    let project_id = match project_slug {
        None => None,
        Some(slug) => Some(
            project::Entity::find()
                .filter(project::Column::Slug.eq(slug))
                .one(conn)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("no project {slug}")))?
                .id,
        ),
    };
    let (site_filter, rollup_filter, mut values): (&str, &str, Vec<Value>) = match project_id {
        Some(id) => ("s.vendor_id = ? AND s.project_id = ?", "vendor_id = ? AND project_id = ?", vec![vendor_id.into(), id.into()]),
        None => ("s.vendor_id = ?", "vendor_id = ?", vec![vendor_id.into()]),
    };
    let sites = by_status(
        conn,
        &format!("SELECT s.status, COUNT(*) FROM licensed_sites s WHERE {site_filter} GROUP BY s.status ORDER BY s.status"),
        values.clone(),
    )
    .await?;
    let licenses = by_status(
        conn,
        &format!(
            "SELECT l.status, COUNT(DISTINCT l.id) FROM licenses l JOIN licensed_sites s ON s.license_id = l.id \
             WHERE {site_filter} GROUP BY l.status ORDER BY l.status"
        ),
        values.clone(),
    )
    .await?;
    values.truncate(if project_id.is_some() { 2 } else { 1 });
    site_insights(conn, range, rollup_filter, values, sites, licenses).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn ranges_are_checked() {
        assert!(Range::new(date(2026, 1, 2), date(2026, 1, 2)).is_err());
        assert!(Range::new(date(2026, 1, 3), date(2026, 1, 2)).is_err());
        assert!(Range::new(date(2025, 1, 1), date(2026, 2, 6)).is_err());
        let r = Range::new(date(2026, 1, 1), date(2026, 1, 31)).unwrap();
        assert_eq!(r.days(), 30);
        assert_eq!(r.previous(), Range { from: date(2025, 12, 2), to: date(2026, 1, 1) });
        assert_eq!(r.each_day().count(), 30);
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio(1, 4), Some(0.25));
        assert_eq!(ratio(1, 0), None);
    }
}
