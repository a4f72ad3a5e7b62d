//! Usage checks per second and their latency at 256 connections on SQLite (the
//! metering issue's benchmark; docs/benchmarks.md), against two baselines
//! measured in the same run on the same machine: a plain axum handler (bare
//! router, no middleware) and Hub's own `/healthz` (Hub's full middleware stack).
//!
//! Starts Hub in this process on a fresh SQLite file database (WAL, synchronous
//! FULL: every commit durable), writes one SaaS project with a key and an
//! unlimited tier, and drives `POST /api/data` with `wrk` (a separate process:
//! `apt-get install wrk`) over `USERS` end users, round robin. Afterwards it
//! checks that the stored counts add up to at least the answers wrk received.
//!
//! `cargo bench -p backend --bench usage_check` (environment: `CONNECTIONS`,
//! default 256; `SECONDS`, default 10; `USERS`, default 1000; `THREADS` for wrk,
//! default 2; `LIMIT` to use a limited tier instead: refusals then count too).

#[path = "../tests/api/usage_check/fixture.rs"]
mod fixture;

use std::{io::Write, process::Command};

use axum::{routing::get, Router};
use base64::{engine::general_purpose::STANDARD, Engine};
use entity::{api_usage_counter, ApiMode, ApiProjectKind};
use hub::{
    config::{Config, SecretString},
    Services,
};
use sea_orm::{EntityTrait, QuerySelect};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// What wrk measured.
struct Run {
    requests: u64,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
}

fn wrk(url: &str, script: Option<&std::path::Path>) -> Run {
    let (connections, seconds, threads) = (env_or("CONNECTIONS", 256), env_or("SECONDS", 10), env_or("THREADS", 2));
    let mut command = Command::new("wrk");
    command.args(["-t", &threads.to_string(), "-c", &connections.to_string(), "-d", &format!("{seconds}s"), "--latency"]);
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let output = command.arg(url).output().expect("wrk runs (apt-get install wrk)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "wrk failed: {text}{}", String::from_utf8_lossy(&output.stderr));
    let field = |prefix: &str| text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.trim().to_owned()));
    let millis = |value: String| -> f64 {
        let (number, unit) = value.split_at(value.find(|c: char| c.is_alphabetic()).unwrap_or(value.len()));
        let number: f64 = number.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => number / 1000.0,
            "ms" => number,
            "s" => number * 1000.0,
            _ => f64::NAN,
        }
    };
    let requests = text
        .lines()
        .find_map(|l| l.split(" requests in ").next().filter(|_| l.contains(" requests in ")).map(|n| n.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    Run {
        requests,
        per_second: field("Requests/sec:").and_then(|v| v.parse().ok()).unwrap_or(0.0),
        p50_ms: field("50%").map(millis).unwrap_or(f64::NAN),
        p99_ms: field("99%").map(millis).unwrap_or(f64::NAN),
        non_2xx: field("Non-2xx or 3xx responses:").and_then(|v| v.parse().ok()).unwrap_or(0),
    }
}

fn report(name: &str, run: &Run, baseline: Option<&Run>) {
    let ratio = baseline.map(|b| format!("  ({:.2} × the plain handler's rate)", run.per_second / b.per_second)).unwrap_or_default();
    println!(
        "{name:<28} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {} non-2xx){ratio}",
        run.per_second, run.p50_ms, run.p99_ms, run.requests, run.non_2xx
    );
}

#[tokio::main]
async fn main() {
    let users = env_or("USERS", 1000);
    let limit = std::env::var("LIMIT").ok().and_then(|v| v.parse::<i64>().ok());

    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        data_dir: dir.path().to_path_buf(),
        spa_dir: dir.path().to_path_buf(),
        database_url: SecretString::new(format!("sqlite://{}/hub.db", dir.path().display())),
        master_key: Some(SecretString::new(STANDARD.encode([9u8; 32]))),
        ..Config::default()
    };
    config.webhooks.worker = false;
    config.mail.worker = false;
    config.scheduler.enabled = false;
    config.log.filter = "warn".into();
    let services = Services::start(config).await.expect("services start");
    let product = fixture::product(&services.db, ApiProjectKind::Saas, ApiMode::Test, &[("pro", limit)]).await;

    let hub_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hub_addr = hub_listener.local_addr().unwrap();
    let served = services.clone();
    tokio::spawn(async move { hub::app::serve(served, hub_listener, std::future::pending()).await.expect("server runs") });
    let plain_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let plain_addr = plain_listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(plain_listener, Router::new().route("/plain", get(|| async { "ok" }))).await.unwrap() });

    let script = dir.path().join("usage_check.lua");
    let mut file = std::fs::File::create(&script).unwrap();
    write!(
        file,
        r#"local n = 0
request = function()
  n = n + 1
  local headers = {{}}
  headers["Authorization"] = "Bearer {secret}"
  headers["X-User-Id"] = "user-" .. (n % {users})
  headers["X-User-Plan"] = "pro"
  return wrk.format("POST", "/api/data", headers, "")
end
"#,
        secret = product.secret
    )
    .unwrap();
    drop(file);

    println!(
        "usage_check: {} connections, {} s each, {} wrk threads, {users} end users, limit {:?}, SQLite (WAL, synchronous FULL)",
        env_or("CONNECTIONS", 256),
        env_or("SECONDS", 10),
        env_or("THREADS", 2),
        limit
    );
    // wrk blocks; run each in a blocking thread so the servers keep their runtime.
    let plain_url = format!("http://{plain_addr}/plain");
    let plain = tokio::task::spawn_blocking(move || wrk(&plain_url, None)).await.unwrap();
    report("plain axum handler", &plain, None);
    let healthz_url = format!("http://{hub_addr}/healthz");
    let healthz = tokio::task::spawn_blocking(move || wrk(&healthz_url, None)).await.unwrap();
    report("hub /healthz", &healthz, Some(&plain));
    let data_url = format!("http://{hub_addr}");
    let data_script = script.clone();
    let checks = tokio::task::spawn_blocking(move || wrk(&data_url, Some(&data_script))).await.unwrap();
    report("POST /api/data", &checks, Some(&plain));

    let counts: Vec<i64> = api_usage_counter::Entity::find()
        .select_only()
        .column(api_usage_counter::Column::Count)
        .into_tuple()
        .all(&services.db)
        .await
        .unwrap();
    let stored: i64 = counts.iter().sum();
    let admitted = checks.requests - checks.non_2xx;
    println!("stored counts: {stored} over {} end users; answers with 200 received by wrk: {admitted}", counts.len());
    assert!(stored as u64 >= admitted, "an acknowledged check was not stored");
}
