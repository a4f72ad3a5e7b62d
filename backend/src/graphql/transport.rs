//! GraphQL over HTTP (`POST /graphql`, GraphiQL on `GET /graphql`) and over
//! WebSocket (`/graphql/ws`, graphql-transport-ws with auth in `connection_init`).
//! Authenticates, applies the request budget, bounds the body, then executes.

use std::net::SocketAddr;

use async_graphql::{http::GraphiQLSource, Data, ErrorExtensions};
use async_graphql_axum::{GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use axum::{
    extract::{ws::WebSocketUpgrade, ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
    Json,
};
use serde_json::json;

use super::{context::RequestContext, loaders::Loaders, HubSchema};
use crate::{
    auth::{authenticate, rate_limit::Decision, Actor, RequestMeta},
    error::AppError,
    Services,
};

/// What the GraphQL handlers share.
#[derive(Clone)]
pub struct GraphqlState {
    pub services: Services,
    pub schema: HubSchema,
    pub limiter: crate::auth::rate_limit::Limiter,
}

pub async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").subscription_endpoint("/graphql/ws").finish())
}

/// `POST /graphql`.
pub async fn execute(State(state): State<GraphqlState>, ConnectInfo(peer): ConnectInfo<SocketAddr>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let meta = RequestMeta::from_headers(&parts.headers, peer, state.services.config.behind_proxy);
    let authorization = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let actor = match authenticate::resolve(&state.services.db, &state.services.jwt, authorization).await {
        Ok(actor) => actor,
        Err(err) => return graphql_error(err, None),
    };
    let key = match &actor {
        Actor::User(p) => p.rate_key(),
        _ => format!("ip:{}", meta.ip.as_deref().unwrap_or("unknown")),
    };
    let decision = state.limiter.check(&key);
    if !decision.allowed {
        return graphql_error(AppError::RateLimited { retry_after_secs: decision.retry_after_secs }, Some(decision));
    }
    let bytes = match axum::body::to_bytes(body, state.services.config.graphql.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => return graphql_error(AppError::PayloadTooLarge, Some(decision)),
    };
    let gql_request: async_graphql::Request = match serde_json::from_slice(&bytes) {
        Ok(r) => r,
        Err(e) => return graphql_error(AppError::invalid("body", format!("not a GraphQL request in JSON: {e}")), Some(decision)),
    };
    let refresh_cookie = cookie_value(&parts.headers, super::identity::REFRESH_COOKIE);
    let loaders = Loaders::new(&state.services, &actor);
    let context = RequestContext { actor, meta, refresh_cookie, authorization: authorization.map(str::to_owned) };
    let mut response = state.schema.execute(gql_request.data(context).data(loaders)).await;
    // Parse, validation, depth and complexity errors come from the engine without a
    // code; they are all faults of the request.
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "VALIDATION_ERROR");
        }
    }
    let limited = response.errors.iter().find_map(|e| {
        let ext = e.extensions.as_ref()?;
        match (ext.get("code"), ext.get("retryAfter")) {
            (Some(async_graphql::Value::String(code)), Some(async_graphql::Value::Number(n))) if code == "RATE_LIMITED" => n.as_u64(),
            _ => None,
        }
    });
    let mut http = GraphQLResponse::from(response).into_response();
    match limited {
        // Refused by the sign-in limiter: report that budget, not the general one.
        Some(retry_after) => {
            *http.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            http.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            let limit = state.services.config.rate_limit.auth_per_minute;
            Decision { allowed: false, limit, remaining: 0, retry_after_secs: retry_after }.write_headers(http.headers_mut());
        }
        None => decision.write_headers(http.headers_mut()),
    }
    http
}

/// `GET /graphql/ws`: subscriptions. Anonymous or rejected `connection_init` is refused.
pub async fn websocket(
    State(state): State<GraphqlState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let meta = RequestMeta::from_headers(&headers, peer, state.services.config.behind_proxy);
    let decision = state.limiter.check(&format!("ip:{}", meta.ip.as_deref().unwrap_or("unknown")));
    if !decision.allowed {
        return AppError::RateLimited { retry_after_secs: decision.retry_after_secs }.into_response();
    }
    upgrade.protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |stream| {
        let services = state.services.clone();
        GraphQLWebSocket::new(stream, state.schema.clone(), protocol)
            .on_connection_init(move |payload| async move {
                let authorization =
                    payload.get("authorization").or_else(|| payload.get("Authorization")).and_then(|v| v.as_str()).map(str::to_owned);
                let actor = authenticate::resolve(&services.db, &services.jwt, authorization.as_deref()).await.map_err(|e| e.extend())?;
                if let Err(err) = actor.principal() {
                    return Err(err.extend());
                }
                let mut data = Data::default();
                data.insert(Loaders::new(&services, &actor));
                data.insert(RequestContext { actor, meta, refresh_cookie: None, authorization });
                Ok(data)
            })
            .serve()
    })
}

fn graphql_error(err: AppError, decision: Option<Decision>) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut extensions = json!({ "code": err.code() });
    if !err.fields().is_empty() {
        extensions["fields"] = json!(err.fields());
    }
    if let AppError::RateLimited { retry_after_secs } = &err {
        extensions["retryAfter"] = json!(retry_after_secs);
    }
    let body = json!({ "data": null, "errors": [{ "message": err.public_message(), "extensions": extensions }] });
    let mut response = (status, Json(body)).into_response();
    if let AppError::RateLimited { retry_after_secs } = err {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    }
    if let Some(decision) = decision {
        decision.write_headers(response.headers_mut());
    }
    response
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}
