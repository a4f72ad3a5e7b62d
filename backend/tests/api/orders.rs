//! Orders: who may create, read and change them, the lifecycle's refusals, the
//! simulated provisioning runs, and remote commands.

use std::time::Duration;

use chrono::Utc;
use entity::{customer, order, AccountKind, CustomerStatus, OrderStatus};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

const CUSTOMER_PASSWORD: &str = "customer-password-1";
const ORDER_FIELDS: &str = "id customerId planId status tier domain tools serverIp sshPort automationMode dashboardUrl portainerUrl configVersion failureReason createdAt updatedAt fulfilledAt";

/// A fast app: simulated provisioning steps of 5 ms, and room for many requests.
async fn fast_app() -> TestApp {
    spawn_app_with(|c| {
        c.provisioning.simulated_step_ms = 5;
        c.rate_limit.per_minute = 10_000;
    })
    .await
}

/// A customer account with its `customers` row (no operation creates one in this
/// branch); returns its id and access token.
async fn customer(app: &TestApp, email: &str, name: &str) -> (Uuid, String) {
    app.create_account(email, CUSTOMER_PASSWORD, AccountKind::Customer, None).await;
    let user = hub::domain::identity::accounts::find_by_email(&app.services.db, email).await.unwrap().unwrap();
    let id = user.id;
    let now = Utc::now();
    customer::ActiveModel {
        id: Set(id),
        company: Set(None),
        phone: Set(None),
        status: Set(CustomerStatus::Active),
        notes: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
    let mut active: entity::user::ActiveModel = user.into();
    active.name = Set(name.to_owned());
    active.update(&app.services.db).await.unwrap();
    let (token, _) = app.login(email, CUSTOMER_PASSWORD).await;
    (id, token)
}

async fn create_order(app: &TestApp, token: &str, input: Value) -> Gql {
    let query = format!("mutation($i: CreateOrderInput!) {{ createOrder(input: $i) {{ {ORDER_FIELDS} }} }}");
    app.gql(&query, json!({ "i": input }), Some(token)).await
}

/// Creates an order for `customer_id` and returns its id.
async fn order_for(app: &TestApp, token: &str, customer_id: Uuid, domain: &str) -> String {
    let created =
        create_order(app, token, json!({ "customerId": customer_id, "tier": "Build", "domain": domain, "tools": ["ghost"] })).await;
    created.data("createOrder.id").as_str().unwrap().to_owned()
}

async fn get_order(app: &TestApp, token: &str, id: &str) -> Gql {
    app.gql(&format!("query($id: UUID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"), json!({ "id": id }), Some(token)).await
}

async fn mutate(app: &TestApp, token: &str, op: &str, id: &str) -> Gql {
    let selection = if op == "provisionOrder" { "id status driver" } else { "id status" };
    app.gql(&format!("mutation($id: UUID!) {{ {op}(id: $id) {{ {selection} }} }}"), json!({ "id": id }), Some(token)).await
}

/// Waits (a bounded number of short polls, straight from the database) until the
/// order leaves PROVISIONING; returns its status.
async fn settled(app: &TestApp, id: &str) -> OrderStatus {
    let id: Uuid = id.parse().unwrap();
    for _ in 0..500 {
        let order = order::Entity::find_by_id(id).one(&app.services.db).await.unwrap().unwrap();
        if order.status != OrderStatus::Provisioning {
            return order.status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("order {id} is still PROVISIONING");
}

async fn log_lines(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let res = app
        .gql(
            "query($id: UUID!) { provisioningLog(orderId: $id, first: 100) { totalCount edges { node { jobId seq level message } } } }",
            json!({ "id": id }),
            Some(token),
        )
        .await;
    res.data("provisioningLog.edges").as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

fn field_names(res: &Gql) -> Vec<String> {
    assert_eq!(res.code(), "VALIDATION_ERROR", "{}", res.body);
    res.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_manager_creates_orders_and_support_only_reads_them() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (cust, cust_token) = customer(&app, "cust@example.com", "Carla Customer").await;

    let input = json!({ "customerId": cust, "tier": "Build", "domain": " Acme.Example.COM ", "tools": ["ghost", "odoo", "ghost"] });
    let created = create_order(&app, &manager, input.clone()).await;
    assert_eq!(created.data("createOrder.status"), "PAYMENT_CONFIRMED");
    assert_eq!(created.data("createOrder.domain"), "acme.example.com");
    assert_eq!(created.data("createOrder.tools"), &json!(["ghost", "odoo"]));
    assert_eq!(created.data("createOrder.automationMode"), "MANUAL");
    assert_eq!(created.data("createOrder.configVersion"), 0);
    assert_eq!(created.data("createOrder.customerId"), &json!(cust));
    let id = created.data("createOrder.id").as_str().unwrap().to_owned();

    assert_eq!(get_order(&app, &support, &id).await.data("order.domain"), "acme.example.com");
    let listed = app.gql("{ orders { totalCount edges { node { id } } } }", json!({}), Some(&support)).await;
    assert_eq!(listed.data("orders.totalCount"), 1);
    assert_eq!(create_order(&app, &support, input.clone()).await.code(), "FORBIDDEN");
    assert_eq!(create_order(&app, &cust_token, input).await.code(), "FORBIDDEN");
    for op in ["provisionOrder", "cancelOrder", "markOrderAwaitingDns"] {
        assert_eq!(mutate(&app, &support, op, &id).await.code(), "FORBIDDEN", "{op}");
    }
    let update = "mutation($id: UUID!) { updateOrder(id: $id, input: { tier: \"Scale\" }) { tier } }";
    assert_eq!(app.gql(update, json!({ "id": id }), Some(&support)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(update, json!({ "id": id }), Some(&manager)).await.data("updateOrder.tier"), "Scale");

    // SUPPORT manages containers: it may queue a remote command.
    let queue = "mutation($id: UUID!) { queueRemoteCommand(orderId: $id, command: RESTART_SERVICE, args: { service: \"ghost\" }) { status command args createdBy } }";
    let queued = app.gql(queue, json!({ "id": id }), Some(&support)).await;
    assert_eq!(queued.data("queueRemoteCommand.status"), "QUEUED");
    assert_eq!(queued.data("queueRemoteCommand.args"), &json!({ "service": "ghost" }));
    assert_eq!(app.gql(queue, json!({ "id": id }), Some(&cust_token)).await.code(), "FORBIDDEN");

    let actions: Vec<String> =
        entity::audit_event::Entity::find().all(&app.services.db).await.unwrap().into_iter().map(|e| e.action).collect();
    for action in ["order.created", "order.updated", "remote_command.queued"] {
        assert!(actions.iter().any(|a| a == action), "{action} not in {actions:?}");
    }
}

#[tokio::test]
async fn customers_see_only_their_own_orders() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, a_token) = customer(&app, "a@example.com", "Anna A").await;
    let (b, b_token) = customer(&app, "b@example.com", "Bert B").await;
    let a_order = order_for(&app, &owner, a, "a.example.com").await;
    let b_order = order_for(&app, &owner, b, "b.example.com").await;

    let listed = app.gql("{ orders { totalCount edges { node { id domain } } } }", json!({}), Some(&a_token)).await;
    assert_eq!(listed.data("orders.totalCount"), 1);
    assert_eq!(listed.data("orders.edges")[0]["node"]["id"], a_order.as_str());
    // A search naming B's data finds nothing for A.
    let search = app.gql("{ orders(search: \"bert\") { totalCount } }", json!({}), Some(&a_token)).await;
    assert_eq!(search.data("orders.totalCount"), 0);

    assert_eq!(get_order(&app, &a_token, &a_order).await.data("order.id"), a_order.as_str());
    let foreign = get_order(&app, &a_token, &b_order).await;
    assert_eq!(foreign.code(), "NOT_FOUND");
    assert!(foreign.body["data"].is_null());
    for op in [
        "query($id: UUID!) { provisioningLog(orderId: $id) { totalCount } }",
        "query($id: UUID!) { provisioningJobs(orderId: $id) { id } }",
        "query($id: UUID!) { remoteCommands(orderId: $id) { totalCount } }",
    ] {
        assert_eq!(app.gql(op, json!({ "id": b_order }), Some(&a_token)).await.code(), "NOT_FOUND", "{op}");
        assert!(app.gql(op, json!({ "id": b_order }), Some(&b_token)).await.body["errors"].is_null(), "{op}");
    }
    assert_eq!(app.gql("{ orders { totalCount } }", json!({}), Some(&owner)).await.data("orders.totalCount"), 2);
}

#[tokio::test]
async fn orders_are_filtered_searched_and_newest_first() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, _) = customer(&app, "anna@acme.example", "Anna Smith").await;
    let (b, _) = customer(&app, "bert@beta.example", "Bert Jones").await;
    let first = order_for(&app, &owner, a, "shop.acme.example").await;
    let second = order_for(&app, &owner, b, "beta.example.org").await;
    let third = create_order(&app, &owner, json!({ "customerId": a, "tier": "Lite", "domain": "blog.example.net" })).await;
    let third = third.data("createOrder.id").as_str().unwrap().to_owned();
    assert_eq!(mutate(&app, &owner, "cancelOrder", &second).await.data("cancelOrder.status"), "CANCELLED");

    let ids = |res: &Gql| -> Vec<String> {
        res.data("orders.edges").as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()).collect()
    };
    let q = "query($s: String, $t: String, $st: OrderStatus) { orders(search: $s, tier: $t, status: $st) { totalCount edges { node { id } } } }";
    let all = app.gql(q, json!({}), Some(&owner)).await;
    assert_eq!(ids(&all), [third.clone(), second.clone(), first.clone()]);
    assert_eq!(ids(&app.gql(q, json!({ "st": "CANCELLED" }), Some(&owner)).await), vec![second.clone()]);
    assert_eq!(ids(&app.gql(q, json!({ "t": "Lite" }), Some(&owner)).await), vec![third.clone()]);
    // By customer e-mail and name (any case), and by domain.
    assert_eq!(ids(&app.gql(q, json!({ "s": "ANNA@ACME" }), Some(&owner)).await), [third.clone(), first.clone()]);
    assert_eq!(ids(&app.gql(q, json!({ "s": "jones" }), Some(&owner)).await), vec![second.clone()]);
    assert_eq!(ids(&app.gql(q, json!({ "s": "Blog.Example" }), Some(&owner)).await), vec![third.clone()]);
    assert_eq!(ids(&app.gql(q, json!({ "s": "%" }), Some(&owner)).await), Vec::<String>::new());
    let paged = app.gql("{ orders(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor } } }", json!({}), Some(&owner)).await;
    assert_eq!(paged.data("orders.totalCount"), 3);
    assert_eq!(paged.data("orders.pageInfo.hasNextPage"), true);
}

#[tokio::test]
async fn bad_input_names_its_fields() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (cust, _) = customer(&app, "cust@example.com", "Carla").await;

    let bad = create_order(
        &app,
        &owner,
        json!({ "customerId": Uuid::new_v4(), "planId": Uuid::new_v4(), "tier": " ", "domain": "not a domain", "tools": ["Ghost!"] }),
    )
    .await;
    let mut fields = field_names(&bad);
    fields.sort();
    assert_eq!(fields, ["customerId", "domain", "planId", "tier", "tools"]);
    // A customer id that is a staff account is no customer either.
    let staff_id = app.gql(ME, json!({}), Some(&owner)).await.data("me.id").clone();
    let staff = create_order(&app, &owner, json!({ "customerId": staff_id, "tier": "Build", "domain": "x.example.com" })).await;
    assert_eq!(field_names(&staff), ["customerId"]);

    let id = order_for(&app, &owner, cust, "ok.example.com").await;
    let update = "mutation($id: UUID!, $i: UpdateOrderInput!) { updateOrder(id: $id, input: $i) { serverIp sshPort dashboardUrl portainerUrl configVersion tools } }";
    let bad = app
        .gql(
            update,
            json!({ "id": id, "i": { "serverIp": "300.1.1.1", "sshPort": 0, "dashboardUrl": "ftp://x.example.com", "portainerUrl": "portainer", "domain": "-x.com" } }),
            Some(&owner),
        )
        .await;
    let mut fields = field_names(&bad);
    fields.sort();
    assert_eq!(fields, ["dashboardUrl", "domain", "portainerUrl", "serverIp", "sshPort"]);

    let good = app
        .gql(
            update,
            json!({ "id": id, "i": { "serverIp": "198.51.100.4", "sshPort": 2222, "portainerUrl": "https://portainer.ok.example.com", "tools": ["ghost", "umami"] } }),
            Some(&owner),
        )
        .await;
    assert_eq!(good.data("updateOrder.sshPort"), 2222);
    assert_eq!(good.data("updateOrder.tools"), &json!(["ghost", "umami"]));
    assert_eq!(good.data("updateOrder.configVersion"), 1, "a tools change bumps the config version");

    let args = "mutation($id: UUID!, $a: JSON) { queueRemoteCommand(orderId: $id, command: RUN_BACKUP, args: $a) { id } }";
    assert_eq!(field_names(&app.gql(args, json!({ "id": id, "a": [1, 2] }), Some(&owner)).await), ["args"]);
    let big = json!({ "blob": "x".repeat(5000) });
    assert_eq!(field_names(&app.gql(args, json!({ "id": id, "a": big }), Some(&owner)).await), ["args"]);
    assert_eq!(app.gql(args, json!({ "id": Uuid::new_v4() }), Some(&owner)).await.code(), "NOT_FOUND");
}

#[tokio::test]
async fn refused_transitions_are_conflicts() {
    let app = fast_app().await;
    let owner = app.setup_owner().await;
    let (cust, _) = customer(&app, "cust@example.com", "Carla").await;

    let id = order_for(&app, &owner, cust, "c.example.com").await;
    assert_eq!(mutate(&app, &owner, "markOrderAwaitingDns", &id).await.data("markOrderAwaitingDns.status"), "AWAITING_DNS");
    let again = mutate(&app, &owner, "markOrderAwaitingDns", &id).await;
    assert_eq!(again.code(), "CONFLICT");
    assert!(again.message().contains("AWAITING_DNS"), "{}", again.message());
    assert_eq!(mutate(&app, &owner, "cancelOrder", &id).await.data("cancelOrder.status"), "CANCELLED");
    for op in ["cancelOrder", "provisionOrder", "markOrderAwaitingDns"] {
        let res = mutate(&app, &owner, op, &id).await;
        assert_eq!(res.code(), "CONFLICT", "{op}");
        assert!(res.message().contains("CANCELLED"), "{}", res.message());
    }
    let update = "mutation($id: UUID!) { updateOrder(id: $id, input: { tier: \"Scale\" }) { tier } }";
    assert_eq!(app.gql(update, json!({ "id": id }), Some(&owner)).await.code(), "CONFLICT");
    let queue = "mutation($id: UUID!) { queueRemoteCommand(orderId: $id, command: RESTART_AGENT) { id } }";
    assert_eq!(app.gql(queue, json!({ "id": id }), Some(&owner)).await.code(), "CONFLICT");

    // A FULFILLED order can be neither provisioned again nor cancelled.
    let done = order_for(&app, &owner, cust, "d.example.com").await;
    mutate(&app, &owner, "provisionOrder", &done).await.data("provisionOrder.id");
    assert_eq!(settled(&app, &done).await, OrderStatus::Fulfilled);
    let res = mutate(&app, &owner, "provisionOrder", &done).await;
    assert_eq!(res.code(), "CONFLICT");
    assert_eq!(res.message(), "an order cannot go from FULFILLED to PROVISIONING");
    assert_eq!(mutate(&app, &owner, "cancelOrder", &done).await.code(), "CONFLICT");
    assert_eq!(mutate(&app, &owner, "provisionOrder", &Uuid::new_v4().to_string()).await.code(), "NOT_FOUND");
}

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
async fn pending_commands_are_delivered_exactly_once() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (cust, cust_token) = customer(&app, "cust@example.com", "Carla").await;
    let id = order_for(&app, &owner, cust, "cmd.example.com").await;
    let order_id: Uuid = id.parse().unwrap();

    let queue = "mutation($id: UUID!, $c: RemoteCommandKind!) { queueRemoteCommand(orderId: $id, command: $c) { id args } }";
    let mut queued = Vec::new();
    for command in ["RESTART_AGENT", "RELOAD_CONFIG", "RUN_BACKUP", "UPDATE_STACK"] {
        let res = app.gql(queue, json!({ "id": id, "c": command }), Some(&support)).await;
        assert_eq!(res.data("queueRemoteCommand.args"), &json!({}));
        queued.push(res.data("queueRemoteCommand.id").as_str().unwrap().parse::<Uuid>().unwrap());
    }

    let take = || hub::domain::orders::remote_commands::take_pending(&app.services, order_id);
    let (a, b) = tokio::join!(take(), take());
    let mut delivered: Vec<Uuid> = a.unwrap().into_iter().chain(b.unwrap()).map(|c| c.id).collect();
    delivered.sort();
    queued.sort();
    assert_eq!(delivered, queued, "each command once, none lost");
    assert!(take().await.unwrap().is_empty());

    let listed = app
        .gql(
            "query($id: UUID!) { remoteCommands(orderId: $id) { totalCount edges { node { status deliveredAt } } } }",
            json!({ "id": id }),
            Some(&cust_token),
        )
        .await;
    assert_eq!(listed.data("remoteCommands.totalCount"), 4);
    for edge in listed.data("remoteCommands.edges").as_array().unwrap() {
        assert_eq!(edge["node"]["status"], "DELIVERED");
        assert!(edge["node"]["deliveredAt"].is_string());
    }
}
