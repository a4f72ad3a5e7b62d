//! Alerts: the `alerts` query and `acknowledgeAlert` (visibility, filters, pages,
//! idempotence, audit) and the `alerts` subscription (per-viewer filtering,
//! severity, resuming with `after`, ending with the credential, and crossing
//! replicas on PostgreSQL).

use std::time::{Duration, Instant};

use entity::{alert, audit_event, AccountKind, AlertSeverity};
use hub::domain::alerts::{self, NewAlert};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::agents::customer;
use crate::helpers::*;
use crate::subscriptions::{assert_quiet, next_json, subscribe, Ws};

const FIELDS: &str = "id type severity customerId subjectType subjectId message createdAt acknowledgedAt acknowledgedBy";
const LIST: &str = "query($first: Int, $after: String, $ack: Boolean, $sev: AlertSeverity) { alerts(first: $first, after: $after, acknowledged: $ack, severity: $sev) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id type severity customerId subjectType subjectId message createdAt acknowledgedAt acknowledgedBy } } } }";
const ACK: &str = "mutation($id: UUID!) { acknowledgeAlert(id: $id) { id acknowledgedAt acknowledgedBy } }";

/// Raises an alert through the domain (as the rules that notice conditions do)
/// and announces it once stored.
pub async fn raise(app: &TestApp, customer: Option<Uuid>, severity: AlertSeverity, message: &str) -> alert::Model {
    let new = NewAlert {
        alert_type: "TEST_CONDITION",
        severity,
        customer_id: customer,
        subject: Some(("order", "o-1".into())),
        message: message.into(),
        dedupe_key: None,
    };
    let raised = alerts::raise(&app.services.db, new).await.unwrap().expect("no open alert shares its key");
    alerts::announce(&app.services, [&raised]);
    raised
}

fn subscription(severity: Option<&str>, after: Option<Uuid>) -> (String, Value) {
    let query = format!("subscription($sev: AlertSeverity, $after: UUID) {{ alerts(severity: $sev, after: $after) {{ {FIELDS} }} }}");
    (query, json!({ "sev": severity, "after": after }))
}

async fn subscribe_alerts(app: &TestApp, token: &str, severity: Option<&str>, after: Option<Uuid>) -> Ws {
    let (query, vars) = subscription(severity, after);
    subscribe(app, token, "a", &query, vars).await
}

/// The message of the next alert on `ws`.
async fn next_alert(ws: &mut Ws) -> String {
    let event = next_json(ws).await.expect("an alert");
    assert_eq!(event["type"], "next", "{event}");
    event["payload"]["data"]["alerts"]["message"].as_str().unwrap().to_owned()
}

fn messages(res: &Gql) -> Vec<String> {
    let edges = res.data("alerts.edges").as_array().unwrap();
    edges.iter().map(|e| e["node"]["message"].as_str().unwrap().to_owned()).collect()
}

struct People {
    owner: String,
    support: String,
    a: (String, Uuid),
    b: (String, Uuid),
}

async fn people(app: &TestApp) -> People {
    let owner = app.setup_owner().await;
    let support = app.invite_and_accept(&owner, "support@example.com", "SUPPORT").await;
    let a = customer(app, "a@example.com").await;
    let b = customer(app, "b@example.com").await;
    People { owner, support, a, b }
}

#[tokio::test]
async fn alerts_are_listed_newest_first_filtered_paged_and_scoped_to_their_customer() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let mut raised = Vec::new();
    for (customer, severity, message) in [
        (Some(p.a.1), AlertSeverity::Info, "a-info"),
        (Some(p.a.1), AlertSeverity::Critical, "a-critical"),
        (Some(p.b.1), AlertSeverity::Warning, "b-warning"),
        (None, AlertSeverity::Critical, "hub-critical"),
    ] {
        raised.push(raise(&app, customer, severity, message).await);
    }
    raised.sort_by_key(|a| std::cmp::Reverse((a.created_at, a.id)));
    let newest_first: Vec<String> = raised.iter().map(|a| a.message.clone()).collect();

    let all = app.gql(LIST, json!({}), Some(&p.support)).await;
    assert_eq!(all.data("alerts.totalCount"), 4);
    assert_eq!(messages(&all), newest_first);
    let node = &all.data("alerts.edges").as_array().unwrap().iter().find(|e| e["node"]["message"] == "b-warning").unwrap()["node"];
    assert_eq!(node["type"], "TEST_CONDITION");
    assert_eq!(node["severity"], "WARNING");
    assert_eq!(node["customerId"], p.b.1.to_string());
    assert_eq!((node["subjectType"].as_str(), node["subjectId"].as_str()), (Some("order"), Some("o-1")));
    assert!(node["acknowledgedAt"].is_null() && node["acknowledgedBy"].is_null());

    // A customer sees only the alerts raised about them.
    let mine = app.gql(LIST, json!({}), Some(&p.a.0)).await;
    let mut expected: Vec<String> = newest_first.iter().filter(|m| m.starts_with("a-")).cloned().collect();
    assert_eq!(messages(&mine), expected);
    assert_eq!(messages(&app.gql(LIST, json!({}), Some(&p.b.0)).await), vec!["b-warning".to_owned()]);

    // Severity filters by exactly that severity.
    let critical = app.gql(LIST, json!({ "sev": "CRITICAL" }), Some(&p.owner)).await;
    expected = newest_first.iter().filter(|m| m.ends_with("critical")).cloned().collect();
    assert_eq!(messages(&critical), expected);

    // Pages of two, following the cursors.
    let first = app.gql(LIST, json!({ "first": 2 }), Some(&p.owner)).await;
    assert_eq!(messages(&first), newest_first[..2]);
    assert_eq!(first.data("alerts.pageInfo.hasNextPage"), true);
    let cursor = first.data("alerts.pageInfo.endCursor").clone();
    let second = app.gql(LIST, json!({ "first": 2, "after": cursor }), Some(&p.owner)).await;
    assert_eq!(messages(&second), newest_first[2..]);
    assert_eq!(second.data("alerts.pageInfo.hasNextPage"), false);

    // Acknowledged or not.
    let b_alert = raised.iter().find(|a| a.message == "b-warning").unwrap().id;
    app.gql(ACK, json!({ "id": b_alert }), Some(&p.support)).await.data("acknowledgeAlert");
    let open = app.gql(LIST, json!({ "ack": false }), Some(&p.owner)).await;
    assert_eq!(open.data("alerts.totalCount"), 3);
    assert!(!messages(&open).contains(&"b-warning".to_owned()));
    let done = app.gql(LIST, json!({ "ack": true }), Some(&p.owner)).await;
    assert_eq!(messages(&done), vec!["b-warning".to_owned()]);

    assert_eq!(app.gql(LIST, json!({}), None).await.code(), "UNAUTHORIZED");
}

#[tokio::test]
async fn acknowledging_is_idempotent_audited_and_limited_to_those_who_see_the_alert() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let a_alert = raise(&app, Some(p.a.1), AlertSeverity::Warning, "a's").await.id;
    let hub_alert = raise(&app, None, AlertSeverity::Critical, "hub's").await.id;

    // B may not see A's alert, nor the hub's: NOT_FOUND, and nothing changes.
    for id in [a_alert, hub_alert, Uuid::new_v4()] {
        assert_eq!(app.gql(ACK, json!({ "id": id }), Some(&p.b.0)).await.code(), "NOT_FOUND");
    }
    assert_eq!(app.gql(ACK, json!({ "id": hub_alert }), Some(&p.a.0)).await.code(), "NOT_FOUND");
    assert!(alert::Entity::find_by_id(a_alert).one(&app.services.db).await.unwrap().unwrap().acknowledged_at.is_none());

    let first = app.gql(ACK, json!({ "id": a_alert }), Some(&p.a.0)).await;
    assert_eq!(first.data("acknowledgeAlert.acknowledgedBy"), &json!(p.a.1.to_string()));
    let at = first.data("acknowledgeAlert.acknowledgedAt").clone();
    assert!(at.is_string());
    // Again, by someone else: unchanged, the first acknowledger kept.
    let again = app.gql(ACK, json!({ "id": a_alert }), Some(&p.support)).await;
    assert_eq!(again.data("acknowledgeAlert.acknowledgedBy"), &json!(p.a.1.to_string()));
    assert_eq!(again.data("acknowledgeAlert.acknowledgedAt"), &at);

    let support_id = app.gql(ME, json!({}), Some(&p.support)).await.data("me.id").clone();
    let by_support = app.gql(ACK, json!({ "id": hub_alert }), Some(&p.support)).await;
    assert_eq!(by_support.data("acknowledgeAlert.acknowledgedBy"), &support_id);

    // One audit entry per acknowledgement that changed something.
    let audited =
        audit_event::Entity::find().filter(audit_event::Column::Action.eq("alert.acknowledged")).all(&app.services.db).await.unwrap();
    let mut targets: Vec<_> = audited.iter().map(|e| (e.target_id.clone().unwrap(), e.actor_id.unwrap())).collect();
    targets.sort();
    let mut expected = vec![(a_alert.to_string(), p.a.1), (hub_alert.to_string(), support_id.as_str().unwrap().parse().unwrap())];
    expected.sort();
    assert_eq!(targets, expected);
}

#[tokio::test]
async fn live_alerts_reach_only_viewers_who_may_see_them_at_their_severity() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let mut a = subscribe_alerts(&app, &p.a.0, None, None).await;
    let mut b = subscribe_alerts(&app, &p.b.0, None, None).await;
    let mut staff = subscribe_alerts(&app, &p.support, None, None).await;
    let mut serious = subscribe_alerts(&app, &p.owner, Some("WARNING"), None).await;

    raise(&app, Some(p.a.1), AlertSeverity::Info, "a-info").await;
    raise(&app, Some(p.b.1), AlertSeverity::Warning, "b-warning").await;
    raise(&app, None, AlertSeverity::Critical, "hub-critical").await;

    assert_eq!(next_alert(&mut a).await, "a-info");
    assert_eq!(next_alert(&mut b).await, "b-warning");
    for expected in ["a-info", "b-warning", "hub-critical"] {
        assert_eq!(next_alert(&mut staff).await, expected);
    }
    // WARNING and above: the INFO alert is left out.
    for expected in ["b-warning", "hub-critical"] {
        assert_eq!(next_alert(&mut serious).await, expected);
    }
    for ws in [&mut a, &mut b, &mut staff, &mut serious] {
        assert_quiet(ws).await;
    }
}

#[tokio::test]
async fn resuming_after_an_alert_replays_exactly_the_missed_ones_then_goes_live() {
    let app = spawn_app().await;
    let p = people(&app).await;
    let seen = raise(&app, Some(p.a.1), AlertSeverity::Warning, "seen").await;
    raise(&app, Some(p.b.1), AlertSeverity::Critical, "b's, missed").await;
    raise(&app, Some(p.a.1), AlertSeverity::Critical, "missed 1").await;
    raise(&app, Some(p.a.1), AlertSeverity::Info, "missed, too minor").await;
    raise(&app, Some(p.a.1), AlertSeverity::Warning, "missed 2").await;

    let mut ws = subscribe_alerts(&app, &p.a.0, Some("WARNING"), Some(seen.id)).await;
    assert_eq!(next_alert(&mut ws).await, "missed 1");
    assert_eq!(next_alert(&mut ws).await, "missed 2");
    raise(&app, Some(p.a.1), AlertSeverity::Critical, "live").await;
    assert_eq!(next_alert(&mut ws).await, "live");
    assert_quiet(&mut ws).await;

    // An alert raised between subscribing and the replay's read would be both
    // replayed and live; announcing a replayed alert again shows it is sent once.
    let mut ws = subscribe_alerts(&app, &p.a.0, None, Some(seen.id)).await;
    let mut replayed = Vec::new();
    for _ in 0..4 {
        replayed.push(next_alert(&mut ws).await);
    }
    assert_eq!(replayed, ["missed 1", "missed, too minor", "missed 2", "live"]);
    let live = alert::Entity::find().filter(alert::Column::Message.eq("live")).one(&app.services.db).await.unwrap().unwrap();
    alerts::announce(&app.services, [&live]);
    raise(&app, Some(p.a.1), AlertSeverity::Info, "after").await;
    assert_eq!(next_alert(&mut ws).await, "after");
    assert_quiet(&mut ws).await;

    // Resuming after an alert the viewer may not see is NOT_FOUND.
    let b_alert = raise(&app, Some(p.b.1), AlertSeverity::Info, "b's").await;
    let mut ws = subscribe_alerts(&app, &p.a.0, None, Some(b_alert.id)).await;
    assert_eq!(crate::live_orders::refused_with(&mut ws).await, "NOT_FOUND");
}

#[tokio::test]
async fn an_expired_access_token_ends_the_alert_stream() {
    let app = spawn_app_with(|c| {
        c.auth.access_token_ttl_secs = 2;
        c.graphql.subscription_recheck_secs = 1;
    })
    .await;
    let owner = app.setup_owner().await;
    let started = Instant::now();
    let mut ws = subscribe_alerts(&app, &owner, None, None).await;
    raise(&app, None, AlertSeverity::Info, "while valid").await;
    assert_eq!(next_alert(&mut ws).await, "while valid");
    let ended = next_json(&mut ws).await.expect("a message");
    assert_eq!(ended["type"], "complete", "{ended}");
    assert!(started.elapsed() >= Duration::from_secs(1), "ended only once the token expired");
    // The expired token is refused for a new connection too.
    let mut again = crate::subscriptions::connect(&app).await;
    use futures_util::SinkExt;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {owner}") } });
    again.send(tokio_tungstenite::tungstenite::Message::text(init.to_string())).await.unwrap();
    assert!(next_json(&mut again).await.is_none(), "refused");
}

#[tokio::test]
async fn signing_out_ends_the_alert_stream_at_once_not_at_the_next_recheck() {
    // An hour between routine checks: only the sign-out itself can end it.
    let app = spawn_app_with(|c| c.graphql.subscription_recheck_secs = 3600).await;
    let owner = app.setup_owner().await;
    let mut ws = subscribe_alerts(&app, &owner, None, None).await;
    raise(&app, None, AlertSeverity::Info, "before").await;
    assert_eq!(next_alert(&mut ws).await, "before");
    app.gql("mutation { logout }", json!({}), Some(&owner)).await.data("logout");
    let ended = next_json(&mut ws).await.expect("a message");
    assert_eq!(ended["type"], "complete", "{ended}");
}

#[tokio::test]
async fn subscribing_to_alerts_needs_a_viewer_who_may_read_them() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    let manager = app.invite_and_accept(&owner, "manager@example.com", "MANAGER").await;
    app.create_account("c@example.com", "customer-password", AccountKind::Customer, None).await;
    let (customer, _) = app.login("c@example.com", "customer-password").await;
    for token in [&manager, &customer] {
        let mut ws = subscribe_alerts(&app, token, None, None).await;
        raise(&app, None, AlertSeverity::Critical, "hub's").await;
        // Allowed to subscribe; the customer just sees nothing of the hub's.
        if token == &manager {
            assert_eq!(next_alert(&mut ws).await, "hub's");
        } else {
            assert_quiet(&mut ws).await;
        }
    }
}

/// Two replicas on one PostgreSQL database: an alert raised on one reaches a
/// subscriber on the other within a second. PostgreSQL only, by design: on
/// SQLite Hub runs as one process and there is no second replica to reach
/// (the events cross through LISTEN/NOTIFY). Runs under `HUB_TEST_DATABASE_URL`.
#[tokio::test]
async fn an_alert_raised_on_one_replica_reaches_subscribers_on_another() {
    let app = spawn_app().await;
    if app.services.db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        eprintln!("skipped: replicas share events through PostgreSQL only");
        return;
    }
    let p = people(&app).await;
    let second = app.replica().await;
    let mut a = subscribe_alerts(&app, &p.a.0, None, None).await;
    let mut staff = subscribe_alerts(&app, &p.support, None, None).await;
    let mut on_second = subscribe_alerts(&second, &p.support, None, None).await;

    let started = Instant::now();
    raise(&second, Some(p.a.1), AlertSeverity::Critical, "from replica 2").await;
    assert_eq!(next_alert(&mut a).await, "from replica 2");
    assert_eq!(next_alert(&mut staff).await, "from replica 2");
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    // The raising replica's own subscribers get it once (not again via NOTIFY).
    assert_eq!(next_alert(&mut on_second).await, "from replica 2");
    raise(&app, Some(p.b.1), AlertSeverity::Info, "from replica 1").await;
    assert_eq!(next_alert(&mut on_second).await, "from replica 1");
    assert_quiet(&mut on_second).await;
    assert_quiet(&mut a).await;
    assert_eq!(next_alert(&mut staff).await, "from replica 1");
    assert_eq!(alert::Entity::find().count(&app.services.db).await.unwrap(), 2);
}
