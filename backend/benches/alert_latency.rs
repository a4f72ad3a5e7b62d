//! Alert latency from commit to delivery, with many WebSocket subscribers on
//! one replica (the live-alerts issue's benchmark; docs/benchmarks.md).
//!
//! Starts Hub in this process on a fresh SQLite database, opens `SUBSCRIBERS`
//! graphql-transport-ws connections as a staff member, each subscribed to
//! `alerts`, then raises `ALERTS` alerts one after another the way the domain
//! does (a write transaction, commit, announce). For every alert and every
//! subscriber it records the time from just after the commit returned to the
//! moment the subscriber's task has parsed the `next` message, and reports
//! p50/p99/max over all deliveries. Clients and server share the machine's
//! cores, so the figure includes the clients' own work.
//!
//! `cargo bench -p backend --bench alert_latency` (optional environment:
//! `SUBSCRIBERS`, default 1000; `ALERTS`, default 100; `GAP_MS` between
//! alerts, default 20).

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use entity::AlertSeverity;
use futures_util::{SinkExt, StreamExt};
use hub::{
    config::{Config, SecretString},
    domain::alerts::{announce, raise, NewAlert},
    Services,
};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let subscribers = env_or("SUBSCRIBERS", 1000);
    let alerts = env_or("ALERTS", 100);
    let gap = Duration::from_millis(env_or("GAP_MS", 20) as u64);

    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        data_dir: dir.path().to_path_buf(),
        spa_dir: dir.path().to_path_buf(),
        database_url: SecretString::new(format!("sqlite://{}/hub.db", dir.path().display())),
        master_key: Some(SecretString::new(STANDARD.encode([9u8; 32]))),
        ..Config::default()
    };
    // Every connection comes from 127.0.0.1: lift the per-IP budget.
    config.rate_limit.per_minute = 1_000_000;
    config.webhooks.worker = false;
    config.mail.worker = false;
    let services = Services::start(config).await.expect("services start");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = services.clone();
    tokio::spawn(async move { hub::app::serve(served, listener, std::future::pending()).await.expect("server runs") });

    let setup = reqwest::Client::new()
        .post(format!("http://{addr}/graphql"))
        .json(&json!({
            "query": "mutation($i: SetupInput!) { setup(input: $i) { accessToken } }",
            "variables": { "i": { "name": "Bench Owner", "email": "bench@example.com", "password": "bench-password-1" } }
        }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let token = setup["data"]["setup"]["accessToken"].as_str().expect("setup answers a token").to_owned();

    // Each subscriber reports (alert id, arrival) on one channel.
    let (arrivals_tx, mut arrivals) = mpsc::unbounded_channel::<(String, Instant)>();
    let mut ready = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        ready.push(ready_rx);
        let (token, arrivals_tx) = (token.clone(), arrivals_tx.clone());
        tokio::spawn(async move {
            let mut request = format!("ws://{addr}/graphql/ws").into_client_request().unwrap();
            request.headers_mut().insert("sec-websocket-protocol", HeaderValue::from_static("graphql-transport-ws"));
            let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
            let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
            ws.send(Message::text(init.to_string())).await.unwrap();
            let _ack = ws.next().await;
            let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { alerts { id } }" } });
            ws.send(Message::text(subscribe.to_string())).await.unwrap();
            let _ = ready_tx.send(());
            while let Some(Ok(message)) = ws.next().await {
                if let Message::Text(text) = message {
                    let value: Value = serde_json::from_str(&text).unwrap_or_default();
                    if let Some(id) = value.pointer("/payload/data/alerts/id").and_then(Value::as_str) {
                        let _ = arrivals_tx.send((id.to_owned(), Instant::now()));
                    }
                }
            }
        });
    }
    drop(arrivals_tx);
    for r in ready {
        r.await.expect("subscriber connected");
    }

    // A warm-up alert: once every subscriber has it, every subscription is live.
    let warm_up = raise_one(&services, "warm-up").await.0;
    let mut warmed = 0;
    while warmed < subscribers {
        let (id, _) = tokio::time::timeout(Duration::from_secs(30), arrivals.recv()).await.expect("warm-up delivered").unwrap();
        warmed += usize::from(id == warm_up);
    }

    let mut committed = HashMap::with_capacity(alerts);
    let started = Instant::now();
    for n in 0..alerts {
        let (id, at) = raise_one(&services, &format!("bench alert {n}")).await;
        committed.insert(id, at);
        tokio::time::sleep(gap).await;
    }
    let mut latencies = Vec::with_capacity(alerts * subscribers);
    let deadline = Instant::now() + Duration::from_secs(30);
    while latencies.len() < alerts * subscribers {
        match tokio::time::timeout_at(deadline.into(), arrivals.recv()).await {
            Ok(Some((id, arrived))) => {
                if let Some(at) = committed.get(&id) {
                    latencies.push(arrived.saturating_duration_since(*at));
                }
            }
            _ => break,
        }
    }
    let expected = alerts * subscribers;
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1];
    println!("alert latency, commit → parsed by the subscriber ({subscribers} WebSocket subscribers, {alerts} alerts, {gap:?} apart)");
    println!(
        "deliveries: {} of {expected} ({} missing) in {:.1} s",
        latencies.len(),
        expected - latencies.len(),
        started.elapsed().as_secs_f64()
    );
    if !latencies.is_empty() {
        println!("p50 {:.2} ms · p99 {:.2} ms · max {:.2} ms", ms(pick(0.50)), ms(pick(0.99)), ms(pick(1.0)));
    }
    std::process::exit(if latencies.len() == expected { 0 } else { 1 });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Raises one staff-only alert as the domain does; answers its id and the
/// instant its transaction committed.
async fn raise_one(services: &Services, message: &str) -> (String, Instant) {
    let txn = hub::db::begin_write(&services.db).await.unwrap();
    let alert = NewAlert {
        alert_type: "BENCH",
        severity: AlertSeverity::Warning,
        customer_id: None,
        subject: None,
        message: message.to_owned(),
        dedupe_key: None,
    };
    let raised = raise(&txn, alert).await.unwrap().expect("no dedupe key, so always raised");
    txn.commit().await.unwrap();
    let at = Instant::now();
    announce(services, [&raised]);
    (raised.id.to_string(), at)
}
