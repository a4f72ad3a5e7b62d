//! `hub demo` seeds accounts and a small business, and can run again safely.

use hub::demo;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn demo_data_is_seeded_once_and_usable() {
    let app = spawn_app().await;
    demo::seed(&app.services).await.unwrap();
    demo::seed(&app.services).await.unwrap();

    let (customer, _) = app.login(demo::CUSTOMER_EMAIL, demo::CUSTOMER_PASSWORD).await;
    let orders = app.gql("{ orders { totalCount edges { node { status agents { agentId } } } } }", json!({}), Some(&customer)).await;
    assert_eq!(orders.data("orders.totalCount"), 2, "seeding twice did not duplicate");
    let statuses: Vec<&str> =
        orders.data("orders.edges").as_array().unwrap().iter().map(|e| e["node"]["status"].as_str().unwrap()).collect();
    assert!(statuses.contains(&"FULFILLED") && statuses.contains(&"PAYMENT_CONFIRMED"), "{statuses:?}");
    let approvals = app.gql("{ approvals(status: PENDING) { totalCount } }", json!({}), Some(&customer)).await;
    assert_eq!(approvals.data("approvals.totalCount"), 1);
    // Two weeks of usage inside the current period: the dashboard's chart has something to show.
    let me = app.gql(ME, json!({}), Some(&customer)).await;
    let summary = app
        .gql(
            "query($c: UUID!) { usageSummary(customerId: $c) { usedTokens percentUsed } }",
            json!({ "c": me.data("me.id") }),
            Some(&customer),
        )
        .await;
    let percent = summary.data("usageSummary.percentUsed").as_f64().unwrap();
    assert!((30.0..80.0).contains(&percent), "about half the allotment, not past the 80 % alert: {}", summary.body);

    let (admin, _) = app.login(demo::ADMIN_EMAIL, demo::ADMIN_PASSWORD).await;
    assert_eq!(app.gql(ME, json!({}), Some(&admin)).await.data("me.role"), "ADMIN");
    let (owner, _) = app.login(demo::OWNER_EMAIL, demo::OWNER_PASSWORD).await;
    let customers =
        app.gql("{ customers { totalCount edges { node { company subscription { plan { code } } } } } }", json!({}), Some(&owner)).await;
    assert_eq!(customers.data("customers.totalCount"), 1);
    assert_eq!(customers.data("customers.edges")[0]["node"]["subscription"]["plan"]["code"], "PRO");
}
