//! The axum application: GraphQL (+ WebSocket), REST routes, health, metrics and
//! the SPA with history-mode fallback, wrapped in request ids, tracing and metrics.

use std::{net::SocketAddr, time::Instant};

use axum::{
    extract::{DefaultBodyLimit, MatchedPath, Request},
    http::{header, HeaderName, HeaderValue},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{any, get, post},
    Router,
};
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use crate::{
    auth::rate_limit::Limiter,
    error::AppError,
    graphql::{self, transport::GraphqlState},
    rest::{
        api_products, body, bridge, cron, health,
        limits::{self, Source, SourceLimit},
        orders, public, stripe, tenant, usage_check,
    },
    Services,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the whole router for `services`.
pub fn router(services: Services) -> Router {
    let limiter = Limiter::per_minute(services.config.rate_limit.per_minute);
    limiter.spawn_pruner(std::time::Duration::from_secs(60));
    let graphql_state = GraphqlState { schema: graphql::build(Some(services.clone())), services: services.clone(), limiter };

    let api = Router::new()
        .route("/graphql", get(graphql::transport::graphiql).post(graphql::transport::execute))
        .route("/graphql/ws", get(graphql::transport::websocket))
        .with_state(graphql_state);
    let ops = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/api/v1/public/founding-members/count", get(public::founding_members_count))
        .merge(public_order_routes(&services))
        .merge(tenant_routes(&services))
        .merge(bridge_routes(&services))
        .merge(stripe_routes(&services))
        .merge(cron_routes(&services))
        .merge(usage_check_routes(&services))
        .merge(api_product_routes(&services))
        .route("/api/{*rest}", any(unknown_api_route))
        .with_state(services.clone());

    let spa_dir = services.config.spa_dir.clone();
    // Trunk's post-build hook (Trunk.toml) leaves `name.gz` beside each asset;
    // browsers that accept gzip get those bytes, with no compression per request.
    let spa = ServeDir::new(&spa_dir).precompressed_gzip().fallback(ServeFile::new(spa_dir.join("index.html")));

    api.merge(ops)
        .fallback_service(spa)
        .layer(middleware::from_fn(track_metrics))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            AppError::internal(anyhow::anyhow!("a request handler panicked")).into_response()
        }))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// A route group's per-source budget (see `rest::limits`).
fn limited(routes: Router<Services>, services: &Services, per_minute: u32, source: Source) -> Router<Services> {
    let limit = SourceLimit::new(per_minute, source, services.config.behind_proxy);
    routes.layer(middleware::from_fn_with_state(limit, limits::enforce))
}

/// The public order API (spec 001 §7), at the general per-credential budget.
fn public_order_routes(services: &Services) -> Router<Services> {
    let routes = Router::new()
        .route("/api/v1/public/orders", post(orders::create))
        .route("/api/v1/public/orders/{id}", get(orders::get))
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES));
    limited(routes, services, services.config.rate_limit.per_minute, Source::Bearer)
}

/// What a developer's app calls for payments (spec 003), per secret key.
fn api_product_routes(services: &Services) -> Router<Services> {
    let routes = Router::new()
        .route("/api/create-checkout", post(api_products::create_checkout))
        .route("/api/cart/checkout", post(api_products::cart_checkout))
        .route("/api/products", get(api_products::products))
        .route("/api/customer-portal", post(api_products::customer_portal))
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES));
    limited(routes, services, services.config.rate_limit.per_minute, Source::Bearer)
}

/// The inbound signed bridge (spec 000), with a 1 MiB body limit.
fn bridge_routes(services: &Services) -> Router<Services> {
    let routes = Router::new()
        .route("/api/internal/saas/project/heartbeat", post(bridge::heartbeat))
        .route("/api/internal/saas/site-stats", post(bridge::site_stats))
        .route("/api/internal/saas/alerts", post(bridge::alert))
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES));
    limited(routes, services, services.config.rate_limit.webhooks_per_minute, Source::BridgeProject)
}

/// Stripe's webhook (specs 001 §8.1, 002 §1), limited per address: Stripe signs
/// every delivery differently, so the address is the only stable source.
fn stripe_routes(services: &Services) -> Router<Services> {
    let routes = Router::new().route("/api/v1/webhooks/stripe", post(stripe::webhook)).layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES));
    limited(routes, services, services.config.rate_limit.webhooks_per_minute, Source::Address)
}

/// The cron route (spec 001 §9), only with a `cron.secret`; limited per
/// credential and address like the other machine shims.
fn cron_routes(services: &Services) -> Router<Services> {
    if services.config.cron.secret.as_ref().is_none_or(|s| s.expose().is_empty()) {
        return Router::new();
    }
    let routes = Router::new().route("/api/v1/cron/{job}", post(cron::run));
    limited(routes, services, services.config.rate_limit.webhooks_per_minute, Source::Bearer)
}

/// The API products' usage check (spec 003): no per-source budget (the tier is
/// the budget, and unknown keys are answered from the key cache); no body is read.
fn usage_check_routes(services: &Services) -> Router<Services> {
    let check = crate::domain::api_products::usage_check::UsageCheck::start(services);
    Router::new()
        .route("/api/data", post(usage_check::data))
        .route("/api/usage", get(usage_check::usage))
        .layer(DefaultBodyLimit::max(64 * 1024))
        .with_state(check)
}

/// The tenant-host shim (spec 001 §6), with a 1 MiB body limit.
fn tenant_routes(services: &Services) -> Router<Services> {
    let routes = Router::new()
        .route("/api/v1/tenant/register", post(tenant::register))
        .route("/api/v1/tenant/heartbeat", post(tenant::heartbeat))
        .route("/api/v1/tenant/config", get(tenant::config))
        .route("/api/v1/tenant/approval-request", post(tenant::approval_request))
        .route("/api/v1/tenant/approval-response/{id}", get(tenant::approval_response))
        .route("/api/v1/tenant/usage", post(tenant::usage))
        .route("/api/v1/tenant/backup-status", post(tenant::backup_status))
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES));
    limited(routes, services, services.config.rate_limit.webhooks_per_minute, Source::Bearer)
}

async fn unknown_api_route() -> Response {
    AppError::NotFound("no such API route".into()).into_response()
}

/// Counts requests and their latency per route and status for `/metrics`.
async fn track_metrics(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "spa".into());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = [("method", method), ("route", route), ("status", response.status().as_u16().to_string())];
    metrics::counter!("hub_http_requests_total", &labels).increment(1);
    metrics::histogram!("hub_http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

/// Serves `services` on `listener` until `shutdown` resolves.
pub async fn serve(
    services: Services,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    crate::telemetry::prometheus();
    let app = router(services).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
