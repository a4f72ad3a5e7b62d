use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = spawn_app().await;
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"), "every response carries a request id");
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), 200);
    app.gql("{ setupRequired }", json!({}), None).await;
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("hub_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/graphql\""), "{metrics}");
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.services.db.clone().close().await.unwrap();
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app_with(|c| c.graphql.max_body_bytes = 1024).await;
    let big = "x".repeat(4096);
    let res = app.gql("query($x: String) { setupRequired }", json!({ "x": big }), None).await;
    assert_eq!(res.status, 413);
    assert_eq!(res.code(), "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn depth_and_complexity_are_bounded() {
    let app = spawn_app_with(|c| {
        c.graphql.max_depth = 3;
        c.graphql.max_complexity = 5;
    })
    .await;
    let owner = app.setup_owner().await;
    let deep = app.gql("{ staffMembers { edges { node { id } } } }", json!({}), Some(&owner)).await;
    assert!(deep.message().to_lowercase().contains("nested too deep"), "{}", deep.body);
    assert_eq!(deep.code(), "VALIDATION_ERROR", "engine errors carry a code too");
    let wide = app.gql("{ me { id email name kind role active twoFactorEnabled createdAt } }", json!({}), Some(&owner)).await;
    assert!(wide.message().to_lowercase().contains("complex"), "{}", wide.body);
}

#[tokio::test]
async fn malformed_requests_get_a_validation_error() {
    let app = spawn_app().await;
    let res = app.client.post(app.url("/graphql")).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION_ERROR");
}

#[tokio::test]
async fn spa_history_fallback_graphiql_and_unknown_api_routes() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/security/two-factor")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Hub SPA"));
    let graphiql = app.client.get(app.url("/graphql")).send().await.unwrap().text().await.unwrap();
    assert!(graphiql.to_lowercase().contains("graphiql"));
    let unknown = app.client.get(app.url("/api/nope")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn spa_assets_are_sent_precompressed_to_browsers_that_accept_gzip() {
    let app = spawn_app().await;
    let dist = &app.services.config.spa_dir;
    std::fs::write(dist.join("app_bg.wasm"), vec![0u8; 4096]).unwrap();
    // Trunk's post-build hook writes this copy; its bytes are what must go out.
    std::fs::write(dist.join("app_bg.wasm.gz"), b"pretend-gzip").unwrap();

    let gzip = app.client.get(app.url("/app_bg.wasm")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(gzip.status(), 200);
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.headers()["content-type"], "application/wasm");
    assert_eq!(gzip.headers()["content-length"], "12");

    let plain = app.client.get(app.url("/app_bg.wasm")).header("accept-encoding", "identity").send().await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().len(), 4096);
}

#[tokio::test]
async fn cursors_that_were_never_handed_out_are_refused() {
    let app = spawn_app().await;
    let owner = app.setup_owner().await;
    for after in ["18446744073709551615", "9223372036854775807", "-1", "abc"] {
        let res = app.gql("query($a: String) { staffMembers(after: $a) { totalCount } }", json!({ "a": after }), Some(&owner)).await;
        assert_eq!(res.code(), "VALIDATION_ERROR", "{after}");
        assert_eq!(res.body["errors"][0]["extensions"]["fields"][0]["field"], "after");
    }
    let page = app
        .gql(
            "{ staffMembers(first: 1, after: \"0\") { totalCount edges { cursor } pageInfo { hasPreviousPage hasNextPage } } }",
            json!({}),
            Some(&owner),
        )
        .await;
    assert_eq!(page.data("staffMembers.totalCount"), 1);
    assert_eq!(page.data("staffMembers.edges").as_array().unwrap().len(), 0);
    assert_eq!(page.data("staffMembers.pageInfo.hasPreviousPage"), true);
}

#[test]
fn schema_graphql_is_current() {
    let printed = hub::graphql::sdl();
    let committed = include_str!("../../../schema.graphql");
    assert!(printed == committed, "schema.graphql is stale: run `hub export-schema > schema.graphql`");
}
