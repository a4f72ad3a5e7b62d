//! Endpoints: where an order's Safety Wrapper takes webhooks, and the secret they
//! are signed with. The tenant reports its base URL (`safetyWrapperUrl`) when it
//! registers and in heartbeats; registration mints the signing secret, shows it
//! once in the answer, and keeps it encrypted with the master key (it must be
//! recoverable to sign). Registering again rotates it, like the hub key.

use base64::{engine::general_purpose::STANDARD, Engine};
use chrono::Utc;
use entity::{
    alert, order,
    webhook_endpoint::{self, Column},
    AlertSeverity,
};
use rand::RngCore;
use sea_orm::{
    sea_query::{Condition, Expr, OnConflict},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{capability::ReadOrders, crypto::MasterKey, Cap, RequestMeta},
    domain::{
        alerts::{self, NewAlert, WEBHOOK_ENDPOINT_DISABLED},
        audit,
        orders::find_reachable,
    },
    error::{AppError, FieldError},
    Services,
};

/// The prefix of signing secrets (the Standard Webhooks convention).
pub const SECRET_PREFIX: &str = "whsec_";
const MAX_URL: usize = 500;

/// A Safety Wrapper base URL: `http` or `https`, with a host, without
/// credentials, query or fragment, at most 500 characters; a trailing `/` is
/// dropped (event paths such as `/webhooks/command` are appended).
pub fn parse_url(field: &str, input: &str) -> Result<String, FieldError> {
    let invalid = || FieldError::new(field, "must be an http or https URL without credentials, query or fragment");
    let input = input.trim();
    if input.len() > MAX_URL {
        return Err(FieldError::new(field, format!("must be at most {MAX_URL} characters")));
    }
    let url = reqwest::Url::parse(input).map_err(|_| invalid())?;
    let plain = url.username().is_empty() && url.password().is_none() && url.query().is_none() && url.fragment().is_none();
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) || !plain {
        return Err(invalid());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A fresh signing secret: `whsec_` and 32 random bytes in standard base64.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// Mints the order's signing secret on the caller's transaction (registration),
/// replacing any earlier one, and records `url` when the tenant sent one (an
/// earlier URL is kept otherwise). Answers the secret, to be shown once.
pub async fn issue_secret<C: ConnectionTrait>(
    conn: &C,
    master_key: &MasterKey,
    order_id: Uuid,
    url: Option<String>,
) -> Result<String, AppError> {
    let secret = new_secret();
    let now = Utc::now();
    let row = webhook_endpoint::ActiveModel {
        order_id: Set(order_id),
        url: Set(url.clone()),
        secret_encrypted: Set(master_key.encrypt(secret.as_bytes())),
        secret_issued_at: Set(now),
        enabled: Set(true),
        consecutive_failures: Set(0),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let mut columns = vec![Column::SecretEncrypted, Column::SecretIssuedAt, Column::UpdatedAt];
    if url.is_some() {
        columns.push(Column::Url);
    }
    webhook_endpoint::Entity::insert(row)
        .on_conflict(OnConflict::column(Column::OrderId).update_columns(columns).to_owned())
        .exec_without_returning(conn)
        .await?;
    Ok(secret)
}

/// Records the URL a tenant reported in a heartbeat, only when it differs (so
/// steady heartbeats write nothing). An order that registered before webhooks
/// existed has no endpoint (no secret) until it registers again.
pub async fn report_url<C: ConnectionTrait>(conn: &C, order_id: Uuid, url: &str) -> Result<bool, AppError> {
    let changed = webhook_endpoint::Entity::update_many()
        .col_expr(Column::Url, Expr::value(url))
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(Column::OrderId.eq(order_id))
        .filter(Condition::any().add(Column::Url.is_null()).add(Column::Url.ne(url)))
        .exec(conn)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// The order's endpoint, if its server registered one (who may read the order).
pub async fn get(services: &Services, cap: &Cap<ReadOrders>, order_id: Uuid) -> Result<Option<webhook_endpoint::Model>, AppError> {
    find_reachable(&services.db, cap, order_id).await?;
    Ok(webhook_endpoint::Entity::find_by_id(order_id).one(&services.db).await?)
}

/// The dedupe key of the alert about an order's disabled endpoint.
pub fn disabled_alert_key(order_id: Uuid) -> String {
    format!("webhook_endpoint_disabled:{order_id}")
}

/// Switches the order's endpoint off, if it is on (and, with `threshold`, only
/// once that many deliveries in a row have failed), on the caller's
/// transaction; then raises one alert and audits it. Nothing is sent to a
/// disabled endpoint; its deliveries stay PENDING (held) until it is re-enabled.
/// Answers the alert raised, if this call switched it off and no such alert
/// was open, for the caller to announce once it has committed.
pub(crate) async fn disable<C: ConnectionTrait>(
    conn: &C,
    order_id: Uuid,
    reason: &str,
    threshold: Option<i32>,
) -> Result<Option<alert::Model>, AppError> {
    let now = Utc::now();
    let mut update = webhook_endpoint::Entity::update_many()
        .col_expr(Column::Enabled, Expr::value(false))
        .col_expr(Column::DisabledAt, Expr::value(now))
        .col_expr(Column::DisabledReason, Expr::value(reason))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::OrderId.eq(order_id))
        .filter(Column::Enabled.eq(true));
    if let Some(threshold) = threshold {
        update = update.filter(Column::ConsecutiveFailures.gte(threshold));
    }
    if update.exec(conn).await?.rows_affected != 1 {
        return Ok(None);
    }
    let order = order::Entity::find_by_id(order_id).one(conn).await?;
    let domain = order.as_ref().map_or_else(|| order_id.to_string(), |o| o.domain.clone());
    let alert = NewAlert {
        alert_type: WEBHOOK_ENDPOINT_DISABLED,
        severity: AlertSeverity::Warning,
        customer_id: order.map(|o| o.customer_id),
        subject: Some(("order", order_id.to_string())),
        message: format!(
            "Webhooks to the server of {domain} are switched off: {reason}. Deliveries are held until staff re-enable the endpoint."
        ),
        dedupe_key: Some(disabled_alert_key(order_id)),
    };
    let raised = alerts::raise(conn, alert).await?;
    let meta = RequestMeta::default();
    let entry = audit::Entry::new(None, "webhook.endpoint_disabled", &meta).target("order", order_id).details(json!({ "reason": reason }));
    audit::record(conn, entry).await?;
    Ok(raised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(parse_url("u", " https://sw.acme.example.com/ ").unwrap(), "https://sw.acme.example.com");
        assert_eq!(parse_url("u", "http://10.0.0.7:8100/hub").unwrap(), "http://10.0.0.7:8100/hub");
        for bad in [
            "ftp://x.example.com",
            "https://",
            "not a url",
            "https://u:p@x.example.com",
            "https://x.example.com/?a=1",
            "https://x.example.com/#f",
        ] {
            assert_eq!(parse_url("safetyWrapperUrl", bad).unwrap_err().field, "safetyWrapperUrl", "{bad}");
        }
        assert!(parse_url("u", &format!("https://x.example.com/{}", "a".repeat(600))).is_err());
    }

    #[test]
    fn secrets_are_whsec_and_32_bytes() {
        let secret = new_secret();
        let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX).unwrap()).unwrap();
        assert_eq!(key.len(), 32);
        assert_ne!(secret, new_secret());
    }
}
