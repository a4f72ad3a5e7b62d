//! Tenant usage ingestion throughput on a durable SQLite file (WAL,
//! synchronous=FULL, as `hub serve` opens it), in buckets per second, through
//! `tenants::usage::ingest` with batches of 1,000 — rollup maintenance
//! included (issue 6, insights; docs/benchmarks.md).
//!
//! Three runs, each on a fresh database: `baseline` upserts the batches the way
//! ingest did before the rollups (rows built from the buckets, 200-row
//! upserts, one transaction per batch, no rollup, no validation); `ingest`
//! calls `usage::ingest` with new buckets; `resend` then sends the first
//! `RESEND` batches again with changed values (every bucket replaced, so the
//! rollup moves by the difference).
//!
//! `cargo bench -p backend --bench usage_ingest` (optional environment:
//! `BATCHES`, default 300; `RESEND`, default 100).

use std::time::{Duration, Instant};

use base64::{engine::general_purpose::STANDARD, Engine};
use chrono::{DateTime, Timelike, Utc};
use entity::{customer, order, token_usage_bucket, AccountKind, AutomationMode, CustomerStatus, OrderStatus};
use hub::{
    config::{Config, SecretString},
    domain::{
        identity::{accounts, Email},
        tenants::usage::{self, Bucket},
    },
    Services,
};
use sea_orm::{sea_query::OnConflict, ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn start(dir: &std::path::Path) -> Services {
    let mut config = Config {
        data_dir: dir.to_path_buf(),
        spa_dir: dir.to_path_buf(),
        database_url: SecretString::new(format!("sqlite://{}/hub.db", dir.display())),
        master_key: Some(SecretString::new(STANDARD.encode([9u8; 32]))),
        ..Config::default()
    };
    config.webhooks.worker = false;
    config.mail.worker = false;
    config.scheduler.enabled = false;
    Services::start(config).await.expect("services start")
}

/// A customer with one FULFILLED order; returns the order id.
async fn tenant(services: &Services) -> Uuid {
    let new = accounts::NewAccount {
        email: Email::parse("email", "bench@example.com").unwrap(),
        name: "Bench".into(),
        password_hash: None,
        kind: AccountKind::Customer,
        role: None,
    };
    let user = accounts::insert(&services.db, new).await.unwrap();
    let now = Utc::now();
    customer::ActiveModel {
        id: Set(user.id),
        company: Set(None),
        phone: Set(None),
        status: Set(CustomerStatus::Active),
        notes: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&services.db)
    .await
    .unwrap();
    let id = Uuid::new_v4();
    order::ActiveModel {
        id: Set(id),
        customer_id: Set(user.id),
        plan_id: Set(None),
        status: Set(OrderStatus::Fulfilled),
        tier: Set("Build".into()),
        domain: Set("bench.example.com".into()),
        tools: Set(serde_json::json!([])),
        server_ip: Set(None),
        ssh_port: Set(None),
        automation_mode: Set(AutomationMode::Auto),
        dashboard_url: Set(None),
        portainer_url: Set(None),
        config_version: Set(0),
        failure_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        fulfilled_at: Set(Some(now)),
    }
    .insert(&services.db)
    .await
    .unwrap();
    id
}

/// Batch `i`: 10 agents × 2 models × 50 hours, hours advancing batch by batch.
fn batches(count: usize, salt: i64) -> Vec<Vec<Bucket>> {
    let now = Utc::now().with_minute(0).unwrap().with_second(0).unwrap().with_nanosecond(0).unwrap();
    let first: DateTime<Utc> = now - chrono::Duration::hours(count as i64 * 50 + 10);
    (0..count)
        .map(|i| {
            let mut batch = Vec::with_capacity(1000);
            for h in 0..50 {
                let hour = (first + chrono::Duration::hours((i * 50 + h) as i64)).to_rfc3339();
                for a in 0..10 {
                    for m in 0..2 {
                        let n = (i * 1000 + h * 20 + a * 2 + m) as i64 + salt;
                        batch.push(Bucket {
                            agent_id: format!("agent-{a}"),
                            model: format!("model-{m}"),
                            bucket_hour: hour.clone(),
                            tokens_input: n % 5000,
                            tokens_output: n % 3000,
                            tokens_cache_read: n % 700,
                            tokens_cache_write: n % 300,
                            web_search_count: n % 3,
                            web_fetch_count: n % 2,
                            cost_cents: n % 90,
                        });
                    }
                }
            }
            batch
        })
        .collect()
}

/// The pre-rollup write path: rows built from the buckets, 200-row upserts.
async fn baseline(services: &Services, order_id: Uuid, buckets: &[Bucket]) {
    use token_usage_bucket::Column;
    let now = Utc::now();
    let rows: Vec<_> = buckets
        .iter()
        .map(|b| token_usage_bucket::ActiveModel {
            id: Set(Uuid::new_v4()),
            order_id: Set(order_id),
            agent_id: Set(b.agent_id.clone()),
            model: Set(b.model.clone()),
            bucket_hour: Set(DateTime::parse_from_rfc3339(&b.bucket_hour).unwrap().with_timezone(&Utc)),
            tokens_input: Set(b.tokens_input),
            tokens_output: Set(b.tokens_output),
            tokens_cache_read: Set(b.tokens_cache_read),
            tokens_cache_write: Set(b.tokens_cache_write),
            web_search_count: Set(b.web_search_count),
            web_fetch_count: Set(b.web_fetch_count),
            cost_cents: Set(b.cost_cents),
            updated_at: Set(now),
        })
        .collect();
    let txn = hub::db::begin_write(&services.db).await.unwrap();
    for chunk in rows.chunks(200) {
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
        token_usage_bucket::Entity::insert_many(chunk.to_vec()).on_conflict(on_conflict).exec_without_returning(&txn).await.unwrap();
    }
    txn.commit().await.unwrap();
}

fn report(name: &str, buckets: usize, took: Duration, per_batch: &mut [Duration]) -> f64 {
    per_batch.sort();
    let pick = |q: f64| per_batch[((per_batch.len() as f64 * q) as usize).min(per_batch.len() - 1)];
    let rate = buckets as f64 / took.as_secs_f64();
    println!(
        "{name:>8}: {buckets} buckets in {:.2} s = {rate:.0} buckets/s (batch p50 {:.2} ms, p99 {:.2} ms)",
        took.as_secs_f64(),
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3
    );
    rate
}

#[tokio::main]
async fn main() {
    let count = env_or("BATCHES", 300);
    let resend = env_or("RESEND", 100).min(count);
    let fresh = batches(count, 0);

    let dir = tempfile::tempdir().expect("temp dir");
    let services = start(dir.path()).await;
    let order_id = tenant(&services).await;
    let mut times = Vec::with_capacity(count);
    let started = Instant::now();
    for batch in &fresh {
        let t = Instant::now();
        baseline(&services, order_id, batch).await;
        times.push(t.elapsed());
    }
    let base = report("baseline", count * 1000, started.elapsed(), &mut times);
    services.db.clone().close().await.ok();
    drop(dir);

    let dir = tempfile::tempdir().expect("temp dir");
    let services = start(dir.path()).await;
    let order_id = tenant(&services).await;
    let mut times = Vec::with_capacity(count);
    let started = Instant::now();
    for batch in fresh {
        let t = Instant::now();
        usage::ingest(&services, order_id, batch).await.expect("ingest");
        times.push(t.elapsed());
    }
    let ingest = report("ingest", count * 1000, started.elapsed(), &mut times);

    let again = batches(resend, 17);
    let mut times = Vec::with_capacity(resend);
    let started = Instant::now();
    for batch in again {
        let t = Instant::now();
        usage::ingest(&services, order_id, batch).await.expect("ingest");
        times.push(t.elapsed());
    }
    let replaced = if resend > 0 { report("resend", resend * 1000, started.elapsed(), &mut times) } else { 0.0 };
    println!("ratio ingest/baseline {:.2}, resend/baseline {:.2}", ingest / base, replaced / base);
}
