//! Simulated provisioning runs: success with its log, failure and retry, AUTO
//! mode, racing starts, and a cancellation while a run is under way.

use std::time::Duration;

use entity::{provisioning_job, OrderStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::*;

#[tokio::test]
async fn a_simulated_run_fulfils_the_order_and_keeps_its_log() {
    let app = fast_app().await;
    let owner = app.setup_owner().await;
    let (cust, cust_token) = customer(&app, "cust@example.com", "Carla").await;
    let created = create_order(
        &app,
        &owner,
        json!({ "customerId": cust, "tier": "Build", "domain": "acme.example.com", "tools": ["ghost", "odoo"] }),
    )
    .await;
    let id = created.data("createOrder.id").as_str().unwrap().to_owned();

    let job = mutate(&app, &owner, "provisionOrder", &id).await;
    assert_eq!(job.data("provisionOrder.status"), "RUNNING");
    assert_eq!(job.data("provisionOrder.driver"), "simulated");
    assert_eq!(settled(&app, &id).await, OrderStatus::Fulfilled);

    let order = get_order(&app, &cust_token, &id).await;
    assert!(order.data("order.serverIp").as_str().unwrap().starts_with("192.0.2."));
    assert_eq!(order.data("order.sshPort"), 22022);
    assert_eq!(order.data("order.dashboardUrl"), "https://acme.example.com");
    assert!(order.data("order.fulfilledAt").is_string());
    assert!(order.data("order.failureReason").is_null());

    let jobs = app
        .gql("query($id: UUID!) { provisioningJobs(orderId: $id) { status error finishedAt } }", json!({ "id": id }), Some(&cust_token))
        .await;
    assert_eq!(jobs.data("provisioningJobs")[0]["status"], "SUCCEEDED");
    assert!(jobs.data("provisioningJobs")[0]["finishedAt"].is_string());

    let lines = log_lines(&app, &cust_token, &id).await;
    let seqs: Vec<i64> = lines.iter().map(|l| l["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (0..lines.len() as i64).collect::<Vec<_>>(), "lines in order, none missing");
    let messages: Vec<&str> = lines.iter().map(|l| l["message"].as_str().unwrap()).collect();
    let position =
        |needle: &str| messages.iter().position(|m| m.contains(needle)).unwrap_or_else(|| panic!("no {needle:?} in {messages:?}"));
    assert!(position("Allocating") < position("DNS"));
    assert!(position("DNS") < position("Installing Docker"));
    assert!(position("Deploying ghost") < position("Deploying odoo"));
    assert!(position("Deploying odoo") < position("agents host"));
    assert!(position("Health check") < position("Provisioning finished"));
    // Paging the log keeps the order.
    let page = app
        .gql(
            "query($id: UUID!) { provisioningLog(orderId: $id, first: 2, after: \"1\") { edges { node { seq } } } }",
            json!({ "id": id }),
            Some(&owner),
        )
        .await;
    assert_eq!(page.data("provisioningLog.edges")[0]["node"]["seq"], 2);
}

#[tokio::test]
async fn an_invalid_domain_fails_with_a_reason_and_may_be_retried() {
    let app = fast_app().await;
    let owner = app.setup_owner().await;
    let (cust, _) = customer(&app, "cust@example.com", "Carla").await;
    let id = order_for(&app, &owner, cust, "broken.invalid").await;

    mutate(&app, &owner, "provisionOrder", &id).await.data("provisionOrder.id");
    assert_eq!(settled(&app, &id).await, OrderStatus::Failed);
    let failed = get_order(&app, &owner, &id).await;
    assert!(failed.data("order.failureReason").as_str().unwrap().contains("DNS"), "{}", failed.body);
    let jobs = app.gql("query($id: UUID!) { provisioningJobs(orderId: $id) { status error } }", json!({ "id": id }), Some(&owner)).await;
    assert_eq!(jobs.data("provisioningJobs")[0]["status"], "FAILED");
    assert!(jobs.data("provisioningJobs")[0]["error"].as_str().unwrap().contains("broken.invalid"));
    let lines = log_lines(&app, &owner, &id).await;
    assert_eq!(lines.last().unwrap()["level"], "ERROR");

    // Fix the domain and retry: FAILED → PROVISIONING → FULFILLED, reason cleared.
    let fix = "mutation($id: UUID!) { updateOrder(id: $id, input: { domain: \"fixed.example.com\" }) { domain configVersion } }";
    assert_eq!(app.gql(fix, json!({ "id": id }), Some(&owner)).await.data("updateOrder.configVersion"), 1);
    assert_eq!(mutate(&app, &owner, "provisionOrder", &id).await.data("provisionOrder.status"), "RUNNING");
    assert_eq!(settled(&app, &id).await, OrderStatus::Fulfilled);
    let done = get_order(&app, &owner, &id).await;
    assert!(done.data("order.failureReason").is_null());
    assert_eq!(done.data("order.dashboardUrl"), "https://fixed.example.com");

    let jobs = app.gql("query($id: UUID!) { provisioningJobs(orderId: $id) { id status } }", json!({ "id": id }), Some(&owner)).await;
    let jobs = jobs.data("provisioningJobs").as_array().unwrap().clone();
    assert_eq!(jobs.iter().map(|j| j["status"].as_str().unwrap()).collect::<Vec<_>>(), ["SUCCEEDED", "FAILED"]);
    // The log reads run by run: all lines of the failed run come first.
    let lines = log_lines(&app, &owner, &id).await;
    let first_retry_line = lines.iter().position(|l| l["jobId"] == jobs[0]["id"]).unwrap();
    assert!(lines[..first_retry_line].iter().all(|l| l["jobId"] == jobs[1]["id"]));
    assert!(lines[first_retry_line..].iter().all(|l| l["jobId"] == jobs[0]["id"]));
    assert_eq!(lines[first_retry_line]["seq"], 0);
}

#[tokio::test]
async fn auto_mode_starts_provisioning_by_itself() {
    let app = fast_app().await;
    let owner = app.setup_owner().await;
    let (cust, _) = customer(&app, "cust@example.com", "Carla").await;

    let created =
        create_order(&app, &owner, json!({ "customerId": cust, "tier": "Build", "domain": "auto.example.com", "automationMode": "AUTO" }))
            .await;
    assert_eq!(created.data("createOrder.status"), "PROVISIONING");
    assert_eq!(created.data("createOrder.automationMode"), "AUTO");
    let id = created.data("createOrder.id").as_str().unwrap().to_owned();
    assert_eq!(settled(&app, &id).await, OrderStatus::Fulfilled);

    // Switching a paid MANUAL order to AUTO starts it too; PAUSED does not.
    let manual = order_for(&app, &owner, cust, "later.example.com").await;
    let set = "mutation($id: UUID!, $m: AutomationMode!) { setAutomationMode(id: $id, mode: $m) { status automationMode } }";
    let paused = app.gql(set, json!({ "id": manual, "m": "PAUSED" }), Some(&owner)).await;
    assert_eq!(paused.data("setAutomationMode.status"), "PAYMENT_CONFIRMED");
    let auto = app.gql(set, json!({ "id": manual, "m": "AUTO" }), Some(&owner)).await;
    assert_eq!(auto.data("setAutomationMode.status"), "PROVISIONING");
    assert_eq!(settled(&app, &manual).await, OrderStatus::Fulfilled);
}

#[tokio::test]
async fn two_concurrent_provisions_start_one_run() {
    let app = spawn_app_with(|c| c.provisioning.simulated_step_ms = 5).await;
    let owner = app.setup_owner().await;
    let (cust, _) = customer(&app, "cust@example.com", "Carla").await;
    let id = order_for(&app, &owner, cust, "race.example.com").await;

    let (a, b) = tokio::join!(mutate(&app, &owner, "provisionOrder", &id), mutate(&app, &owner, "provisionOrder", &id));
    let outcomes = [&a, &b].map(|r| if r.body["errors"].is_null() { "OK".to_owned() } else { r.code().to_owned() });
    let mut sorted = outcomes.to_vec();
    sorted.sort();
    assert_eq!(sorted, ["CONFLICT", "OK"], "{} / {}", a.body, b.body);
    settled(&app, &id).await;
    let jobs = app.gql("query($id: UUID!) { provisioningJobs(orderId: $id) { id } }", json!({ "id": id }), Some(&owner)).await;
    assert_eq!(jobs.data("provisioningJobs").as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_order_cancelled_during_its_run_stays_cancelled() {
    // Slow steps, so the cancellation lands while the run is under way.
    let app = spawn_app_with(|c| c.provisioning.simulated_step_ms = 300).await;
    let owner = app.setup_owner().await;
    let (cust, _) = customer(&app, "cust@example.com", "Carla").await;
    let id = order_for(&app, &owner, cust, "gone.example.com").await;

    let job_id: Uuid = mutate(&app, &owner, "provisionOrder", &id).await.data("provisionOrder.id").as_str().unwrap().parse().unwrap();
    assert_eq!(mutate(&app, &owner, "cancelOrder", &id).await.data("cancelOrder.status"), "CANCELLED");
    let mut finished = None;
    for _ in 0..500 {
        let job = provisioning_job::Entity::find().filter(provisioning_job::Column::Id.eq(job_id)).one(&app.services.db).await.unwrap();
        if let Some(job) = job.filter(|j| j.finished_at.is_some()) {
            finished = Some(job);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(finished.is_some(), "the run never finished");
    let order = get_order(&app, &owner, &id).await;
    assert_eq!(order.data("order.status"), "CANCELLED");
    assert!(order.data("order.fulfilledAt").is_null());
    // The run writes its closing WARN line just after committing its end.
    let mut lines = log_lines(&app, &owner, &id).await;
    for _ in 0..250 {
        if lines.last().is_some_and(|l| l["level"] == "WARN") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        lines = log_lines(&app, &owner, &id).await;
    }
    assert_eq!(lines.last().unwrap()["level"], "WARN", "{lines:?}");
    assert_eq!(mutate(&app, &owner, "provisionOrder", &id).await.code(), "CONFLICT");
}
