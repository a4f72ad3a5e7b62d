use entity::{order, AccountKind, OrderStatus};
use sea_orm::EntityTrait;
use serde_json::json;
use uuid::Uuid;

use crate::{
    fixtures::{customer_record, order_with_status},
    helpers::*,
};

/// A signed-in customer: (access token, id).
pub async fn customer(app: &TestApp, email: &str) -> (String, Uuid) {
    app.create_account(email, "customer-password", AccountKind::Customer, None).await;
    let (token, _) = app.login(email, "customer-password").await;
    let id = app.gql(ME, json!({}), Some(&token)).await.data("me.id").as_str().unwrap().parse().unwrap();
    customer_record(app, id, Some("Acme")).await;
    (token, id)
}

/// A FULFILLED order of `customer_id`.
pub async fn order_of(app: &TestApp, customer_id: Uuid) -> Uuid {
    order_with_status(app, customer_id, OrderStatus::Fulfilled).await
}

async fn config_version(app: &TestApp, order_id: Uuid) -> i64 {
    order::Entity::find_by_id(order_id).one(&app.services.db).await.unwrap().unwrap().config_version
}

const DEPLOY: &str = "mutation($o: UUID!, $i: DeployAgentInput!) { deployAgent(orderId: $o, input: $i) { id agentId name role soulMd toolsAllowed toolsDenied toolProfile autonomyLevel externalCommsUnlocks isActive } }";
const UPDATE: &str = "mutation($id: UUID!, $i: UpdateAgentInput!) { updateAgent(id: $id, input: $i) { soulMd toolsAllowed toolsDenied autonomyLevel externalCommsUnlocks name isActive } }";
const AGENTS: &str = "query($o: UUID!) { agents(orderId: $o) { id agentId soulMd autonomyLevel } }";

#[tokio::test]
async fn admin_deploys_from_templates_and_each_change_bumps_the_config_version() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let (_, cust) = customer(&app, "a@example.com").await;
    let order = order_of(&app, cust).await;

    let templates = app.gql("{ agentTemplates { role name soulMd toolsAllowed autonomyLevel } }", json!({}), Some(&admin)).await;
    let roles: Vec<_> = templates.data("agentTemplates").as_array().unwrap().iter().map(|t| t["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["dispatcher", "it-admin", "marketing", "secretary", "sales"]);

    let deployed = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "it-admin" } }), Some(&admin)).await;
    assert_eq!(deployed.data("deployAgent.agentId"), "it-admin");
    assert_eq!(deployed.data("deployAgent.name"), "IT Admin");
    assert_eq!(deployed.data("deployAgent.toolProfile"), "coding");
    assert!(deployed.data("deployAgent.soulMd").as_str().unwrap().starts_with("# IT Admin"));
    assert!(deployed.data("deployAgent.toolsAllowed").as_array().unwrap().contains(&json!("docker")));
    assert_eq!(config_version(&app, order).await, 1);

    let again = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "it-admin" } }), Some(&admin)).await;
    assert_eq!(again.code(), "CONFLICT");
    assert_eq!(config_version(&app, order).await, 1);
    let second = app
        .gql(DEPLOY, json!({ "o": order, "i": { "role": "it-admin", "agentId": "ops", "name": "Ops", "autonomyLevel": 4 } }), Some(&admin))
        .await;
    assert_eq!(second.data("deployAgent.autonomyLevel"), 4);
    assert_eq!(config_version(&app, order).await, 2);

    let id = deployed.data("deployAgent.id").as_str().unwrap().to_owned();
    let changed = app
        .gql(UPDATE, json!({ "id": id, "i": { "name": "Root", "toolsDenied": ["social_post", "crm"], "isActive": false, "externalCommsUnlocks": { "email_send": true } } }), Some(&admin))
        .await;
    assert_eq!(changed.data("updateAgent.name"), "Root");
    assert_eq!(changed.data("updateAgent.isActive"), false);
    assert_eq!(changed.data("updateAgent.toolsDenied"), &json!(["social_post", "crm"]));
    assert_eq!(changed.data("updateAgent.externalCommsUnlocks"), &json!({ "email_send": true }));
    assert_eq!(config_version(&app, order).await, 3);

    let removed = app.gql("mutation($id: UUID!) { removeAgent(id: $id) { agentId } }", json!({ "id": id }), Some(&admin)).await;
    assert_eq!(removed.data("removeAgent.agentId"), "it-admin");
    assert_eq!(config_version(&app, order).await, 4);
    let left = app.gql(AGENTS, json!({ "o": order }), Some(&admin)).await;
    assert_eq!(left.data("agents").as_array().unwrap().len(), 1);

    let audit = app.gql("{ auditLog(action: \"agent.\") { totalCount } }", json!({}), Some(&admin)).await;
    assert_eq!(audit.data("auditLog.totalCount"), 4);
}

#[tokio::test]
async fn bad_input_is_refused_by_field() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (_, cust) = customer(&app, "a@example.com").await;
    let order = order_of(&app, cust).await;
    let bad = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "ceo", "agentId": "Bad Id", "autonomyLevel": 5 } }), Some(&owner)).await;
    assert_eq!(bad.code(), "VALIDATION_ERROR");
    let fields: Vec<_> =
        bad.body["errors"][0]["extensions"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["role", "agentId", "autonomyLevel"]);
    let missing = app.gql(DEPLOY, json!({ "o": Uuid::new_v4(), "i": { "role": "sales" } }), Some(&owner)).await;
    assert_eq!(missing.code(), "NOT_FOUND");

    let id = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "sales" } }), Some(&owner)).await.data("deployAgent.id").clone();
    for (input, field) in [
        (json!({ "soulMd": "x".repeat(20_001) }), "soulMd"),
        (json!({ "toolsAllowed": ["Shell"] }), "toolsAllowed"),
        (json!({ "autonomyLevel": 0 }), "autonomyLevel"),
        (json!({ "toolsAllowed": ["shell"], "toolsDenied": ["shell"] }), "toolsAllowed"),
        (json!({ "toolsDenied": ["crm"] }), "toolsDenied"),
        (json!({ "externalCommsUnlocks": { "email_send": "yes" } }), "externalCommsUnlocks"),
    ] {
        let res = app.gql(UPDATE, json!({ "id": id, "i": input }), Some(&owner)).await;
        assert_eq!(res.code(), "VALIDATION_ERROR", "{input}");
        assert_eq!(res.body["errors"][0]["extensions"]["fields"][0]["field"], field, "{input}");
    }
    assert_eq!(config_version(&app, order).await, 1, "refused changes leave the version alone");
}

#[tokio::test]
async fn only_admins_deploy() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (customer_token, cust) = customer(&app, "a@example.com").await;
    let order = order_of(&app, cust).await;
    for token in [&manager, &support, &customer_token] {
        let res = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "sales" } }), Some(token)).await;
        assert_eq!(res.code(), "FORBIDDEN");
    }
    let id = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "sales" } }), Some(&owner)).await.data("deployAgent.id").clone();
    // Below ADMIN staff may read agents but neither change nor remove them.
    assert_eq!(app.gql(AGENTS, json!({ "o": order }), Some(&support)).await.data("agents").as_array().unwrap().len(), 1);
    assert_eq!(app.gql(UPDATE, json!({ "id": id, "i": { "autonomyLevel": 1 } }), Some(&manager)).await.code(), "FORBIDDEN");
    let removed = app.gql("mutation($id: UUID!) { removeAgent(id: $id) { id } }", json!({ "id": id }), Some(&support)).await;
    assert_eq!(removed.code(), "FORBIDDEN");
    assert_eq!(config_version(&app, order).await, 1);
}

#[tokio::test]
async fn customers_tune_only_their_own_agents_and_only_some_fields() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a_token, a) = customer(&app, "a@example.com").await;
    let (b_token, b) = customer(&app, "b@example.com").await;
    let a_order = order_of(&app, a).await;
    let b_order = order_of(&app, b).await;
    let a_agent = app.gql(DEPLOY, json!({ "o": a_order, "i": { "role": "secretary" } }), Some(&owner)).await.data("deployAgent.id").clone();
    let b_agent = app.gql(DEPLOY, json!({ "o": b_order, "i": { "role": "sales" } }), Some(&owner)).await.data("deployAgent.id").clone();

    let tuned = app
        .gql(UPDATE, json!({ "id": a_agent, "i": { "soulMd": "# Sec\n\nBe terse.", "autonomyLevel": 3, "toolsAllowed": ["email_send", "calendar"], "externalCommsUnlocks": { "email_send": true } } }), Some(&a_token))
        .await;
    assert_eq!(tuned.data("updateAgent.soulMd"), "# Sec\n\nBe terse.");
    assert_eq!(tuned.data("updateAgent.autonomyLevel"), 3);
    assert_eq!(tuned.data("updateAgent.toolsAllowed"), &json!(["email_send", "calendar"]));
    assert_eq!(config_version(&app, a_order).await, 2);

    for (input, field) in
        [(json!({ "name": "Boss" }), "name"), (json!({ "toolsDenied": [] }), "toolsDenied"), (json!({ "isActive": false }), "isActive")]
    {
        let res = app.gql(UPDATE, json!({ "id": a_agent, "i": input }), Some(&a_token)).await;
        assert_eq!(res.code(), "FORBIDDEN");
        assert!(res.message().contains(field), "{}", res.message());
    }
    // A tool the staff denied cannot be allowed by the customer.
    let denied = app.gql(UPDATE, json!({ "id": a_agent, "i": { "toolsAllowed": ["shell"] } }), Some(&a_token)).await;
    assert_eq!(denied.code(), "VALIDATION_ERROR");

    let other = app.gql(UPDATE, json!({ "id": b_agent, "i": { "autonomyLevel": 1 } }), Some(&a_token)).await;
    assert_eq!(other.code(), "NOT_FOUND");
    assert_eq!(app.gql(AGENTS, json!({ "o": b_order }), Some(&a_token)).await.code(), "NOT_FOUND");
    let own = app.gql(AGENTS, json!({ "o": a_order }), Some(&a_token)).await;
    assert_eq!(own.data("agents")[0]["autonomyLevel"], 3);
    assert_eq!(app.gql(AGENTS, json!({ "o": b_order }), Some(&b_token)).await.data("agents")[0]["autonomyLevel"], 2);
    assert_eq!(config_version(&app, b_order).await, 1);
}

#[tokio::test]
async fn batch_loading_keeps_to_the_customers_own_orders() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a_token, a) = customer(&app, "a@example.com").await;
    let (_, b) = customer(&app, "b@example.com").await;
    let (a_order, b_order) = (order_of(&app, a).await, order_of(&app, b).await);
    for (order, role) in [(a_order, "sales"), (a_order, "marketing"), (b_order, "sales")] {
        app.gql(DEPLOY, json!({ "o": order, "i": { "role": role } }), Some(&owner)).await.data("deployAgent.id");
    }
    let bearer = format!("Bearer {a_token}");
    let customer_actor = hub::auth::authenticate::resolve(&app.services.db, &app.services.jwt, Some(&bearer)).await.unwrap();
    let cap = customer_actor.grant::<hub::auth::capability::ReadAgents>().unwrap();
    let map = hub::domain::agents::by_orders(&app.services, &cap, &[a_order, b_order]).await.unwrap();
    assert_eq!(map.get(&a_order).map(Vec::len), Some(2));
    assert!(!map.contains_key(&b_order));
}

#[tokio::test]
async fn racing_updates_to_one_agent_both_land() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a_token, a) = customer(&app, "a@example.com").await;
    let order = order_of(&app, a).await;
    let id = app.gql(DEPLOY, json!({ "o": order, "i": { "role": "marketing" } }), Some(&owner)).await.data("deployAgent.id").clone();
    for round in 1..=3 {
        let (x, y) = tokio::join!(
            app.gql(UPDATE, json!({ "id": id, "i": { "name": format!("Round {round}") } }), Some(&owner)),
            app.gql(UPDATE, json!({ "id": id, "i": { "soulMd": format!("# Round {round}") } }), Some(&a_token)),
        );
        x.data("updateAgent");
        y.data("updateAgent");
        let agent = hub::domain::agents::by_orders(&app.services, &staff_cap(&app, &owner).await, &[order]).await.unwrap();
        let agent = &agent[&order][0];
        assert_eq!((agent.name.as_str(), agent.soul_md.as_str()), (format!("Round {round}").as_str(), format!("# Round {round}").as_str()));
    }
    assert_eq!(config_version(&app, order).await, 7);
}

async fn staff_cap(app: &TestApp, token: &str) -> hub::auth::Cap<hub::auth::capability::ReadAgents> {
    let bearer = format!("Bearer {token}");
    let actor = hub::auth::authenticate::resolve(&app.services.db, &app.services.jwt, Some(&bearer)).await.unwrap();
    actor.grant().unwrap()
}
