//! The public order API (spec 001 §7): external order sources create orders, and
//! progress pages read them, with an integrator API token (`Bearer hubt_…`). The
//! token acts with its owner's permissions, so creating needs MANAGER or above
//! and a customer's token reads only that customer's orders.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts, Path, State},
    http::{header::AUTHORIZATION, request::Parts, StatusCode},
    Json,
};
use entity::{order, provisioning_log, AutomationMode};
use serde_json::{json, Value};
use uuid::Uuid;

use super::body::Body;
use crate::{
    auth::{
        authenticate::{self, API_TOKEN_PREFIX},
        capability::{ManageOrders, ReadOrders},
        Actor, RequestMeta,
    },
    domain::orders,
    error::AppError,
    Services,
};

/// How many of the newest provisioning log lines a progress answer carries.
const PROGRESS_LINES: u64 = 50;

/// The caller, resolved from an API token; sessions belong to the SPA's GraphQL.
pub struct ApiCaller {
    actor: Actor,
    meta: RequestMeta,
}

impl FromRequestParts<Services> for ApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, services: &Services) -> Result<Self, AppError> {
        let authorization = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let token = authorization.and_then(|h| h.strip_prefix("Bearer ")).map(str::trim);
        if !token.is_some_and(|t| t.starts_with(API_TOKEN_PREFIX)) {
            return Err(AppError::Unauthorized(format!("an API token (`Bearer {API_TOKEN_PREFIX}…`) is required")));
        }
        let actor = authenticate::resolve(&services.db, &services.jwt, authorization).await?;
        actor.principal()?;
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, services)
            .await
            .map_err(|_| AppError::internal(anyhow::anyhow!("the server was started without peer addresses")))?;
        let meta = RequestMeta::from_headers(&parts.headers, peer, services.config.behind_proxy);
        Ok(Self { actor, meta })
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewOrderBody {
    customer_id: Uuid,
    plan_id: Option<Uuid>,
    tier: String,
    domain: String,
    #[serde(default)]
    tools: Vec<String>,
    automation_mode: Option<AutomationMode>,
}

/// `POST /api/v1/public/orders`: a paid order from an external source; AUTO
/// orders start provisioning at once.
pub async fn create(
    State(services): State<Services>,
    caller: ApiCaller,
    Body(body): Body<NewOrderBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let cap = caller.actor.grant::<ManageOrders>()?;
    let input = orders::NewOrder {
        customer_id: body.customer_id,
        plan_id: body.plan_id,
        tier: body.tier,
        domain: body.domain,
        tools: body.tools,
        automation_mode: body.automation_mode,
    };
    let created = orders::create(&services, &cap, input, &caller.meta).await?;
    Ok((StatusCode::CREATED, Json(json!({ "success": true, "data": order_json(&created, None) }))))
}

/// `GET /api/v1/public/orders/{id}`: the order's state and its newest
/// provisioning log lines, for a progress page.
pub async fn get(State(services): State<Services>, caller: ApiCaller, Path(id): Path<Uuid>) -> Result<Json<Value>, AppError> {
    let cap = caller.actor.grant::<ReadOrders>()?;
    let (found, lines) = orders::read::with_newest_log_lines(&services, &cap, id, PROGRESS_LINES).await?;
    Ok(Json(json!({ "success": true, "data": order_json(&found, Some(&lines)) })))
}

fn order_json(o: &order::Model, log: Option<&[provisioning_log::Model]>) -> Value {
    let mut data = json!({
        "id": o.id,
        "customerId": o.customer_id,
        "planId": o.plan_id,
        "status": o.status,
        "automationMode": o.automation_mode,
        "tier": o.tier,
        "domain": o.domain,
        "tools": o.tools,
        "dashboardUrl": o.dashboard_url,
        "failureReason": o.failure_reason,
        "createdAt": o.created_at,
        "updatedAt": o.updated_at,
        "fulfilledAt": o.fulfilled_at,
    });
    if let Some(lines) = log {
        let lines: Vec<Value> = lines.iter().map(|l| json!({ "at": l.created_at, "level": l.level, "message": l.message })).collect();
        data["log"] = json!(lines);
    }
    data
}
