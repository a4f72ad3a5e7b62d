//! Scheduled jobs (issue 5): each runs once per slot across replicas, never
//! overlaps itself, records its run, and can be driven by the cron route.

use chrono::{Duration, DurationRound, TimeDelta, Utc};
use entity::{alert, command_approval, job_run, sync_log, webhook_attempt, webhook_delivery, ApprovalStatus};
use hub::{
    domain::approvals,
    events::Event,
    jobs::{self, RunStatus, Trigger},
};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
    Statement,
};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::agents::{customer, order_of};
use crate::approvals::ask;
use crate::helpers::*;

/// A PENDING approval of `order` requested 25 hours ago (so 1 hour past its expiry).
async fn overdue(app: &TestApp, order: Uuid, tool: &str) -> Uuid {
    let id = approvals::request(&app.services, order, ask(tool)).await.unwrap().id;
    let mut row = command_approval::Entity::find_by_id(id).one(&app.services.db).await.unwrap().unwrap().into_active_model();
    row.requested_at = Set(Utc::now() - Duration::hours(25));
    row.expires_at = Set(Utc::now() - Duration::hours(1));
    row.update(&app.services.db).await.unwrap();
    id
}

fn job(name: &str) -> &'static jobs::Job {
    jobs::find(name).unwrap_or_else(|| panic!("no job {name}"))
}

async fn runs_of(db: &impl ConnectionTrait, name: &str) -> Vec<job_run::Model> {
    job_run::Entity::find().filter(job_run::Column::Job.eq(name)).all(db).await.unwrap()
}

async fn alerts_of_type(app: &TestApp, kind: &str) -> Vec<alert::Model> {
    alert::Entity::find().filter(alert::Column::AlertType.eq(kind)).all(&app.services.db).await.unwrap()
}

#[tokio::test]
async fn approvals_pending_for_a_day_expire_once_per_slot_and_raise_an_alert_each() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let stale = overdue(&app, order, "file_delete").await;
    let fresh = approvals::request(&app.services, order, ask("shell")).await.unwrap().id;
    let mut events = app.services.events.subscribe();

    let slot = Utc::now().duration_trunc(TimeDelta::hours(1)).unwrap();
    let report = jobs::run(&app.services, job("approval-expiry"), slot, Trigger::Manual).await.unwrap();
    assert_eq!((report.status, report.summary.clone()), (RunStatus::Ran, Some(json!({ "expired": 1 }))));
    let status = |id: Uuid| {
        let db = app.services.db.clone();
        async move { command_approval::Entity::find_by_id(id).one(&db).await.unwrap().unwrap().status }
    };
    assert_eq!(status(stale).await, ApprovalStatus::Expired);
    assert_eq!(status(fresh).await, ApprovalStatus::Pending);

    // The alert is the customer's, about that approval, and was announced after commit.
    let expired = alerts_of_type(&app, "APPROVAL_EXPIRED").await;
    assert_eq!(expired.len(), 1);
    assert_eq!((expired[0].customer_id, expired[0].subject_id.clone()), (Some(a), Some(stale.to_string())));
    match events.try_recv() {
        Ok(Event::Alert(event)) => assert_eq!(*event.alert, expired[0]),
        other => panic!("expected the APPROVAL_EXPIRED announcement, got {other:?}"),
    }
    // Nothing is left to decide: the request's own alert is resolved, the fresh one's is open.
    let requested = alerts_of_type(&app, "APPROVAL_REQUESTED").await;
    let of = |id: Uuid| requested.iter().find(|r| r.subject_id.as_deref() == Some(&id.to_string())).unwrap().clone();
    assert!(of(stale).resolved_at.is_some() && of(stale).acknowledged_at.is_none());
    assert!(of(fresh).resolved_at.is_none());

    // The same slot again is not run again; the next slot runs and finds nothing.
    let again = jobs::run(&app.services, job("approval-expiry"), slot, Trigger::Manual).await.unwrap();
    assert_eq!((again.status, again.summary), (RunStatus::AlreadyRan, None));
    let next = jobs::run(&app.services, job("approval-expiry"), slot + Duration::hours(1), Trigger::Manual).await.unwrap();
    assert_eq!((next.status, next.summary), (RunStatus::Ran, Some(json!({ "expired": 0 }))));
    let runs = runs_of(&app.services.db, "approval-expiry").await;
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r.outcome == "SUCCEEDED" && r.finished_at.is_some() && r.trigger == "MANUAL"));

    // The customer sees it; staff too.
    const LIST: &str = "query($s: ApprovalStatus) { approvals(status: $s) { totalCount } }";
    assert_eq!(app.gql(LIST, json!({ "s": "EXPIRED" }), Some(&owner)).await.data("approvals.totalCount"), 1);
}

#[tokio::test]
async fn two_replicas_firing_for_the_same_tick_run_it_once() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    for tool in ["file_delete", "shell", "docker"] {
        overdue(&app, order, tool).await;
    }
    let twin = app.twin().await;
    let slot = Utc::now().duration_trunc(TimeDelta::hours(1)).unwrap();
    let (left, right) = tokio::join!(
        jobs::run(&app.services, job("approval-expiry"), slot, Trigger::Schedule),
        jobs::run(&twin, job("approval-expiry"), slot, Trigger::Schedule),
    );
    let mut statuses = [left.unwrap().status, right.unwrap().status];
    statuses.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(statuses, [RunStatus::AlreadyRan, RunStatus::Ran]);
    let runs = runs_of(&app.services.db, "approval-expiry").await;
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].outcome.as_str(), runs[0].summary.clone()), ("SUCCEEDED", Some(json!({ "expired": 3 }))));
    assert_eq!(alerts_of_type(&app, "APPROVAL_EXPIRED").await.len(), 3);
    twin.db.close().await.ok();
}

#[tokio::test]
async fn a_job_still_running_makes_the_next_tick_skip_instead_of_overlapping() {
    let app = spawn_app().await;
    let slot = Utc::now().duration_trunc(TimeDelta::minutes(1)).unwrap();
    // This replica is running the job.
    app.services.running_jobs.lock().unwrap().insert("heartbeat-check");
    let busy = jobs::run(&app.services, job("heartbeat-check"), slot, Trigger::Schedule).await.unwrap();
    assert_eq!(busy.status, RunStatus::Busy);
    let runs = runs_of(&app.services.db, "heartbeat-check").await;
    assert_eq!((runs.len(), runs[0].outcome.as_str()), (1, "SKIPPED"));
    app.services.running_jobs.lock().unwrap().remove("heartbeat-check");

    let twin = app.twin().await;
    if twin.db.get_database_backend() == DatabaseBackend::Postgres {
        // Another replica is running it (holds the job's advisory lock): this one skips too.
        let held = hub::db::begin_write(&twin.db).await.unwrap();
        let lock = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [jobs::runner::lock_key("heartbeat-check").into()],
        );
        held.query_one_raw(lock).await.unwrap();
        let busy = jobs::run(&app.services, job("heartbeat-check"), slot + Duration::minutes(1), Trigger::Schedule).await.unwrap();
        assert_eq!(busy.status, RunStatus::Busy);
        held.rollback().await.unwrap();
    }
    let ran = jobs::run(&app.services, job("heartbeat-check"), slot + Duration::minutes(2), Trigger::Schedule).await.unwrap();
    assert_eq!(ran.status, RunStatus::Ran);
    assert!(app.services.running_jobs.lock().unwrap().is_empty(), "the mark is gone after the run");
    twin.db.close().await.ok();
}

#[tokio::test]
async fn stats_cleanup_deletes_only_what_is_past_the_retention() {
    let app = spawn_app().await;
    app.setup_owner().await;
    let (_, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let old = Utc::now() - Duration::days(91);
    let recent = Utc::now() - Duration::days(89);
    for at in [old, recent] {
        sync_log::ActiveModel {
            id: Set(Uuid::new_v4()),
            direction: Set("INBOUND".into()),
            project_slug: Set("shop".into()),
            endpoint: Set("/api/internal/saas/project/heartbeat".into()),
            status: Set(200),
            latency_ms: Set(3),
            error_code: Set(None),
            error_message: Set(None),
            created_at: Set(at),
        }
        .insert(&app.services.db)
        .await
        .unwrap();
        for status in [entity::WebhookDeliveryStatus::Delivered, entity::WebhookDeliveryStatus::Pending] {
            let delivery = webhook_delivery::ActiveModel {
                id: Set(Uuid::new_v4()),
                order_id: Set(order),
                event: Set(entity::WebhookEvent::ConfigUpdated),
                subject_id: Set(None),
                payload: Set(json!({})),
                status: Set(status),
                attempts: Set(1),
                next_attempt_at: Set(at),
                locked_until: Set(None),
                claim_token: Set(None),
                last_status: Set(Some(200)),
                last_error: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
                delivered_at: Set(None),
            }
            .insert(&app.services.db)
            .await
            .unwrap();
            webhook_attempt::ActiveModel {
                id: Set(Uuid::new_v4()),
                delivery_id: Set(delivery.id),
                attempt: Set(1),
                started_at: Set(at),
                duration_ms: Set(5),
                status_code: Set(Some(200)),
                error: Set(None),
                succeeded: Set(true),
            }
            .insert(&app.services.db)
            .await
            .unwrap();
        }
        job_run::ActiveModel {
            id: Set(Uuid::new_v4()),
            job: Set("heartbeat-check".into()),
            slot: Set(at),
            trigger: Set("SCHEDULE".into()),
            started_at: Set(at),
            finished_at: Set(Some(at)),
            outcome: Set("SUCCEEDED".into()),
            error: Set(None),
            summary: Set(None),
        }
        .insert(&app.services.db)
        .await
        .unwrap();
    }

    let report = jobs::run(&app.services, job("stats-cleanup"), Utc::now(), Trigger::Manual).await.unwrap();
    let summary = report.summary.unwrap();
    assert_eq!(
        summary,
        json!({ "siteStats": 0, "syncLogs": 1, "webhookDeliveries": 1, "webhookAttempts": 1, "jobRuns": 1 }),
        "only the old, finished rows go (an old PENDING delivery is still owed)"
    );
    let db = &app.services.db;
    assert_eq!(sync_log::Entity::find().count(db).await.unwrap(), 1);
    assert_eq!(webhook_delivery::Entity::find().count(db).await.unwrap(), 3);
    assert_eq!(webhook_attempt::Entity::find().count(db).await.unwrap(), 3);
    // The recent run and this run are kept.
    assert_eq!(job_run::Entity::find().count(db).await.unwrap(), 2);
}

async fn cron(app: &TestApp, job: &str, secret: Option<&str>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(app.url(&format!("/api/v1/cron/{job}")));
    if let Some(secret) = secret {
        req = req.bearer_auth(secret);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.json().await.unwrap())
}

#[tokio::test]
async fn the_cron_route_needs_the_secret_knows_its_jobs_and_runs_a_minute_once() {
    let app = spawn_app_with(|c| c.cron.secret = Some(hub::config::SecretString::new("cron-secret-1"))).await;
    for secret in [None, Some("wrong"), Some("Cron-Secret-1")] {
        let (status, body) = cron(&app, "approval-expiry", secret).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!((body["success"].as_bool(), body["error"]["code"].as_str()), (Some(false), Some("UNAUTHORIZED")));
    }
    let (status, body) = cron(&app, "no-such-job", Some("cron-secret-1")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
    assert!(runs_of(&app.services.db, "approval-expiry").await.is_empty(), "nothing ran for a refused call");

    // Two calls in one minute run once (should the minute turn between them, try again).
    for _ in 0..2 {
        let (status, first) = cron(&app, "approval-expiry", Some("cron-secret-1")).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert_eq!((first["data"]["job"].as_str(), first["data"]["status"].as_str()), (Some("approval-expiry"), Some("RAN")));
        assert_eq!(first["data"]["summary"], json!({ "expired": 0 }));
        let (_, second) = cron(&app, "approval-expiry", Some("cron-secret-1")).await;
        if second["data"]["slot"] != first["data"]["slot"] {
            continue;
        }
        assert_eq!(second["data"]["status"], "ALREADY_RAN");
        let runs = runs_of(&app.services.db, "approval-expiry").await;
        assert!(runs.iter().all(|r| r.trigger == "CRON"));
        return;
    }
    panic!("two calls never fell in the same minute");
}

#[tokio::test]
async fn without_a_cron_secret_there_is_no_cron_route() {
    let app = spawn_app().await;
    let (status, body) = cron(&app, "approval-expiry", Some("")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
}

#[tokio::test]
async fn the_webhook_outbox_job_runs_one_pass() {
    let app = spawn_app().await;
    let report = jobs::run(&app.services, job("webhook-outbox"), Utc::now(), Trigger::Manual).await.unwrap();
    assert_eq!((report.status, report.summary), (RunStatus::Ran, Some(json!({ "attempted": 0 }))));
}

#[tokio::test]
async fn the_built_in_scheduler_fires_on_its_schedule_and_two_replicas_share_the_ticks() {
    let app = spawn_app_with(|c| {
        c.scheduler.jobs.insert("heartbeat_check".into(), "* * * * * *".into());
        c.scheduler.jobs.insert("approval-expiry".into(), "off".into());
        c.scheduler.jobs.insert("stats-cleanup".into(), "off".into());
    })
    .await;
    let twin = app.twin().await;
    let left = jobs::scheduler::start(app.services.clone()).await.unwrap();
    let right = jobs::scheduler::start(twin.clone()).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let runs = loop {
        let runs = runs_of(&app.services.db, "heartbeat-check").await;
        if runs.iter().filter(|r| r.outcome == "SUCCEEDED").count() >= 3 || std::time::Instant::now() > deadline {
            break runs;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    left.stop().await;
    right.stop().await;
    assert!(runs.iter().filter(|r| r.outcome == "SUCCEEDED").count() >= 3, "the scheduler fired: {runs:?}");
    assert!(runs.iter().all(|r| r.trigger == "SCHEDULE" && r.slot.timestamp_subsec_nanos() == 0));
    let mut slots: Vec<_> = runs.iter().map(|r| r.slot).collect();
    slots.dedup();
    assert_eq!(slots.len(), runs.len(), "one run per tick between the two replicas");
    assert!(runs_of(&app.services.db, "approval-expiry").await.is_empty(), "a job set to off is not scheduled");
    twin.db.close().await.ok();
}
