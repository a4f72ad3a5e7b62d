//! Usage alerts: 80 %, 100 % and the forecast fire once each per period,
//! for the customer to see, and again in the next period.

use chrono::Utc;
use entity::alert;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::{bucket, end_current_period, hour, metered, periods_of, send};
use crate::helpers::*;

async fn kinds(app: &TestApp, customer: Uuid) -> Vec<String> {
    let rows = alert::Entity::find().filter(alert::Column::CustomerId.eq(customer)).all(&app.services.db).await.unwrap();
    let mut kinds: Vec<String> = rows.into_iter().map(|a| a.alert_type).filter(|t| t.starts_with("USAGE_")).collect();
    kinds.sort();
    kinds
}

#[tokio::test]
async fn thresholds_fire_once_each_per_period_and_again_in_the_next() {
    let app = spawn_app().await;
    let m = metered(&app, "alerts@example.com", 1_000).await;

    // 850 five days ago: 85 %, and nothing in the last day to forecast from.
    send(&app, m.order, vec![bucket("marketing", "m-a", hour(120), 850, 0)]).await;
    assert_eq!(kinds(&app, m.customer).await, ["USAGE_80"]);

    // 100 more two hours ago: at that rate the last 50 tokens go within a day,
    // well before the period ends in 20 days.
    send(&app, m.order, vec![bucket("marketing", "m-a", hour(2), 100, 0)]).await;
    assert_eq!(kinds(&app, m.customer).await, ["USAGE_80", "USAGE_FORECAST"]);

    // Past 100 %, then twice more: one alert of each kind.
    for tokens in [200, 300, 400] {
        send(&app, m.order, vec![bucket("sales", "m-b", hour(1), tokens, 0)]).await;
    }
    assert_eq!(kinds(&app, m.customer).await, ["USAGE_100", "USAGE_80", "USAGE_FORECAST"]);
    let period = &periods_of(&app, m.customer).await[0];
    assert_eq!(period.used_tokens, 1350);
    assert!(period.alert80_at.is_some() && period.alert100_at.is_some() && period.forecast_alert_at.is_some());

    // The customer sees their own usage alerts.
    let q = "query { alerts(first: 10) { edges { node { type customerId } } } }";
    let res = app.gql(q, json!({}), Some(&m.token)).await;
    let mut seen: Vec<String> =
        res.data("alerts.edges").as_array().unwrap().iter().map(|e| e["node"]["type"].as_str().unwrap().to_owned()).collect();
    seen.sort();
    assert_eq!(seen, ["USAGE_100", "USAGE_80", "USAGE_FORECAST"]);

    // A new period: the thresholds count afresh.
    end_current_period(&app, m.customer).await;
    hub::domain::metering::run_cycle(&app.services, Utc::now()).await.unwrap();
    send(&app, m.order, vec![bucket("marketing", "m-a", hour(0), 1_200, 0)]).await;
    let periods = periods_of(&app, m.customer).await;
    assert_eq!(periods.len(), 2);
    assert_eq!((periods[1].used_tokens, periods[1].status), (1_200, entity::BillingPeriodStatus::Open));
    let all = kinds(&app, m.customer).await;
    assert_eq!(all.iter().filter(|k| *k == "USAGE_80").count(), 2, "{all:?}");
    assert_eq!(all.iter().filter(|k| *k == "USAGE_100").count(), 2, "{all:?}");
}

#[tokio::test]
async fn without_a_subscription_no_allotment_and_no_alerts() {
    let app = spawn_app().await;
    let m = metered(&app, "zero@example.com", 1_000).await;
    let q = "mutation($c: UUID!, $p: UUID!) { setSubscription(customerId: $c, planId: $p, status: CANCELLED) { id } }";
    app.gql(q, json!({ "c": m.customer, "p": m.plan }), Some(&m.owner)).await.data("setSubscription.id");
    send(&app, m.order, vec![bucket("marketing", "m-a", hour(1), 5_000, 0)]).await;
    assert!(kinds(&app, m.customer).await.is_empty());
    let period = &periods_of(&app, m.customer).await[0];
    assert_eq!((period.allotment_tokens, period.used_tokens, period.subscription_id), (0, 5_000, None));
    // The calendar month, in UTC.
    assert_eq!(period.period_start.format("%d %H:%M").to_string(), "01 00:00");
}
