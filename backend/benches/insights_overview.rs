//! `insightsOverview` latency over a large usage history (issue 6, insights;
//! docs/benchmarks.md). Seeds a durable SQLite file with `BUCKETS` hourly
//! token-usage buckets (default 10,000,000: `ORDERS` customers with one order
//! each, 4 agent/model pairs, hours back from now) with recursive-CTE
//! INSERTs, plus `SITES` sites with hourly telemetry windows for 400 days, a
//! subscription per customer and 24 monthly payments each; derives the
//! rollups from the raw rows the way migration 000012 backfills them; then
//! times `insightsOverview` over HTTP (GraphQL, as OWNER, so the money
//! queries run too) for a 30-day and a 365-day range ending today, `RUNS`
//! times each, and prints p50/p99/max.
//!
//! `cargo bench -p backend --bench insights_overview` (optional environment:
//! `BUCKETS`, `ORDERS` default 100, `SITES` default 50, `RUNS` default 50).

use std::time::{Duration, Instant};

use base64::{engine::general_purpose::STANDARD, Engine};
use chrono::{Days, Timelike, Utc};
use entity::{customer, invoice, order, payment, plan, project, subscription, AccountKind, AutomationMode, CustomerStatus, OrderStatus};
use entity::{InvoiceStatus, PaymentStatus, SubscriptionStatus};
use hub::{
    config::{Config, SecretString},
    domain::identity::{accounts, Email},
    Services,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionTrait};
use serde_json::{json, Value};
use uuid::Uuid;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn hex(id: Uuid) -> String {
    format!("X'{}'", id.simple())
}

const DAY: &str = "(CAST(strftime('%s', substr({c}, 1, 19)) AS INTEGER) / 86400)";

async fn seed_business(services: &Services, orders: usize) -> Vec<Uuid> {
    let db = &services.db;
    let plan = plan::Entity::find().one(db).await.unwrap().expect("a seeded plan");
    let now = Utc::now();
    let mut order_ids = Vec::with_capacity(orders);
    let txn = db.begin().await.unwrap();
    for i in 0..orders {
        let new = accounts::NewAccount {
            email: Email::parse("email", &format!("c{i}@bench.example.com")).unwrap(),
            name: format!("Customer {i}"),
            password_hash: None,
            kind: AccountKind::Customer,
            role: None,
        };
        let user = accounts::insert(&txn, new).await.unwrap();
        let created = now - Days::new((i * 7) as u64);
        customer::ActiveModel {
            id: Set(user.id),
            company: Set(None),
            phone: Set(None),
            status: Set(CustomerStatus::Active),
            notes: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
        }
        .insert(&txn)
        .await
        .unwrap();
        let id = Uuid::new_v4();
        order::ActiveModel {
            id: Set(id),
            customer_id: Set(user.id),
            plan_id: Set(Some(plan.id)),
            status: Set(OrderStatus::Fulfilled),
            tier: Set("Build".into()),
            domain: Set(format!("c{i}.bench.example.com")),
            tools: Set(json!([])),
            server_ip: Set(None),
            ssh_port: Set(None),
            automation_mode: Set(AutomationMode::Auto),
            dashboard_url: Set(None),
            portainer_url: Set(None),
            config_version: Set(0),
            failure_reason: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            fulfilled_at: Set(Some(created)),
        }
        .insert(&txn)
        .await
        .unwrap();
        order_ids.push(id);
        let sub = Uuid::new_v4();
        let status = if i % 10 == 0 { SubscriptionStatus::Cancelled } else { SubscriptionStatus::Active };
        subscription::ActiveModel {
            id: Set(sub),
            customer_id: Set(user.id),
            plan_id: Set(plan.id),
            status: Set(status),
            stripe_customer_id: Set(None),
            stripe_subscription_id: Set(None),
            current_period_start: Set(None),
            current_period_end: Set(None),
            cancel_at_period_end: Set(false),
            created_at: Set(created),
            updated_at: Set(now - Days::new((i % 60) as u64)),
        }
        .insert(&txn)
        .await
        .unwrap();
        let inv = Uuid::new_v4();
        invoice::ActiveModel {
            id: Set(inv),
            stripe_invoice_id: Set(format!("in_bench_{i}")),
            customer_id: Set(Some(user.id)),
            subscription_id: Set(Some(sub)),
            stripe_customer_id: Set(None),
            stripe_subscription_id: Set(None),
            status: Set(InvoiceStatus::Paid),
            amount_due: Set(plan.price_minor),
            amount_paid: Set(plan.price_minor),
            currency: Set(plan.currency.clone()),
            period_start: Set(None),
            period_end: Set(None),
            hosted_invoice_url: Set(None),
            state_at: Set(0),
            created_at: Set(created),
            updated_at: Set(created),
        }
        .insert(&txn)
        .await
        .unwrap();
        let payments: Vec<_> = (0..24u64)
            .map(|m| payment::ActiveModel {
                id: Set(Uuid::new_v4()),
                invoice_id: Set(inv),
                stripe_event_id: Set(format!("evt_bench_{i}_{m}")),
                stripe_payment_intent_id: Set(None),
                status: Set(PaymentStatus::Succeeded),
                amount: Set(plan.price_minor),
                currency: Set(plan.currency.clone()),
                attempt_count: Set(1),
                occurred_at: Set(now - Days::new(m * 30 + (i % 30) as u64)),
                created_at: Set(now),
            })
            .collect();
        payment::Entity::insert_many(payments).exec_without_returning(&txn).await.unwrap();
    }
    txn.commit().await.unwrap();
    order_ids
}

async fn seed_buckets(services: &Services, order_ids: &[Uuid], total: usize) {
    let db = &services.db;
    let per_order = total / order_ids.len() / 4;
    let last_hour = Utc::now().with_minute(0).unwrap().with_second(0).unwrap().with_nanosecond(0).unwrap().timestamp() - 3600;
    let first_hour = last_hour - (per_order as i64 - 1) * 3600;
    let pairs = "SELECT 'agent-0' AS agent, 'claude-sonnet' AS model UNION ALL SELECT 'agent-0', 'claude-haiku' \
                 UNION ALL SELECT 'agent-1', 'claude-sonnet' UNION ALL SELECT 'agent-2', 'claude-opus'";
    for id in order_ids {
        let txn = db.begin().await.unwrap();
        txn.execute_unprepared(&format!(
            "INSERT INTO token_usage_buckets (id, order_id, agent_id, model, bucket_hour, tokens_input, tokens_output, \
               tokens_cache_read, tokens_cache_write, web_search_count, web_fetch_count, cost_cents, updated_at) \
             WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < {}) \
             SELECT randomblob(16), {}, p.agent, p.model, strftime('%Y-%m-%dT%H:00:00+00:00', {first_hour} + n * 3600, 'unixepoch'), \
               (n * 7) % 5000, (n * 3) % 2000, n % 700, n % 300, n % 3, n % 2, n % 90, '2026-01-01T00:00:00+00:00' \
             FROM h CROSS JOIN ({pairs}) p",
            per_order - 1,
            hex(*id)
        ))
        .await
        .unwrap();
        txn.commit().await.unwrap();
    }
}

async fn seed_sites(services: &Services, sites: usize) {
    let db = &services.db;
    let now = Utc::now();
    let project_id = Uuid::new_v4();
    project::ActiveModel {
        id: Set(project_id),
        slug: Set("bench-shop".into()),
        name: Set("Bench shop".into()),
        base_url: Set("https://shop.bench.example.com".into()),
        project_key: Set("pk_bench".into()),
        secret_encrypted: Set("unused".into()),
        last_heartbeat_at: Set(None),
        last_heartbeat: Set(None),
        last_ping_at: Set(None),
        last_ping_ok: Set(None),
        last_ping_status: Set(None),
        last_ping_latency_ms: Set(None),
        last_ping_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    let last_hour = now.with_minute(0).unwrap().with_second(0).unwrap().with_nanosecond(0).unwrap().timestamp() - 3600;
    let hours = 400 * 24;
    let first_hour = last_hour - (hours - 1) * 3600;
    let txn = db.begin().await.unwrap();
    for s in 0..sites {
        let metrics = "json_object('orders_count', n % 5, 'new_users_count', n % 2, 'revenue_paise', (n % 5) * 1000, \
                       'requests_count', 100 + n % 50, 'errors_count', n % 4)";
        txn.execute_unprepared(&format!(
            "INSERT INTO site_stats (id, project_id, site_uuid, site_slug, vendor_id, window_start, window_end, metrics, payload, updated_at) \
             WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < {}) \
             SELECT randomblob(16), {}, {}, 'site-{s}', {}, strftime('%Y-%m-%dT%H:00:00+00:00', {first_hour} + n * 3600, 'unixepoch'), \
               strftime('%Y-%m-%dT%H:00:00+00:00', {first_hour} + n * 3600 + 3600, 'unixepoch'), {metrics}, {metrics}, '2026-01-01T00:00:00+00:00' FROM h",
            hours - 1,
            hex(project_id),
            hex(Uuid::new_v4()),
            100 + s % 10
        ))
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
}

/// The rollups, derived from the raw rows as migration 000012 backfills them.
async fn derive_rollups(services: &Services) {
    let db = &services.db;
    let day = DAY.replace("{c}", "b.bucket_hour");
    db.execute_unprepared(&format!(
        "INSERT INTO usage_daily_rollups (customer_id, day, tokens_input, tokens_output, tokens_cache_read, tokens_cache_write, \
           web_search_count, web_fetch_count, cost_cents) \
         SELECT o.customer_id, {day}, SUM(b.tokens_input), SUM(b.tokens_output), SUM(b.tokens_cache_read), SUM(b.tokens_cache_write), \
           SUM(b.web_search_count), SUM(b.web_fetch_count), SUM(b.cost_cents) \
         FROM token_usage_buckets b JOIN orders o ON o.id = b.order_id GROUP BY o.customer_id, {day}"
    ))
    .await
    .unwrap();
    let day = DAY.replace("{c}", "s.window_start");
    let m = |name: &str| format!("SUM(CAST(json_extract(s.metrics, '$.{name}') AS INTEGER))");
    db.execute_unprepared(&format!(
        "INSERT INTO site_daily_rollups (project_id, site_uuid, day, vendor_id, site_slug, windows, orders_count, new_users_count, \
           revenue_paise, requests_count, errors_count) \
         SELECT s.project_id, s.site_uuid, {day}, MAX(s.vendor_id), MAX(s.site_slug), COUNT(*), {}, {}, {}, {}, {} \
         FROM site_stats s GROUP BY s.project_id, s.site_uuid, {day}",
        m("orders_count"),
        m("new_users_count"),
        m("revenue_paise"),
        m("requests_count"),
        m("errors_count")
    ))
    .await
    .unwrap();
}

async fn count(services: &Services, table: &str) -> i64 {
    let row = services
        .db
        .query_one_raw(sea_orm::Statement::from_string(services.db.get_database_backend(), format!("SELECT COUNT(*) FROM {table}")))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

#[tokio::main]
async fn main() {
    let buckets = env_or("BUCKETS", 10_000_000);
    let orders = env_or("ORDERS", 100);
    let sites = env_or("SITES", 50);
    let runs = env_or("RUNS", 50).max(1);

    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        data_dir: dir.path().to_path_buf(),
        spa_dir: dir.path().to_path_buf(),
        database_url: SecretString::new(format!("sqlite://{}/hub.db", dir.path().display())),
        master_key: Some(SecretString::new(STANDARD.encode([9u8; 32]))),
        ..Config::default()
    };
    config.rate_limit.per_minute = 1_000_000;
    config.webhooks.worker = false;
    config.mail.worker = false;
    config.scheduler.enabled = false;
    let services = Services::start(config).await.expect("services start");

    let t = Instant::now();
    let order_ids = seed_business(&services, orders).await;
    seed_buckets(&services, &order_ids, buckets).await;
    seed_sites(&services, sites).await;
    let seeded = t.elapsed();
    let t = Instant::now();
    derive_rollups(&services).await;
    println!(
        "seeded {} buckets, {} telemetry windows in {:.1} s; rollups ({} usage rows, {} site rows) derived in {:.1} s",
        count(&services, "token_usage_buckets").await,
        count(&services, "site_stats").await,
        seeded.as_secs_f64(),
        count(&services, "usage_daily_rollups").await,
        count(&services, "site_daily_rollups").await,
        t.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = services.clone();
    tokio::spawn(async move { hub::app::serve(served, listener, std::future::pending()).await.expect("server runs") });
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/graphql");
    let setup: Value = client
        .post(&url)
        .json(&json!({
            "query": "mutation($i: SetupInput!) { setup(input: $i) { accessToken } }",
            "variables": { "i": { "name": "Bench Owner", "email": "owner@bench.example.com", "password": "bench-password-1" } }
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = setup["data"]["setup"]["accessToken"].as_str().expect("setup answers a token").to_owned();
    let query = "query($f: NaiveDate!, $t: NaiveDate!) { insightsOverview(from: $f, to: $t) { customersTotal customersNew growth \
                 activeOrders churn mrr { currency amountMinor } revenue { currency amountMinor } revenuePerDay { day amountMinor } \
                 usage { tokens costCents } sites { requestsCount errorsCount } usagePerDay { day usage { tokens costCents } } \
                 sitesPerDay { day sites { requestsCount errorsCount } } newCustomersPerDay { day count } } }";
    let to = Utc::now().date_naive() + Days::new(1);
    for days in [30u64, 365] {
        let vars = json!({ "f": (to - Days::new(days)).to_string(), "t": to.to_string() });
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut tokens = Value::Null;
        for _ in 0..runs {
            let t = Instant::now();
            let res: Value = client
                .post(&url)
                .bearer_auth(&token)
                .json(&json!({ "query": query, "variables": vars }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            times.push(t.elapsed());
            assert!(res["errors"].is_null(), "{}", res["errors"]);
            tokens = res["data"]["insightsOverview"]["usage"]["tokens"].clone();
        }
        times.sort();
        let pick = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e3;
        println!(
            "insightsOverview over {days} days ({runs} runs, {tokens} tokens): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            pick(0.5),
            pick(0.99),
            pick(1.0)
        );
    }
}
