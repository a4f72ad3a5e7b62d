//! Insights (issue 6): the rollups follow re-sent usage buckets and telemetry
//! windows exactly (and the migration's backfill rebuilds them), the overview
//! on a known fixture, project and vendor insights, money fields per role.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{
    customer, invoice, order, payment, plan, project, site_daily_rollup, site_stat, subscription, token_usage_bucket, usage_daily_rollup,
    InvoiceStatus, OrderStatus, PaymentStatus, SubscriptionStatus,
};
use hub::domain::{
    insights::{SiteSums, UsageSums},
    projects::telemetry,
    tenants::usage::{self, Bucket},
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{
    customers::{create_customer, signed_in_customer},
    fake_child::FakeChild,
    fixtures::order_with_status,
    helpers::*,
    sites::{add_site, license},
};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn bucket(agent: &str, model: &str, hour: &str, base: i64) -> Bucket {
    Bucket {
        agent_id: agent.into(),
        model: model.into(),
        bucket_hour: hour.into(),
        tokens_input: base,
        tokens_output: base * 2,
        tokens_cache_read: base * 3,
        tokens_cache_write: base + 1,
        web_search_count: base % 3,
        web_fetch_count: base % 5,
        cost_cents: base * 7,
    }
}

fn sums_of_bucket(b: &token_usage_bucket::Model) -> UsageSums {
    UsageSums {
        tokens_input: b.tokens_input,
        tokens_output: b.tokens_output,
        tokens_cache_read: b.tokens_cache_read,
        tokens_cache_write: b.tokens_cache_write,
        web_search_count: b.web_search_count,
        web_fetch_count: b.web_fetch_count,
        cost_cents: b.cost_cents,
    }
}

/// The usage rollup as stored, and as recomputed from the raw buckets (zero rows left out).
async fn usage_rollup_vs_raw(app: &TestApp) -> (BTreeMap<(Uuid, i64), UsageSums>, BTreeMap<(Uuid, i64), UsageSums>) {
    let db = &app.services.db;
    let orders: BTreeMap<Uuid, Uuid> = order::Entity::find().all(db).await.unwrap().into_iter().map(|o| (o.id, o.customer_id)).collect();
    let mut raw: BTreeMap<(Uuid, i64), UsageSums> = BTreeMap::new();
    for b in token_usage_bucket::Entity::find().all(db).await.unwrap() {
        let key = (orders[&b.order_id], b.bucket_hour.timestamp().div_euclid(86_400));
        raw.entry(key).or_default().add(&sums_of_bucket(&b), 1);
    }
    let stored = usage_daily_rollup::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let sums = UsageSums {
                tokens_input: r.tokens_input,
                tokens_output: r.tokens_output,
                tokens_cache_read: r.tokens_cache_read,
                tokens_cache_write: r.tokens_cache_write,
                web_search_count: r.web_search_count,
                web_fetch_count: r.web_fetch_count,
                cost_cents: r.cost_cents,
            };
            ((r.customer_id, r.day), sums)
        })
        .filter(|(_, s)| *s != UsageSums::default())
        .collect();
    (stored, raw.into_iter().filter(|(_, s)| *s != UsageSums::default()).collect())
}

/// Rolls the insights migration back and forward again: its backfill must
/// rebuild the same rollups from the raw rows.
async fn rebuild_rollups(app: &TestApp) {
    Migrator::down(&app.services.db, Some(1)).await.unwrap();
    Migrator::up(&app.services.db, None).await.unwrap();
}

#[tokio::test]
async fn usage_rollups_equal_a_recomputation_after_resent_batches() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let (a, _) = create_customer(&app, &owner, "roll-a@example.com", None).await;
    let (b, _) = create_customer(&app, &owner, "roll-b@example.com", None).await;
    let (a, b): (Uuid, Uuid) = (a.parse().unwrap(), b.parse().unwrap());
    let a1 = order_with_status(&app, a, OrderStatus::Fulfilled).await;
    let a2 = order_with_status(&app, a, OrderStatus::Fulfilled).await;
    let b1 = order_with_status(&app, b, OrderStatus::Fulfilled).await;

    // Hours across a day boundary, two agents, two models.
    let hours = ["2026-03-01T21:00:00Z", "2026-03-01T22:00:00Z", "2026-03-01T23:00:00Z", "2026-03-02T00:00:00Z", "2026-03-02T01:00:00Z"];
    let mut first = Vec::new();
    for (i, hour) in hours.iter().enumerate() {
        first.push(bucket("it-admin", "claude-sonnet", hour, 10 + i as i64));
        first.push(bucket("marketing", "claude-haiku", hour, 100 + i as i64));
    }
    usage::ingest(&app.services, a1, first.clone()).await.unwrap();
    let (stored, raw) = usage_rollup_vs_raw(&app).await;
    assert_eq!(stored, raw);
    assert_eq!(stored.len(), 2, "two days of customer A");

    // The same batch again changes nothing.
    usage::ingest(&app.services, a1, first.clone()).await.unwrap();
    assert_eq!(usage_rollup_vs_raw(&app).await.0, stored);

    // Re-sent buckets with new (larger and smaller) values, a new one, and a
    // bucket sent twice in one batch (the last copy wins).
    let again = vec![
        bucket("it-admin", "claude-sonnet", hours[1], 50),
        bucket("marketing", "claude-haiku", hours[3], 1),
        bucket("marketing", "claude-haiku", hours[3], 0),
        bucket("it-admin", "claude-opus", hours[4], 9),
        bucket("it-admin", "claude-sonnet", "2026-02-27T05:00:00Z", 4),
    ];
    usage::ingest(&app.services, a1, again).await.unwrap();
    usage::ingest(&app.services, a2, first.clone()).await.unwrap();
    usage::ingest(&app.services, b1, first[..3].to_vec()).await.unwrap();
    usage::ingest(&app.services, a2, vec![bucket("it-admin", "claude-sonnet", hours[0], 0)]).await.unwrap();
    let (stored, raw) = usage_rollup_vs_raw(&app).await;
    assert_eq!(stored, raw);
    assert_eq!(stored.keys().filter(|(c, _)| *c == a).count(), 3);
    assert_eq!(stored.keys().filter(|(c, _)| *c == b).count(), 1);

    // A rejected batch leaves the rollup alone.
    let bad = vec![bucket("it-admin", "claude-sonnet", hours[1], 1), bucket("BAD", "m", hours[1], 1)];
    assert!(usage::ingest(&app.services, a1, bad).await.is_err());
    assert_eq!(usage_rollup_vs_raw(&app).await.0, stored);

    // Concurrent re-sends of the same buckets (PostgreSQL runs them in parallel).
    let tasks: Vec<_> = (0..4)
        .map(|k| {
            let services = app.services.clone();
            let batch: Vec<Bucket> = first.iter().map(|b| Bucket { tokens_input: b.tokens_input + k * 11, ..b.clone() }).collect();
            tokio::spawn(async move { usage::ingest(&services, a1, batch).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let (stored, raw) = usage_rollup_vs_raw(&app).await;
    assert_eq!(stored, raw, "concurrent re-sends");

    rebuild_rollups(&app).await;
    assert_eq!(usage_rollup_vs_raw(&app).await.0, stored, "the migration's backfill gives the same rollup");
}

fn window(site: Uuid, slug: &str, vendor: i64, start: &str, requests: i64, errors: i64) -> Value {
    let end = (at(start) + Duration::hours(1)).to_rfc3339();
    json!({
        "site_uuid": site, "site_slug": slug, "vendor_id": vendor, "window_start": start, "window_end": end,
        "metrics": { "orders_count": 2, "new_users_count": 1, "revenue_paise": 1000 + requests, "requests_count": requests, "errors_count": errors },
    })
}

async fn site_rollup_vs_raw(app: &TestApp) -> (BTreeMap<(Uuid, i64), SiteSums>, BTreeMap<(Uuid, i64), SiteSums>) {
    let db = &app.services.db;
    let mut raw: BTreeMap<(Uuid, i64), SiteSums> = BTreeMap::new();
    for s in site_stat::Entity::find().all(db).await.unwrap() {
        let w = SiteSums::of_window(&s.metrics);
        let e = raw.entry((s.site_uuid, s.window_start.timestamp().div_euclid(86_400))).or_default();
        *e = SiteSums {
            windows: e.windows + w.windows,
            orders_count: e.orders_count + w.orders_count,
            new_users_count: e.new_users_count + w.new_users_count,
            revenue_paise: e.revenue_paise + w.revenue_paise,
            requests_count: e.requests_count + w.requests_count,
            errors_count: e.errors_count + w.errors_count,
        };
    }
    let stored = site_daily_rollup::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let sums = SiteSums {
                windows: r.windows,
                orders_count: r.orders_count,
                new_users_count: r.new_users_count,
                revenue_paise: r.revenue_paise,
                requests_count: r.requests_count,
                errors_count: r.errors_count,
            };
            ((r.site_uuid, r.day), sums)
        })
        .collect();
    (stored, raw)
}

async fn project_row(app: &TestApp, slug: &str) -> project::Model {
    project::Entity::find().filter(project::Column::Slug.eq(slug)).one(&app.services.db).await.unwrap().unwrap()
}

#[tokio::test]
async fn site_rollups_follow_replaced_windows() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let _child = FakeChild::registered(&app, &owner, "shop").await;
    let shop = project_row(&app, "shop").await;
    let (s1, s2) = (Uuid::new_v4(), Uuid::new_v4());
    for body in [
        window(s1, "one", 7, "2026-03-01T22:00:00Z", 100, 1),
        window(s1, "one", 7, "2026-03-01T23:00:00Z", 50, 0),
        window(s1, "one", 7, "2026-03-02T00:00:00Z", 10, 0),
        window(s2, "two", 8, "2026-03-01T10:00:00Z", 5, 5),
    ] {
        telemetry::record_site_stats(&app.services, &shop, &body).await.unwrap();
    }
    let (stored, raw) = site_rollup_vs_raw(&app).await;
    assert_eq!(stored, raw);
    // Re-sent windows replace the earlier ones: fewer requests, more errors.
    telemetry::record_site_stats(&app.services, &shop, &window(s1, "one", 7, "2026-03-01T22:00:00Z", 40, 3)).await.unwrap();
    telemetry::record_site_stats(&app.services, &shop, &window(s1, "one", 7, "2026-03-01T22:00:00Z", 40, 3)).await.unwrap();
    let (stored, raw) = site_rollup_vs_raw(&app).await;
    assert_eq!(stored, raw);
    let day = at("2026-03-01T00:00:00Z").timestamp() / 86_400;
    assert_eq!(stored[&(s1, day)].requests_count, 90);
    assert_eq!(stored[&(s1, day)].windows, 2);
    assert_eq!(stored[&(s1, day)].errors_count, 3);

    // Concurrent copies of one new window and of one re-sent window.
    let tasks: Vec<_> = (0..4)
        .flat_map(|k| [window(s2, "two", 8, "2026-03-03T10:00:00Z", 10 + k, 0), window(s1, "one", 7, "2026-03-01T23:00:00Z", 20 + k, 1)])
        .map(|body| {
            let (services, shop) = (app.services.clone(), shop.clone());
            tokio::spawn(async move { telemetry::record_site_stats(&services, &shop, &body).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let (stored, raw) = site_rollup_vs_raw(&app).await;
    assert_eq!(stored, raw, "concurrent windows");

    rebuild_rollups(&app).await;
    assert_eq!(site_rollup_vs_raw(&app).await.0, stored, "the migration's backfill gives the same rollup");
}

const OVERVIEW: &str = "query($f: NaiveDate!, $t: NaiveDate!) { insightsOverview(from: $f, to: $t) { from to customersTotal customersNew \
    customersNewPrevious growth activeOrders subscriptionsActiveAtStart subscriptionsCancelled churn mrr { currency amountMinor } \
    revenue { currency amountMinor } revenuePerDay { day currency amountMinor } usage { tokens tokensInput costCents } \
    sites { requestsCount errorsCount } usagePerDay { day usage { tokens costCents } } sitesPerDay { day sites { errorsCount } } \
    newCustomersPerDay { day count } } }";

async fn customer_created(app: &TestApp, staff: &str, email: &str, created: &str) -> Uuid {
    let (id, _) = create_customer(app, staff, email, None).await;
    let id: Uuid = id.parse().unwrap();
    customer::Entity::update_many()
        .col_expr(customer::Column::CreatedAt, Expr::value(at(created)))
        .filter(customer::Column::Id.eq(id))
        .exec(&app.services.db)
        .await
        .unwrap();
    id
}

async fn subscription_row(
    app: &TestApp,
    customer_id: Uuid,
    plan_id: Uuid,
    status: SubscriptionStatus,
    created: &str,
    updated: &str,
) -> Uuid {
    let id = Uuid::new_v4();
    subscription::ActiveModel {
        id: Set(id),
        customer_id: Set(customer_id),
        plan_id: Set(plan_id),
        status: Set(status),
        stripe_customer_id: Set(None),
        stripe_subscription_id: Set(None),
        current_period_start: Set(None),
        current_period_end: Set(None),
        cancel_at_period_end: Set(false),
        created_at: Set(at(created)),
        updated_at: Set(at(updated)),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
    id
}

async fn payment_row(app: &TestApp, invoice_id: Uuid, status: PaymentStatus, amount: i64, occurred: &str) {
    payment::ActiveModel {
        id: Set(Uuid::new_v4()),
        invoice_id: Set(invoice_id),
        stripe_event_id: Set(format!("evt_{}", Uuid::new_v4().simple())),
        stripe_payment_intent_id: Set(None),
        status: Set(status),
        amount: Set(amount),
        currency: Set("usd".into()),
        attempt_count: Set(1),
        occurred_at: Set(at(occurred)),
        created_at: Set(at(occurred)),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_overview_on_a_known_fixture_with_money_for_admins_only() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let admin = app.invite_and_accept(&owner, "admin@example.com", "ADMIN").await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;

    // The range is March 2026 (30 days from the 1st); the previous one starts on 30 January.
    let c1 = customer_created(&app, &owner, "c1@example.com", "2026-01-15T10:00:00Z").await;
    let c2 = customer_created(&app, &owner, "c2@example.com", "2026-02-10T10:00:00Z").await;
    let c3 = customer_created(&app, &owner, "c3@example.com", "2026-03-05T10:00:00Z").await;
    let _c4 = customer_created(&app, &owner, "c4@example.com", "2026-03-20T10:00:00Z").await;
    let _c5 = customer_created(&app, &owner, "c5@example.com", "2026-04-10T10:00:00Z").await;

    let plan = plan::Entity::find().one(&app.services.db).await.unwrap().unwrap();
    subscription_row(&app, c1, plan.id, SubscriptionStatus::Active, "2026-01-20T00:00:00Z", "2026-01-20T00:00:00Z").await;
    subscription_row(&app, c1, plan.id, SubscriptionStatus::PastDue, "2026-02-01T00:00:00Z", "2026-03-02T00:00:00Z").await;
    subscription_row(&app, c2, plan.id, SubscriptionStatus::Cancelled, "2026-02-12T00:00:00Z", "2026-03-10T00:00:00Z").await;
    subscription_row(&app, c2, plan.id, SubscriptionStatus::Cancelled, "2026-01-02T00:00:00Z", "2026-01-25T00:00:00Z").await;
    let s3 = subscription_row(&app, c3, plan.id, SubscriptionStatus::Active, "2026-03-06T00:00:00Z", "2026-03-06T00:00:00Z").await;

    let invoice_id = Uuid::new_v4();
    invoice::ActiveModel {
        id: Set(invoice_id),
        stripe_invoice_id: Set("in_insights".into()),
        customer_id: Set(Some(c3)),
        subscription_id: Set(Some(s3)),
        stripe_customer_id: Set(None),
        stripe_subscription_id: Set(None),
        status: Set(InvoiceStatus::Paid),
        amount_due: Set(3500),
        amount_paid: Set(3500),
        currency: Set("usd".into()),
        period_start: Set(None),
        period_end: Set(None),
        hosted_invoice_url: Set(None),
        state_at: Set(0),
        created_at: Set(at("2026-03-02T00:00:00Z")),
        updated_at: Set(at("2026-03-02T00:00:00Z")),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
    payment_row(&app, invoice_id, PaymentStatus::Succeeded, 1000, "2026-03-02T09:00:00Z").await;
    payment_row(&app, invoice_id, PaymentStatus::Succeeded, 2500, "2026-03-15T09:00:00Z").await;
    payment_row(&app, invoice_id, PaymentStatus::Failed, 900, "2026-03-16T09:00:00Z").await;
    payment_row(&app, invoice_id, PaymentStatus::Succeeded, 4000, "2026-04-02T09:00:00Z").await;

    let o1 = order_with_status(&app, c1, OrderStatus::Fulfilled).await;
    order_with_status(&app, c2, OrderStatus::Cancelled).await;
    order_with_status(&app, c3, OrderStatus::Provisioning).await;
    order_with_status(&app, c3, OrderStatus::Failed).await;
    usage::ingest(
        &app.services,
        o1,
        vec![
            bucket("it-admin", "m", "2026-03-03T10:00:00Z", 10),
            bucket("it-admin", "m", "2026-03-03T11:00:00Z", 20),
            bucket("it-admin", "m", "2026-02-28T11:00:00Z", 1000),
        ],
    )
    .await
    .unwrap();
    let _child = FakeChild::registered(&app, &owner, "shop").await;
    let shop = project_row(&app, "shop").await;
    telemetry::record_site_stats(&app.services, &shop, &window(Uuid::new_v4(), "one", 7, "2026-03-04T10:00:00Z", 80, 4)).await.unwrap();

    let vars = json!({ "f": "2026-03-01", "t": "2026-03-31" });
    let res = app.gql(OVERVIEW, vars.clone(), Some(&admin)).await;
    let o = res.data("insightsOverview");
    assert_eq!(o["from"], "2026-03-01");
    assert_eq!(o["customersTotal"], 4);
    assert_eq!(o["customersNew"], 2);
    assert_eq!(o["customersNewPrevious"], 1);
    assert_eq!(o["growth"], 1.0);
    assert_eq!(o["activeOrders"], 2);
    assert_eq!(o["subscriptionsActiveAtStart"], 3);
    assert_eq!(o["subscriptionsCancelled"], 1);
    assert!((o["churn"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(o["mrr"], json!([{ "currency": plan.currency, "amountMinor": plan.price_minor * 3 }]));
    assert_eq!(o["revenue"], json!([{ "currency": "usd", "amountMinor": 3500 }]));
    assert_eq!(
        o["revenuePerDay"],
        json!([{ "day": "2026-03-02", "currency": "usd", "amountMinor": 1000 }, { "day": "2026-03-15", "currency": "usd", "amountMinor": 2500 }])
    );
    // 10 + 20 input; each bucket has input b, output 2b, cache read 3b, cache write b+1.
    assert_eq!(o["usage"], json!({ "tokens": 7 * 30 + 2, "tokensInput": 30, "costCents": 210 }));
    assert_eq!(o["sites"], json!({ "requestsCount": 80, "errorsCount": 4 }));
    let days = o["usagePerDay"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days[2], json!({ "day": "2026-03-03", "usage": { "tokens": 212, "costCents": 210 } }));
    assert_eq!(days[0]["usage"]["tokens"], 0);
    assert_eq!(o["sitesPerDay"][3], json!({ "day": "2026-03-04", "sites": { "errorsCount": 4 } }));
    let new_days = o["newCustomersPerDay"].as_array().unwrap();
    assert_eq!(new_days.iter().map(|d| d["count"].as_i64().unwrap()).sum::<i64>(), 2);
    assert_eq!(new_days[4], json!({ "day": "2026-03-05", "count": 1 }));

    // OWNER sees the money too; MANAGER and SUPPORT get the rest without it.
    assert_eq!(app.gql(OVERVIEW, vars.clone(), Some(&owner)).await.data("insightsOverview.revenue")[0]["amountMinor"], 3500);
    for token in [&manager, &support] {
        let res = app.gql(OVERVIEW, vars.clone(), Some(token)).await;
        let o = res.data("insightsOverview");
        assert_eq!(o["customersTotal"], 4);
        assert!(o["mrr"].is_null() && o["revenue"].is_null() && o["revenuePerDay"].is_null(), "{o}");
    }
    let (_, customer) = signed_in_customer(&app, &owner, "nosy@example.com").await;
    assert_eq!(app.gql(OVERVIEW, vars.clone(), Some(&customer)).await.code(), "FORBIDDEN");
    assert_eq!(app.gql(OVERVIEW, vars, None).await.code(), "UNAUTHORIZED");

    // Ranges: from before to, at most 400 days.
    for (f, t) in [("2026-03-01", "2026-03-01"), ("2026-03-02", "2026-03-01"), ("2025-01-01", "2026-03-01")] {
        let res = app.gql(OVERVIEW, json!({ "f": f, "t": t }), Some(&admin)).await;
        assert_eq!(res.code(), "VALIDATION_ERROR");
        assert_eq!(res.body["errors"][0]["extensions"]["fields"][0]["field"], "to", "{}", res.body);
    }
}

const SITES: &str = "from to sitesByStatus { status count } licensesByStatus { status count } \
    totals { windows requestsCount errorsCount revenuePaise } perDay { day sites { requestsCount } } \
    perSite { siteSlug vendorId totals { requestsCount errorsCount } }";

#[tokio::test]
async fn project_and_vendor_insights() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let _child = FakeChild::registered(&app, &owner, "shop").await;
    let (customer, customer_token) = signed_in_customer(&app, &owner, "shopper@example.com").await;
    let lic = license(&app, &owner, &customer, "shop", 5).await;
    let mut sites = Vec::new();
    for slug in ["alpha", "beta"] {
        let res = add_site(&app, &owner, &lic, slug).await;
        assert_eq!(res.data("addSite.status"), "ACTIVE");
        assert_eq!(res.data("addSite.vendorId"), 101);
        sites.push(res.data("addSite.uuid").as_str().unwrap().parse::<Uuid>().unwrap());
    }
    let shop = project_row(&app, "shop").await;
    for body in [
        window(sites[0], "alpha", 101, "2026-03-01T10:00:00Z", 100, 2),
        window(sites[0], "alpha", 101, "2026-03-02T10:00:00Z", 30, 0),
        window(sites[1], "beta", 101, "2026-03-02T11:00:00Z", 50, 1),
        window(sites[1], "beta", 101, "2026-02-20T11:00:00Z", 999, 9),
        window(Uuid::new_v4(), "stranger", 202, "2026-03-02T11:00:00Z", 7, 7),
    ] {
        telemetry::record_site_stats(&app.services, &shop, &body).await.unwrap();
    }

    let query = format!(
        "query($f: NaiveDate!, $t: NaiveDate!) {{ projectInsights(slug: \"shop\", from: $f, to: $t) {{ project {{ slug }} insights {{ {SITES} }} }} }}"
    );
    let vars = json!({ "f": "2026-03-01", "t": "2026-03-08" });
    let res = app.gql(&query, vars.clone(), Some(&support)).await;
    assert_eq!(res.data("projectInsights.project.slug"), "shop");
    let i = res.data("projectInsights.insights");
    assert_eq!(i["sitesByStatus"], json!([{ "status": "ACTIVE", "count": 2 }]));
    assert_eq!(i["licensesByStatus"], json!([{ "status": "ACTIVE", "count": 1 }]));
    assert_eq!(i["totals"], json!({ "windows": 4, "requestsCount": 187, "errorsCount": 10, "revenuePaise": 4187 }));
    assert_eq!(i["perDay"].as_array().unwrap().len(), 7);
    assert_eq!(i["perDay"][1], json!({ "day": "2026-03-02", "sites": { "requestsCount": 87 } }));
    assert_eq!(
        i["perSite"],
        json!([
            { "siteSlug": "alpha", "vendorId": 101, "totals": { "requestsCount": 130, "errorsCount": 2 } },
            { "siteSlug": "beta", "vendorId": 101, "totals": { "requestsCount": 50, "errorsCount": 1 } },
            { "siteSlug": "stranger", "vendorId": 202, "totals": { "requestsCount": 7, "errorsCount": 7 } },
        ])
    );
    let unknown = query.replace("\"shop\"", "\"nope\"");
    assert!(app.gql(&unknown, vars.clone(), Some(&support)).await.data("projectInsights").is_null());
    assert_eq!(app.gql(&query, vars.clone(), Some(&customer_token)).await.code(), "FORBIDDEN");

    let query = format!(
        "query($v: Int!, $p: String, $f: NaiveDate!, $t: NaiveDate!) {{ vendorInsights(vendorId: $v, project: $p, from: $f, to: $t) {{ vendorId insights {{ {SITES} }} }} }}"
    );
    let res = app.gql(&query, json!({ "v": 101, "p": "shop", "f": "2026-03-01", "t": "2026-03-08" }), Some(&support)).await;
    let i = res.data("vendorInsights.insights");
    assert_eq!(res.data("vendorInsights.vendorId"), 101);
    assert_eq!(i["sitesByStatus"], json!([{ "status": "ACTIVE", "count": 2 }]));
    assert_eq!(i["licensesByStatus"], json!([{ "status": "ACTIVE", "count": 1 }]));
    assert_eq!(i["totals"]["requestsCount"], 180);
    assert_eq!(i["perSite"].as_array().unwrap().len(), 2);
    let res = app.gql(&query, json!({ "v": 202, "f": "2026-03-01", "t": "2026-03-08" }), Some(&support)).await;
    assert_eq!(res.data("vendorInsights.insights.totals.errorsCount"), 7);
    assert_eq!(res.data("vendorInsights.insights.sitesByStatus"), &json!([]));
    let res = app.gql(&query, json!({ "v": 101, "p": "nope", "f": "2026-03-01", "t": "2026-03-08" }), Some(&support)).await;
    assert_eq!(res.code(), "NOT_FOUND");
    assert_eq!(app.gql(&query, json!({ "v": 101, "f": "2026-03-01", "t": "2026-03-08" }), Some(&customer_token)).await.code(), "FORBIDDEN");
}
