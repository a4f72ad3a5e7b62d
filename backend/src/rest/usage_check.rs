//! The usage check for API-product end users (spec 003, CONTRACT §3):
//! `POST /api/data` → `200 {"allowed": true, "usage": {"count", "limit"}}` or
//! `429 {"allowed": false, "error": "Tier limit reached", "usage": {…}}` (with
//! `Retry-After`: seconds until the period ends); `GET /api/usage` reads the
//! count without counting. Errors (bad key, missing header) use CONTRACT §1.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header::AUTHORIZATION, header::RETRY_AFTER, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use chrono::Utc;
use serde_json::json;

use crate::{
    domain::api_products::usage_check::{UsageCheck, Verdict},
    error::AppError,
};

struct Caller<'a> {
    secret: &'a str,
    user: &'a str,
    plan: Option<&'a str>,
}

fn caller(headers: &HeaderMap) -> Result<Caller<'_>, AppError> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let secret = text(AUTHORIZATION.as_str())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| AppError::Unauthorized("a secret key (Authorization: Bearer sk_…) is required".into()))?;
    let user = text("x-user-id").ok_or_else(|| AppError::invalid("X-User-Id", "is required"))?;
    Ok(Caller { secret, user, plan: text("x-user-plan").filter(|p| !p.is_empty()) })
}

/// `POST /api/data`: counts one call.
pub async fn data(State(check): State<Arc<UsageCheck>>, headers: HeaderMap) -> Result<Response, AppError> {
    let caller = caller(&headers)?;
    let verdict = check.check(caller.secret, caller.user, caller.plan).await?;
    Ok(answer(&verdict))
}

/// `GET /api/usage`: the count this period, nothing counted.
pub async fn usage(State(check): State<Arc<UsageCheck>>, headers: HeaderMap) -> Result<Response, AppError> {
    let caller = caller(&headers)?;
    let verdict = check.peek(caller.secret, caller.user, caller.plan).await?;
    let body = json!({
        "allowed": verdict.allowed,
        "usage": { "count": verdict.count, "limit": verdict.limit },
        "plan": verdict.tier,
        "periodStart": verdict.period.start,
        "periodEnd": verdict.period.end,
    });
    Ok(Json(body).into_response())
}

fn answer(verdict: &Verdict) -> Response {
    let usage = json!({ "count": verdict.count, "limit": verdict.limit });
    if verdict.allowed {
        return Json(json!({ "allowed": true, "usage": usage })).into_response();
    }
    let body = json!({ "allowed": false, "error": "Tier limit reached", "usage": usage });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(verdict.period.seconds_left(Utc::now())));
    response
}
