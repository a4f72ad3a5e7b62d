//! The routes a developer's app calls for payments (spec 003 "api-multi"),
//! authenticated by the project's secret key (`Authorization: Bearer sk_…`,
//! looked up by hash). Answers are the bodies spec 003 shows (`{"url"}`);
//! errors follow CONTRACT.md §1. The usage check (`/api/data`, `/api/usage`)
//! lives in `rest/usage_check.rs`.

use axum::{extract::State, http::HeaderMap, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use super::body::Body;
use crate::{
    domain::api_products::{
        checkout::{self, CartItem},
        keys,
    },
    error::AppError,
    Services,
};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn holder(services: &Services, headers: &HeaderMap) -> Result<keys::KeyHolder, AppError> {
    keys::authenticate(services, header(headers, "authorization")).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionCheckout {
    pub tier: String,
    pub success_url: String,
    pub cancel_url: String,
}

/// `POST /api/create-checkout` (`X-User-Id`): `{tier, successUrl, cancelUrl}` → `{url}`.
pub async fn create_checkout(
    State(services): State<Services>,
    headers: HeaderMap,
    Body(body): Body<SubscriptionCheckout>,
) -> Result<Json<Value>, AppError> {
    let holder = holder(&services, &headers).await?;
    let user = checkout::parse_external_id(header(&headers, "x-user-id"))?;
    let url = checkout::start_subscription(&services, &holder, &user, &body.tier, &body.success_url, &body.cancel_url).await?;
    Ok(Json(json!({ "url": url })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartCheckout {
    pub email: String,
    pub items: Vec<CartItem>,
    pub success_url: String,
    pub cancel_url: String,
}

/// `POST /api/cart/checkout`: `{email, items: [{priceId, quantity}], successUrl, cancelUrl}` → `{url}`.
pub async fn cart_checkout(
    State(services): State<Services>,
    headers: HeaderMap,
    Body(body): Body<CartCheckout>,
) -> Result<Json<Value>, AppError> {
    let holder = holder(&services, &headers).await?;
    let url = checkout::start_cart(&services, &holder, &body.email, &body.items, &body.success_url, &body.cancel_url).await?;
    Ok(Json(json!({ "url": url })))
}

/// `GET /api/products` → `{products: [{id, name, description, imageUrl, price, currency, priceId, inventory, soldOut}]}`.
pub async fn products(State(services): State<Services>, headers: HeaderMap) -> Result<Json<Value>, AppError> {
    let holder = holder(&services, &headers).await?;
    let products = checkout::public_products(&services, &holder).await?;
    Ok(Json(json!({ "products": products.iter().map(checkout::product_json).collect::<Vec<_>>() })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalRequest {
    pub return_url: String,
}

/// `POST /api/customer-portal` (`X-User-Id`): `{returnUrl}` → `{url}`.
pub async fn customer_portal(
    State(services): State<Services>,
    headers: HeaderMap,
    Body(body): Body<PortalRequest>,
) -> Result<Json<Value>, AppError> {
    let holder = holder(&services, &headers).await?;
    let user = checkout::parse_external_id(header(&headers, "x-user-id"))?;
    let url = checkout::portal(&services, &holder, &user, &body.return_url).await?;
    Ok(Json(json!({ "url": url })))
}
