use std::collections::BTreeSet;

use entity::{api_usage_counter, ApiMode, ApiProjectKind};
use futures_util::future::join_all;
use reqwest::StatusCode;
use sea_orm::EntityTrait;

use super::{answer, call_at, product};
use crate::helpers::spawn_app;

/// CONTRACT §3: never more calls than the limit, whatever the concurrency. A
/// thousand checks at once, half through a second replica on the same
/// database (SQLite file or PostgreSQL), against a limit of 100.
#[tokio::test]
async fn a_thousand_concurrent_checks_against_a_limit_of_100_admit_exactly_100() {
    let app = spawn_app().await;
    let replica = app.replica().await;
    let p = product(&app.services.db, ApiProjectKind::Saas, ApiMode::Test, &[("pro", Some(100))]).await;
    let bases = [app.url(""), replica.url("")];
    let client = reqwest::Client::builder().pool_max_idle_per_host(1000).build().unwrap();

    let calls = (0..1000).map(|i| {
        let (client, base, secret) = (client.clone(), bases[i % 2].clone(), p.secret.clone());
        tokio::spawn(async move { answer(call_at(&client, &base, &secret, "hot-user", Some("pro"), true).await).await })
    });
    let answers: Vec<_> = join_all(calls).await.into_iter().map(Result::unwrap).collect();

    let allowed: Vec<i64> =
        answers.iter().filter(|(s, _)| *s == StatusCode::OK).map(|(_, b)| b["usage"]["count"].as_i64().unwrap()).collect();
    let refused = answers.iter().filter(|(s, b)| *s == StatusCode::TOO_MANY_REQUESTS && b["allowed"] == false).count();
    assert_eq!((allowed.len(), refused), (100, 900), "every answer is one or the other");
    // Each admitted call got its own place in the count: 1..=100 exactly once.
    assert_eq!(allowed.iter().copied().collect::<BTreeSet<_>>(), (1..=100).collect::<BTreeSet<_>>());
    let stored: Vec<_> = api_usage_counter::Entity::find().all(&app.services.db).await.unwrap();
    assert_eq!(stored.iter().map(|c| c.count).collect::<Vec<_>>(), vec![100]);
}

/// Many users at once: each gets exactly their limit, counts never mix.
#[tokio::test]
async fn concurrent_users_each_get_exactly_their_limit() {
    let app = spawn_app().await;
    let p = product(&app.services.db, ApiProjectKind::Saas, ApiMode::Test, &[("free", Some(7))]).await;
    let base = app.url("");
    let calls = (0..400).map(|i| {
        let (client, base, secret) = (app.client.clone(), base.clone(), p.secret.clone());
        tokio::spawn(async move {
            let user = format!("user-{}", i % 40);
            (user.clone(), answer(call_at(&client, &base, &secret, &user, Some("free"), true).await).await.0)
        })
    });
    let answers: Vec<_> = join_all(calls).await.into_iter().map(Result::unwrap).collect();
    for n in 0..40 {
        let user = format!("user-{n}");
        let ok = answers.iter().filter(|(u, s)| *u == user && *s == StatusCode::OK).count();
        assert_eq!(ok, 7, "{user}");
    }
    let stored: Vec<_> = api_usage_counter::Entity::find().all(&app.services.db).await.unwrap();
    assert_eq!((stored.len(), stored.iter().all(|c| c.count == 7)), (40, true));
}
