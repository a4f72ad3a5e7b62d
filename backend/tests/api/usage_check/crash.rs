//! Durability: `allowed: true` is only answered after the count committed, so
//! a `kill -9` in the middle of full-speed checks loses none of them.

use std::{
    process::Stdio,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use entity::{ApiMode, ApiProjectKind};
use reqwest::StatusCode;
use sea_orm::Database;
use tokio::process::{Child, Command};

use super::{answer, call_at, product};
use crate::helpers::database_url;

const CLIENTS: usize = 64;

async fn serve(dir: &std::path::Path, database: &str) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let spa = dir.join("dist");
    std::fs::create_dir_all(&spa).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_hub"))
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env("HUB_DATABASE_URL", database)
        .env("HUB_DATA_DIR", dir)
        .env("HUB_SPA_DIR", &spa)
        .env("HUB_BIND", format!("127.0.0.1:{port}"))
        .env("HUB_SCHEDULER__ENABLED", "false")
        .env("HUB_LOG__FILTER", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("hub serve starts");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if reqwest::get(format!("{base}/readyz")).await.is_ok_and(|r| r.status().is_success()) {
            return (child, base);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("hub serve did not become ready");
}

#[tokio::test]
async fn after_kill_9_the_stored_count_holds_every_allowed_answer() {
    let dir = tempfile::tempdir().unwrap();
    let database = database_url(dir.path()).await;
    let (mut hub, base) = serve(dir.path(), &database).await;
    let db = Database::connect(&database).await.unwrap();
    let p = product(&db, ApiProjectKind::Saas, ApiMode::Test, &[("unlimited", None)]).await;
    db.close().await.unwrap();

    let (allowed, unanswered, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
    let client = reqwest::Client::new();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, base, secret) = (client.clone(), base.clone(), p.secret.clone());
            let (allowed, unanswered, stop) = (allowed.clone(), unanswered.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let request = client.post(format!("{base}/api/data")).bearer_auth(&secret).header("X-User-Id", "crash");
                    let request = request.header("X-User-Plan", "unlimited").send();
                    match request.await {
                        Ok(response) if response.status() == StatusCode::OK => match response.json::<serde_json::Value>().await {
                            Ok(body) if body["allowed"] == true => _ = allowed.fetch_add(1, Ordering::SeqCst),
                            _ => _ = unanswered.fetch_add(1, Ordering::SeqCst),
                        },
                        Ok(other) => {
                            eprintln!("unexpected answer {}", other.status());
                            stop.store(true, Ordering::SeqCst);
                            return;
                        }
                        // Killed with this request in flight: it may or may not have counted.
                        Err(_) => {
                            unanswered.fetch_add(1, Ordering::SeqCst);
                            return;
                        }
                    }
                }
            })
        })
        .collect();

    // Let it run at full speed for a while, then kill -9 in the middle of it.
    let started = std::time::Instant::now();
    while allowed.load(Ordering::SeqCst) < 1_000 {
        assert!(!stop.load(Ordering::SeqCst), "a check was refused or failed before the kill");
        assert!(started.elapsed() < Duration::from_secs(60), "too slow: {} allowed in 60 s", allowed.load(Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    hub.start_kill().unwrap();
    hub.wait().await.unwrap();
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }
    let (allowed, unanswered) = (allowed.load(Ordering::SeqCst), unanswered.load(Ordering::SeqCst));

    let (mut restarted, base) = serve(dir.path(), &database).await;
    let response = call_at(&client, &base, &p.secret, "crash", Some("unlimited"), false).await;
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::OK);
    let stored = body["usage"]["count"].as_u64().unwrap();
    eprintln!("allowed answers received: {allowed}; requests cut off by the kill: {unanswered}; stored count: {stored}");
    // Nothing acknowledged is lost; nothing is counted that was not asked for
    // (a request cut off by the kill may have committed without its answer).
    assert!(stored >= allowed, "lost acknowledged increments: stored {stored} < allowed {allowed}");
    assert!(stored <= allowed + unanswered, "phantom increments: stored {stored} > {allowed} + {unanswered}");
    restarted.start_kill().unwrap();
    restarted.wait().await.unwrap();
}
