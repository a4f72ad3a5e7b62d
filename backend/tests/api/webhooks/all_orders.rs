//! The staff console's list (issue 7): without `orderId`, staff see every
//! order's deliveries, newest first, by status and paged; a customer sees only
//! their own orders' — with or without an order, never another customer's.

use entity::{webhook_delivery, WebhookDeliveryStatus};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{queue_command, register, wire, Wired};
use crate::{agents::customer, agents::order_of, helpers::*};

const ALL: &str = "query($o: UUID, $s: WebhookDeliveryStatus, $f: Int, $a: String) { webhookDeliveries(orderId: $o, status: $s, first: $f, after: $a) { totalCount pageInfo { hasNextPage endCursor } nodes { id orderId status attemptLog { attempt } } } }";

/// (totalCount, the page's (id, orderId) pairs, endCursor) as `token` sees them.
async fn page(app: &TestApp, token: &str, vars: Value) -> (u64, Vec<(String, Uuid)>, Option<String>) {
    let res = app.gql(ALL, vars, Some(token)).await;
    let nodes = res.data("webhookDeliveries.nodes").as_array().unwrap().clone();
    let rows = nodes.iter().map(|n| (n["id"].as_str().unwrap().to_owned(), n["orderId"].as_str().unwrap().parse().unwrap())).collect();
    let end = res.data("webhookDeliveries.pageInfo.endCursor").as_str().map(str::to_owned);
    (res.data("webhookDeliveries.totalCount").as_u64().unwrap(), rows, end)
}

#[tokio::test]
async fn staff_page_through_every_orders_deliveries_by_status_and_customers_see_only_their_own() {
    let app = spawn_app().await;
    let Wired { owner, a_token, order: a_order, .. } = wire(&app, Some("http://127.0.0.1:9")).await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let (b_token, b) = customer(&app, "b@example.com").await;
    let b_order = order_of(&app, b).await;
    register(&app, &owner, b_order, Some("http://127.0.0.1:9")).await;
    let mut queued = Vec::new();
    for order in [a_order, b_order, a_order] {
        queued.push(queue_command(&app, &owner, order).await);
        // Distinct creation times, so "newest first" has one answer on every database.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let failed = webhook_delivery::Entity::find().filter(webhook_delivery::Column::OrderId.eq(b_order)).one(&app.services.db).await;
    let failed = failed.unwrap().unwrap().id;
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(WebhookDeliveryStatus::Failed))
        .filter(webhook_delivery::Column::Id.eq(failed))
        .exec(&app.services.db)
        .await
        .unwrap();

    // SUPPORT: all three, newest first, two to a page.
    let (total, first, end) = page(&app, &support, json!({ "f": 2 })).await;
    assert_eq!((total, first.iter().map(|r| r.1).collect::<Vec<_>>()), (3, vec![a_order, b_order]));
    let (_, second, _) = page(&app, &support, json!({ "f": 2, "a": end })).await;
    assert_eq!(second.iter().map(|r| r.1).collect::<Vec<_>>(), vec![a_order]);
    let all_ids: Vec<&String> = first.iter().chain(&second).map(|r| &r.0).collect();
    assert_eq!(all_ids.iter().collect::<std::collections::HashSet<_>>().len(), 3, "pages do not overlap");

    let (total, rows, _) = page(&app, &support, json!({ "s": "FAILED" })).await;
    assert_eq!((total, rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>()), (1, vec![failed.to_string()]));
    assert_eq!(page(&app, &support, json!({ "s": "PENDING" })).await.0, 2);
    assert_eq!(page(&app, &support, json!({ "o": b_order, "s": "PENDING" })).await.0, 0);

    // Customers: their own orders' only, with or without naming the order.
    let (total, rows, _) = page(&app, &a_token, json!({})).await;
    assert_eq!((total, rows.iter().all(|r| r.1 == a_order)), (2, true));
    let (total, rows, _) = page(&app, &b_token, json!({})).await;
    assert_eq!((total, rows.iter().map(|r| r.1).collect::<Vec<_>>()), (1, vec![b_order]));
    assert_eq!(page(&app, &b_token, json!({ "s": "PENDING" })).await.0, 0, "B's only delivery FAILED");
    let foreign = app.gql(ALL, json!({ "o": a_order }), Some(&b_token)).await;
    assert_eq!(foreign.code(), "NOT_FOUND", "B learns nothing about A's order");
    assert!(foreign.body["data"].is_null() || foreign.body["data"]["webhookDeliveries"].is_null());
    assert_eq!(app.gql(ALL, json!({}), None).await.code(), "UNAUTHORIZED");
}
