//! Nested fields load in batches: a page of 25 customers with their subscription,
//! founding seat, orders, and each order's agents, server and customer costs
//! exactly as many SQL statements as a page of 5.

use std::sync::atomic::Ordering;

use chrono::Utc;
use entity::{agent_config, founding_member, plan, subscription, tenant_heartbeat, AccountKind, OrderStatus, SubscriptionStatus};
use hub::domain::identity::{accounts, Email};
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{
    fixtures::{customer_record, order_row},
    helpers::*,
};

const PAGE: &str = "query($n: Int) { customers(first: $n) { totalCount edges { node { id \
    subscription { plan { code } } foundingMember { number } \
    orders { id domain customer { id } agents { agentId } server { state cpuPercent } } } } } }";

/// 30 customers, each with a subscription, two orders with one agent each (the
/// first order's server heartbeating), and every third with a founding seat.
async fn seed(app: &TestApp) {
    let db = &app.services.db;
    let plan = plan::Entity::find().order_by_asc(plan::Column::SortOrder).one(db).await.unwrap().expect("seeded plans");
    let now = Utc::now();
    for i in 0..30 {
        let account = accounts::NewAccount {
            email: Email::parse("email", &format!("c{i}@example.com")).unwrap(),
            name: format!("Customer {i}"),
            password_hash: None,
            kind: AccountKind::Customer,
            role: None,
        };
        let user = accounts::insert(db, account).await.unwrap();
        customer_record(app, user.id, Some(&format!("Company {i}"))).await;
        subscription::ActiveModel {
            id: Set(Uuid::new_v4()),
            customer_id: Set(user.id),
            plan_id: Set(plan.id),
            status: Set(SubscriptionStatus::Active),
            stripe_customer_id: Set(None),
            stripe_subscription_id: Set(None),
            current_period_start: Set(None),
            current_period_end: Set(None),
            cancel_at_period_end: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        if i % 3 == 0 {
            founding_member::ActiveModel {
                id: Set(Uuid::new_v4()),
                customer_id: Set(user.id),
                number: Set(i / 3 + 1),
                token_multiplier: Set(2),
                expires_at: Set(now + chrono::Duration::days(365)),
                created_at: Set(now),
            }
            .insert(db)
            .await
            .unwrap();
        }
        for n in 0..2 {
            let domain = format!("c{i}-{n}.example.com");
            let order_id = order_row(app, user.id, OrderStatus::PaymentConfirmed, Some(domain), json!(["nextcloud"])).await;
            agent_config::ActiveModel {
                id: Set(Uuid::new_v4()),
                order_id: Set(order_id),
                agent_id: Set("it-admin".into()),
                name: Set("IT Admin".into()),
                role: Set("it-admin".into()),
                soul_md: Set("# IT Admin".into()),
                tools_allowed: Set(json!(["shell"])),
                tools_denied: Set(json!([])),
                tool_profile: Set("coding".into()),
                autonomy_level: Set(2),
                external_comms_unlocks: Set(None),
                is_active: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await
            .unwrap();
            if n == 0 {
                tenant_heartbeat::ActiveModel {
                    order_id: Set(order_id),
                    status: Set(Some("healthy".into())),
                    reported_config_version: Set(Some(1)),
                    snapshot: Set(Some(json!({ "resources": { "cpuPercent": 12 } }))),
                    last_seen_at: Set(Some(now)),
                    backup: Set(None),
                    backup_reported_at: Set(None),
                }
                .insert(db)
                .await
                .unwrap();
            }
        }
    }
}

/// Runs the page query for `n` customers; returns its nodes and the statements it cost.
async fn page(app: &TestApp, token: &str, n: i32) -> (Vec<Value>, usize) {
    app.statements.store(0, Ordering::SeqCst);
    let res = app.gql(PAGE, json!({ "n": n }), Some(token)).await;
    let cost = app.statements.load(Ordering::SeqCst);
    let nodes = res.data("customers.edges").as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
    (nodes, cost)
}

#[tokio::test]
async fn a_longer_page_costs_no_more_statements() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    seed(&app).await;

    let (five, cost_5) = page(&app, &owner, 5).await;
    let (twenty_five, cost_25) = page(&app, &owner, 25).await;
    assert_eq!((five.len(), twenty_five.len()), (5, 25));
    assert_eq!(cost_5, cost_25, "statements for 5 customers vs 25");

    for node in &twenty_five {
        assert_eq!(node["subscription"]["plan"]["code"], "STARTER", "{node}");
        let orders = node["orders"].as_array().unwrap();
        assert_eq!(orders.len(), 2, "{node}");
        for o in orders {
            assert_eq!(o["customer"]["id"], node["id"]);
            assert_eq!(o["agents"][0]["agentId"], "it-admin");
            let online = o["domain"].as_str().unwrap().ends_with("-0.example.com");
            let expected =
                if online { json!({ "state": "ONLINE", "cpuPercent": 12.0 }) } else { json!({ "state": "NEVER", "cpuPercent": null }) };
            assert_eq!(o["server"], expected, "{o}");
        }
    }
    let seats = twenty_five.iter().filter(|n| n["foundingMember"]["number"].is_number()).count();
    assert!(seats > 0 && seats < 25, "every third customer holds a seat: {seats}");
}
