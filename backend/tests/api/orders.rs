//! Orders: who may create, read and change them, the lifecycle's refusals, the
//! simulated provisioning runs, and remote commands.

use std::time::Duration;

use entity::{order, AccountKind, OrderStatus, StaffRole};
use hub::{
    auth::{actor::Credential, capability::ReadOrders, Actor, Cap, Principal},
    domain::orders,
};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{fixtures::customer_record, helpers::*};

mod provisioning;
mod remote_commands;

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
    customer_record(app, id, None).await;
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

pub(crate) async fn get_order(app: &TestApp, token: &str, id: &str) -> Gql {
    app.gql(&format!("query($id: UUID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"), json!({ "id": id }), Some(token)).await
}

pub(crate) async fn mutate(app: &TestApp, token: &str, op: &str, id: &str) -> Gql {
    let selection = if op == "provisionOrder" { "id status driver" } else { "id status" };
    app.gql(&format!("mutation($id: UUID!) {{ {op}(id: $id) {{ {selection} }} }}"), json!({ "id": id }), Some(token)).await
}

/// Waits (a bounded number of short polls, straight from the database) until the
/// order leaves PROVISIONING; returns its status.
pub(crate) async fn settled(app: &TestApp, id: &str) -> OrderStatus {
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

pub(crate) async fn log_lines(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
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

/// A `ReadOrders` capability as the domain receives it.
fn read_cap(user_id: Uuid, kind: AccountKind, role: Option<StaffRole>) -> Cap<ReadOrders> {
    let principal =
        Principal { user_id, email: "x@example.com".into(), name: "X".into(), kind, role, credential: Credential::Session(Uuid::new_v4()) };
    Actor::User(principal).grant::<ReadOrders>().unwrap()
}

#[tokio::test]
async fn batch_loading_is_scoped_like_everything_else() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, _) = customer(&app, "a@example.com", "Anna").await;
    let (b, _) = customer(&app, "b@example.com", "Bert").await;
    let a1: Uuid = order_for(&app, &owner, a, "one.a.example.com").await.parse().unwrap();
    let a2: Uuid = order_for(&app, &owner, a, "two.a.example.com").await.parse().unwrap();
    let b1: Uuid = order_for(&app, &owner, b, "one.b.example.com").await.parse().unwrap();

    let staff = read_cap(Uuid::new_v4(), AccountKind::Staff, Some(StaffRole::Support));
    let by_customer = orders::by_customers(&app.services, &staff, &[a, b, Uuid::new_v4()]).await.unwrap();
    assert_eq!(by_customer[&a].iter().map(|o| o.id).collect::<Vec<_>>(), [a2, a1], "newest first");
    assert_eq!(by_customer[&b].len(), 1);
    assert_eq!(by_customer.len(), 2);
    assert_eq!(orders::by_ids(&app.services, &staff, &[a1, b1]).await.unwrap().len(), 2);
    assert!(orders::by_ids(&app.services, &staff, &[]).await.unwrap().is_empty());

    let anna = read_cap(a, AccountKind::Customer, None);
    let mine = orders::by_customers(&app.services, &anna, &[a, b]).await.unwrap();
    assert_eq!(mine.keys().copied().collect::<Vec<_>>(), [a]);
    let mine = orders::by_ids(&app.services, &anna, &[a1, b1]).await.unwrap();
    assert_eq!(mine.keys().copied().collect::<Vec<_>>(), [a1]);
}
