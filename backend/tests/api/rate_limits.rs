use serde_json::json;

use crate::helpers::*;

/// The budget is 60 a minute and refills evenly (one request a second), so a
/// slow run may earn back one request per whole second it took; on a quick run
/// the 61st request is the one refused.
#[tokio::test]
async fn the_61st_request_in_a_minute_is_refused() {
    let app = spawn_app().await;
    let token = app.setup_owner().await; // the anonymous budget paid for this one
    let started = std::time::Instant::now();
    for i in 0..60u64 {
        let res = app.gql(ME, json!({}), Some(&token)).await;
        assert_eq!(res.status, 200, "request {i}");
        assert_eq!(res.headers["x-ratelimit-limit"], "60");
        let remaining: u64 = res.headers["x-ratelimit-remaining"].to_str().unwrap().parse().unwrap();
        let refilled = started.elapsed().as_secs();
        assert!((59 - i..=59 - i + refilled).contains(&remaining), "request {i}: {remaining} left after {refilled} s");
    }
    let mut extra_allowed = 0;
    let refused = loop {
        let res = app.gql(ME, json!({}), Some(&token)).await;
        if res.status != 200 {
            break res;
        }
        extra_allowed += 1;
        assert!(extra_allowed <= started.elapsed().as_secs(), "more than the refill allows");
    };
    assert_eq!(refused.status, 429);
    assert_eq!(refused.code(), "RATE_LIMITED");
    let retry: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(refused.headers["x-ratelimit-remaining"], "0");
    // Another session has its own budget.
    let (other, _) = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(app.gql(ME, json!({}), Some(&other)).await.status, 200);
}

#[tokio::test]
async fn anonymous_calls_share_a_budget_per_ip() {
    let app = spawn_app_with(|c| c.rate_limit.per_minute = 5).await;
    for _ in 0..5 {
        assert_eq!(app.gql("{ setupRequired }", json!({}), None).await.status, 200);
    }
    let refused = app.gql("{ setupRequired }", json!({}), None).await;
    assert_eq!(refused.status, 429);
    assert!(refused.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn login_attempts_have_a_stricter_limit() {
    let app = spawn_app_with(|c| c.rate_limit.auth_per_minute = 3).await;
    app.setup_owner().await;
    for _ in 0..3 {
        assert_eq!(app.login_raw(OWNER_EMAIL, "wrong-password").await.code(), "UNAUTHORIZED");
    }
    let refused = app.login_raw(OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.code(), "RATE_LIMITED");
    assert!(refused.body["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap() >= 1);
    assert!(refused.headers.contains_key("retry-after"));
    assert_eq!(refused.headers["x-ratelimit-limit"], "3", "the sign-in budget is reported");
    assert_eq!(refused.headers["x-ratelimit-remaining"], "0");
}
