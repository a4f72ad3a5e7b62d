//! Registration tokens and hub keys. Both are handed out once and stored only as
//! SHA-256 digests; neither is ever logged or audited.

use chrono::{Duration, Utc};
use entity::{
    tenant_credential::{self, Column},
    OrderStatus,
};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{capability::ManageOrders, tokens, Cap, RequestMeta},
    domain::{audit, orders::find_reachable, webhooks::endpoints},
    error::AppError,
    Services,
};

/// How long a registration token stays valid.
pub const REGISTRATION_TTL_DAYS: i64 = 7;
/// The prefix of registration tokens.
pub const REGISTRATION_PREFIX: &str = "hubreg_";
/// The prefix of hub keys.
pub const HUB_KEY_PREFIX: &str = "hk_";

/// A freshly registered tenant: its hub key and webhook signing secret (both
/// shown once) and its order.
#[derive(Debug, Clone)]
pub struct Registration {
    pub hub_api_key: String,
    pub order_id: Uuid,
    /// `whsec_…`: signs the webhooks Hub sends to this server.
    pub webhook_secret: String,
}

/// Mints a registration token for the order (MANAGER and above, not for a
/// CANCELLED order), replacing any unused earlier one; the token is returned
/// once and stored as a digest.
pub async fn issue_registration_token(
    services: &Services,
    cap: &Cap<ManageOrders>,
    order_id: Uuid,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let token = tokens::generate(REGISTRATION_PREFIX);
    let now = Utc::now();
    let expires_at = now + Duration::days(REGISTRATION_TTL_DAYS);
    // Read before the transaction: on SQLite a transaction that reads and then
    // writes fails (SQLITE_BUSY_SNAPSHOT) when another connection wrote in between.
    let order = find_reachable(&services.db, cap, order_id).await?;
    if order.status == OrderStatus::Cancelled {
        return Err(AppError::Conflict("the order is CANCELLED; its server cannot register".into()));
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let row = tenant_credential::ActiveModel {
        order_id: Set(order_id),
        registration_token_hash: Set(Some(tokens::digest(&token))),
        registration_expires_at: Set(Some(expires_at)),
        hub_key_hash: Set(None),
        hub_key_issued_at: Set(None),
        updated_at: Set(now),
    };
    tenant_credential::Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::OrderId)
                .update_columns([Column::RegistrationTokenHash, Column::RegistrationExpiresAt, Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let entry = audit::Entry::new(Some(cap.user_id()), "tenant.registration_token_issued", meta)
        .target("order", order_id)
        .details(json!({ "expiresAt": expires_at }));
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    Ok(token)
}

/// Exchanges a registration token for a new hub key and webhook signing
/// secret, once: one conditional `UPDATE … RETURNING` clears the token and
/// replaces (revokes) any earlier key, and the same transaction rotates the
/// signing secret and records the Safety Wrapper's URL when one is given. An
/// unknown, used or expired token is `UNAUTHORIZED`; a bad URL is refused
/// before the token is spent.
pub async fn register(services: &Services, registration_token: &str, safety_wrapper_url: Option<&str>) -> Result<Registration, AppError> {
    let rejected = || AppError::Unauthorized("invalid or used registration token".into());
    let url = safety_wrapper_url.map(|u| endpoints::parse_url("safetyWrapperUrl", u)).transpose()?;
    if !registration_token.starts_with(REGISTRATION_PREFIX) {
        return Err(rejected());
    }
    let hub_api_key = tokens::generate(HUB_KEY_PREFIX);
    let now = Utc::now();
    let mut update = tenant_credential::Entity::update_many()
        .col_expr(Column::RegistrationTokenHash, Expr::value(Option::<String>::None))
        .col_expr(Column::RegistrationExpiresAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .col_expr(Column::HubKeyHash, Expr::value(tokens::digest(&hub_api_key)))
        .col_expr(Column::HubKeyIssuedAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::RegistrationTokenHash.eq(tokens::digest(registration_token)))
        .filter(Column::RegistrationExpiresAt.gt(now))
        .into_query();
    update.returning_all();
    let txn = crate::db::begin_write(&services.db).await?;
    let row = txn.query_one(&update).await?.ok_or_else(rejected)?;
    let updated = tenant_credential::Model::from_query_result(&row, "")?;
    let webhook_secret = endpoints::issue_secret(&txn, &services.master_key, updated.order_id, url).await?;
    txn.commit().await?;
    Ok(Registration { hub_api_key, order_id: updated.order_id, webhook_secret })
}

/// The order a hub key belongs to; an unknown or revoked key is `UNAUTHORIZED`.
pub async fn authenticate(services: &Services, hub_api_key: &str) -> Result<Uuid, AppError> {
    let rejected = || AppError::Unauthorized("invalid hub API key".into());
    if !hub_api_key.starts_with(HUB_KEY_PREFIX) {
        return Err(rejected());
    }
    let found = tenant_credential::Entity::find().filter(Column::HubKeyHash.eq(tokens::digest(hub_api_key))).one(&services.db).await?;
    found.map(|row| row.order_id).ok_or_else(rejected)
}
