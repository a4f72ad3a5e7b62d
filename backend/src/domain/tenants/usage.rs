//! Hourly token-usage buckets (spec 001 §4.10), upserted: re-sending a bucket
//! replaces it, so a retried batch never counts twice.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Timelike, Utc};
use entity::{
    order,
    token_usage_bucket::{self, Column},
};
use sea_orm::{sea_query::OnConflict, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use crate::{
    domain::{
        agents::is_slug,
        insights::rollups::{self, UsageSums},
    },
    error::{AppError, FieldError},
    Services,
};

/// The most buckets one batch may carry.
pub const MAX_BATCH: usize = 1000;
// A whole batch is one INSERT: 1000 rows × 13 values stays under SQLite's
// 32766 variables (and PostgreSQL's 65535).
const _: () = assert!(MAX_BATCH * 13 <= 32766);
/// (agent, model) pairs per look-up of the rows a batch replaces.
const PAIRS: usize = 100;

type Key = (String, String, DateTime<Utc>);
/// The first and last hour of one (agent, model) pair in a batch.
type Span = (DateTime<Utc>, DateTime<Utc>);
type OldRow = (String, String, DateTime<Utc>, i64, i64, i64, i64, i64, i64, i64);

/// One bucket as the tenant sends it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    pub agent_id: String,
    pub model: String,
    pub bucket_hour: String,
    pub tokens_input: i64,
    pub tokens_output: i64,
    pub tokens_cache_read: i64,
    pub tokens_cache_write: i64,
    pub web_search_count: i64,
    pub web_fetch_count: i64,
    pub cost_cents: i64,
}

fn check(index: usize, bucket: &Bucket, now: DateTime<Utc>, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    let field = |name: &str| format!("buckets[{index}].{name}");
    if !is_slug(&bucket.agent_id) {
        errors.push(FieldError::new(field("agentId"), "must be a slug: a lower-case letter, then [a-z0-9-], at most 64"));
    }
    let model_ok = !bucket.model.is_empty() && bucket.model.len() <= 128 && bucket.model.bytes().all(|b| b.is_ascii_graphic());
    if !model_ok {
        errors.push(FieldError::new(field("model"), "must be 1 to 128 visible ASCII characters"));
    }
    let counts = [
        ("tokensInput", bucket.tokens_input),
        ("tokensOutput", bucket.tokens_output),
        ("tokensCacheRead", bucket.tokens_cache_read),
        ("tokensCacheWrite", bucket.tokens_cache_write),
        ("webSearchCount", bucket.web_search_count),
        ("webFetchCount", bucket.web_fetch_count),
        ("costCents", bucket.cost_cents),
    ];
    for (name, value) in counts {
        if value < 0 {
            errors.push(FieldError::new(field(name), "must be at least 0"));
        }
    }
    let hour = DateTime::parse_from_rfc3339(&bucket.bucket_hour).ok().map(|at| at.with_timezone(&Utc));
    match hour {
        None => errors.push(FieldError::new(field("bucketHour"), "must be an RFC 3339 timestamp")),
        Some(at) if at.minute() != 0 || at.second() != 0 || at.nanosecond() != 0 => {
            errors.push(FieldError::new(field("bucketHour"), "must be on the hour"))
        }
        Some(at) if at > now => errors.push(FieldError::new(field("bucketHour"), "must not be in the future")),
        Some(_) => {}
    }
    hour
}

/// Validates the batch and upserts it in one transaction; returns how many
/// buckets were accepted. Within a batch the last copy of a bucket wins.
pub async fn ingest(services: &Services, order_id: Uuid, buckets: Vec<Bucket>) -> Result<usize, AppError> {
    if buckets.len() > MAX_BATCH {
        return Err(AppError::invalid("buckets", format!("must hold at most {MAX_BATCH} buckets")));
    }
    let now = Utc::now();
    let mut errors = Vec::new();
    let mut rows = BTreeMap::new();
    for (index, bucket) in buckets.iter().enumerate() {
        if let Some(hour) = check(index, bucket, now, &mut errors) {
            let row = token_usage_bucket::ActiveModel {
                id: Set(Uuid::new_v4()),
                order_id: Set(order_id),
                agent_id: Set(bucket.agent_id.clone()),
                model: Set(bucket.model.clone()),
                bucket_hour: Set(hour),
                tokens_input: Set(bucket.tokens_input),
                tokens_output: Set(bucket.tokens_output),
                tokens_cache_read: Set(bucket.tokens_cache_read),
                tokens_cache_write: Set(bucket.tokens_cache_write),
                web_search_count: Set(bucket.web_search_count),
                web_fetch_count: Set(bucket.web_fetch_count),
                cost_cents: Set(bucket.cost_cents),
                updated_at: Set(now),
            };
            rows.insert((bucket.agent_id.clone(), bucket.model.clone(), hour), row);
        }
    }
    AppError::check_fields(errors)?;
    let accepted = buckets.len();
    let txn = crate::db::begin_write(&services.db).await?;
    // On PostgreSQL the order row is locked so two batches of one order never
    // read the same "old" values (SQLite's BEGIN IMMEDIATE already serialises).
    let customer_id: Uuid = order::Entity::find_by_id(order_id)
        .select_only()
        .column(order::Column::CustomerId)
        .lock_exclusive()
        .into_tuple()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("order not found".into()))?;
    // The rollup moves by new minus old, so a re-sent bucket never counts twice.
    let old = replaced(&txn, order_id, &rows).await?;
    let mut deltas: BTreeMap<i64, UsageSums> = BTreeMap::new();
    for (key, row) in &rows {
        let delta = deltas.entry(rollups::day_number(key.2)).or_default();
        delta.add(&sums_of_row(row), 1);
        if let Some(before) = old.get(key) {
            delta.add(before, -1);
        }
    }
    let on_conflict = OnConflict::columns([Column::OrderId, Column::AgentId, Column::Model, Column::BucketHour])
        .update_columns([
            Column::TokensInput,
            Column::TokensOutput,
            Column::TokensCacheRead,
            Column::TokensCacheWrite,
            Column::WebSearchCount,
            Column::WebFetchCount,
            Column::CostCents,
            Column::UpdatedAt,
        ])
        .to_owned();
    token_usage_bucket::Entity::insert_many(rows.into_values()).on_conflict(on_conflict).exec_without_returning(&txn).await?;
    rollups::add_usage(&txn, customer_id, &deltas).await?;
    txn.commit().await?;
    crate::domain::metering::after_ingest(services, order_id).await?;
    Ok(accepted)
}

fn sums_of_row(row: &token_usage_bucket::ActiveModel) -> UsageSums {
    let get = |v: &sea_orm::ActiveValue<i64>| v.clone().unwrap();
    UsageSums {
        tokens_input: get(&row.tokens_input),
        tokens_output: get(&row.tokens_output),
        tokens_cache_read: get(&row.tokens_cache_read),
        tokens_cache_write: get(&row.tokens_cache_write),
        web_search_count: get(&row.web_search_count),
        web_fetch_count: get(&row.web_fetch_count),
        cost_cents: get(&row.cost_cents),
    }
}

/// The stored values of the buckets this batch is about to replace: one query
/// per `PAIRS` (agent, model) pairs, each pair bounded to the batch's hours.
async fn replaced<C: ConnectionTrait>(
    conn: &C,
    order_id: Uuid,
    rows: &BTreeMap<Key, token_usage_bucket::ActiveModel>,
) -> Result<HashMap<Key, UsageSums>, AppError> {
    let mut spans: BTreeMap<(&str, &str), Span> = BTreeMap::new();
    for (agent, model, hour) in rows.keys() {
        let span = spans.entry((agent.as_str(), model.as_str())).or_insert((*hour, *hour));
        span.0 = span.0.min(*hour);
        span.1 = span.1.max(*hour);
    }
    let spans: Vec<_> = spans.into_iter().collect();
    let mut old = HashMap::new();
    for chunk in spans.chunks(PAIRS) {
        let mut any = Condition::any();
        for ((agent, model), (first, last)) in chunk {
            any = any.add(
                Condition::all()
                    .add(Column::AgentId.eq(*agent))
                    .add(Column::Model.eq(*model))
                    .add(Column::BucketHour.between(*first, *last)),
            );
        }
        let found: Vec<OldRow> = token_usage_bucket::Entity::find()
            .select_only()
            .columns([
                Column::AgentId,
                Column::Model,
                Column::BucketHour,
                Column::TokensInput,
                Column::TokensOutput,
                Column::TokensCacheRead,
                Column::TokensCacheWrite,
                Column::WebSearchCount,
                Column::WebFetchCount,
                Column::CostCents,
            ])
            .filter(Column::OrderId.eq(order_id))
            .filter(any)
            .into_tuple()
            .all(conn)
            .await?;
        for (
            agent,
            model,
            hour,
            tokens_input,
            tokens_output,
            tokens_cache_read,
            tokens_cache_write,
            web_search_count,
            web_fetch_count,
            cost_cents,
        ) in found
        {
            let key = (agent, model, hour);
            if rows.contains_key(&key) {
                let sums = UsageSums {
                    tokens_input,
                    tokens_output,
                    tokens_cache_read,
                    tokens_cache_write,
                    web_search_count,
                    web_fetch_count,
                    cost_cents,
                };
                old.insert(key, sums);
            }
        }
    }
    Ok(old)
}
