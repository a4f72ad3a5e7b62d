//! Usage series by agent, model and granularity; the summary and the founding
//! multiplier; who may read them.

use chrono::{Duration, Utc};
use entity::founding_member;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use super::{bucket, hour, metered, send};
use crate::customers::signed_in_customer;
use crate::helpers::*;

const USAGE: &str = "query($c: UUID!, $f: DateTime!, $t: DateTime!, $g: UsageGranularity!, $b: UsageGroupBy) {
  usage(customerId: $c, from: $f, to: $t, granularity: $g, groupBy: $b) {
    granularity series { key total { tokens tokensInput tokensOutput costCents } points { at tokens } }
  } }";

const SUMMARY: &str = "query($c: UUID!) { usageSummary(customerId: $c) {
  allotmentTokens usedTokens percentUsed overageTokens overageAmountMinor currency runsOutEarly
  forecast24h { windowTokens exhaustedAt } forecast7d { windowTokens exhaustedAt } } }";

fn totals(res: &Gql) -> Vec<(String, i64)> {
    let series = res.data("usage.series").as_array().unwrap();
    series.iter().map(|s| (s["key"].as_str().unwrap().to_owned(), s["total"]["tokens"].as_i64().unwrap())).collect()
}

#[tokio::test]
async fn usage_is_grouped_by_agent_and_model_at_every_granularity() {
    let app = spawn_app().await;
    let m = metered(&app, "usage@example.com", 1_000_000).await;
    send(
        &app,
        m.order,
        vec![
            bucket("marketing", "m-a", hour(2), 100, 50),
            bucket("sales", "m-b", hour(2), 10, 0),
            bucket("marketing", "m-b", hour(26), 5, 5),
        ],
    )
    .await;
    let (from, to) = (hour(30), Utc::now() + Duration::hours(1));
    let ask = |g: &str, b: Value| json!({ "c": m.customer, "f": from, "t": to, "g": g, "b": b });

    let res = app.gql(USAGE, ask("HOUR", json!("NONE")), Some(&m.token)).await;
    assert_eq!(totals(&res), [("all".to_owned(), 170)]);
    let points = res.data("usage.series")[0]["points"].as_array().unwrap().clone();
    assert_eq!(points.len(), 32, "dense: one point per hour from {from} to {to}");
    let at = |p: &Value| p["at"].as_str().unwrap().parse::<chrono::DateTime<Utc>>().unwrap();
    let two_ago = points.iter().find(|p| at(p) == hour(2)).unwrap();
    assert_eq!(two_ago["tokens"], 160);
    assert_eq!(points.iter().map(|p| p["tokens"].as_i64().unwrap()).sum::<i64>(), 170);

    let res = app.gql(USAGE, ask("DAY", json!("AGENT")), Some(&m.token)).await;
    assert_eq!(totals(&res), [("marketing".to_owned(), 160), ("sales".to_owned(), 10)]);
    assert_eq!(res.data("usage.series")[0]["total"]["costCents"], 2);
    let res = app.gql(USAGE, ask("WEEK", json!("MODEL")), Some(&m.owner)).await;
    assert_eq!(totals(&res), [("m-a".to_owned(), 150), ("m-b".to_owned(), 20)]);
    let res = app.gql(USAGE, ask("MONTH", Value::Null), Some(&m.owner)).await;
    assert_eq!((res.data("usage.granularity"), totals(&res)), (&json!("MONTH"), vec![("all".to_owned(), 170)]));

    // Bad ranges are refused with the field at fault.
    let res = app.gql(USAGE, json!({ "c": m.customer, "f": to, "t": from, "g": "DAY" }), Some(&m.token)).await;
    assert_eq!((res.code(), res.body["errors"][0]["extensions"]["fields"][0]["field"].as_str()), ("VALIDATION_ERROR", Some("to")));
    let res = app.gql(USAGE, json!({ "c": m.customer, "f": Utc::now() - Duration::days(40), "t": to, "g": "HOUR" }), Some(&m.token)).await;
    assert_eq!(res.code(), "VALIDATION_ERROR");

    // Another customer learns nothing.
    let (_, other) = signed_in_customer(&app, &m.owner, "other@example.com").await;
    let res = app.gql(USAGE, ask("DAY", json!("NONE")), Some(&other)).await;
    assert_eq!(res.code(), "NOT_FOUND", "{}", res.body);
    let res = app.gql(SUMMARY, json!({ "c": m.customer }), Some(&other)).await;
    assert_eq!(res.code(), "NOT_FOUND");
}

#[tokio::test]
async fn the_summary_counts_the_period_and_the_founding_multiplier_until_it_expires() {
    let app = spawn_app().await;
    let m = metered(&app, "founder@example.com", 1_000).await;
    let q = "mutation($c: UUID!, $e: DateTime!) { grantFoundingMember(customerId: $c, tokenMultiplier: 3, expiresAt: $e) { id } }";
    app.gql(q, json!({ "c": m.customer, "e": Utc::now() + Duration::days(365) }), Some(&m.owner)).await.data("grantFoundingMember.id");
    let res = app.gql(SUMMARY, json!({ "c": m.customer }), Some(&m.token)).await;
    assert_eq!(res.data("usageSummary.allotmentTokens"), 3000);

    // Expired before this period started: the plain allotment.
    founding_member::Entity::update_many()
        .col_expr(founding_member::Column::ExpiresAt, Expr::value(Utc::now() - Duration::days(11)))
        .filter(founding_member::Column::CustomerId.eq(m.customer))
        .exec(&app.services.db)
        .await
        .unwrap();
    let res = app.gql(SUMMARY, json!({ "c": m.customer }), Some(&m.token)).await;
    assert_eq!(res.data("usageSummary.allotmentTokens"), 1000);

    // 600 tokens five days ago and 600 in the last day: 1,200 of 1,000, overage 200.
    send(&app, m.order, vec![bucket("marketing", "m-a", hour(120), 600, 0), bucket("marketing", "m-a", hour(3), 500, 100)]).await;
    let res = app.gql(SUMMARY, json!({ "c": m.customer }), Some(&m.token)).await;
    let s = res.data("usageSummary");
    assert_eq!((s["usedTokens"].as_i64(), s["overageTokens"].as_i64(), s["percentUsed"].as_f64()), (Some(1200), Some(200), Some(120.0)));
    // The default price (500 minor units per 1M tokens) of 200 tokens rounds to 0.
    assert_eq!((s["overageAmountMinor"].as_i64(), s["currency"].as_str()), (Some(0), Some("eur")));
    assert_eq!((s["forecast24h"]["windowTokens"].as_i64(), s["forecast7d"]["windowTokens"].as_i64()), (Some(600), Some(1200)));
    assert!(s["forecast24h"]["exhaustedAt"].is_string(), "already exhausted: now");
    assert_eq!(s["runsOutEarly"], false, "already out is not a forecast");
}
