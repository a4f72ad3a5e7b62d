//! API-product rows written straight to the database: a customer, a project,
//! its tiers and keys. Shared by the usage-check tests and the usage-check
//! benchmark (`benches/usage_check.rs` includes this file).

use chrono::{DateTime, Utc};
use entity::{api_key, api_project, api_tier, ApiMode, ApiProjectKind};
use hub::domain::api_products::secrets;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::json;
use uuid::Uuid;

/// A customer's API project with one key and tiers, written straight to the database.
#[allow(dead_code, reason = "the benchmark reads only the secret")]
pub struct Product {
    pub project_id: Uuid,
    pub key_id: Uuid,
    pub secret: String,
}

/// A project of `kind` for a new customer, with a key of `mode` and the given
/// tiers (`name`, limit).
pub async fn product(db: &DatabaseConnection, kind: ApiProjectKind, mode: ApiMode, tiers: &[(&str, Option<i64>)]) -> Product {
    let now = Utc::now();
    let customer_id = customer(db).await;
    let project_id = Uuid::new_v4();
    api_project::ActiveModel {
        id: Set(project_id),
        customer_id: Set(customer_id),
        name: Set("Weather API".into()),
        kind: Set(kind),
        live_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    for (order, (name, limit)) in tiers.iter().enumerate() {
        tier(db, project_id, mode, name, *limit, order as i32).await;
    }
    let (key_id, secret) = key(db, project_id, mode, None).await;
    Product { project_id, key_id, secret }
}

pub async fn tier(db: &DatabaseConnection, project_id: Uuid, mode: ApiMode, name: &str, limit: Option<i64>, order: i32) {
    let now = Utc::now();
    api_tier::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        mode: Set(mode),
        name: Set(name.into()),
        display_name: Set(name.to_uppercase()),
        price_minor: Set(900),
        currency: Set("usd".into()),
        usage_limit: Set(limit),
        stripe_price_id: Set(None),
        features: Set(json!([])),
        popular: Set(false),
        sort_order: Set(order),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
}

/// A new secret key of `mode` (optionally expiring); its id and secret.
pub async fn key(db: &DatabaseConnection, project_id: Uuid, mode: ApiMode, expires_at: Option<DateTime<Utc>>) -> (Uuid, String) {
    let pair = secrets::key_pair(mode);
    let id = Uuid::new_v4();
    api_key::ActiveModel {
        id: Set(id),
        project_id: Set(project_id),
        mode: Set(mode),
        publishable_key: Set(pair.publishable),
        secret_hash: Set(secrets::hash(&pair.secret)),
        secret_hint: Set(secrets::hint(&pair.secret)),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .unwrap();
    (id, pair.secret)
}

/// A bare customer row (its account row first, which it references).
pub async fn customer(db: &DatabaseConnection) -> Uuid {
    let id = Uuid::new_v4();
    let now = Utc::now();
    entity::user::ActiveModel {
        id: Set(id),
        email: Set(format!("{id}@example.com")),
        name: Set("Ada Developer".into()),
        password_hash: Set(None),
        kind: Set(entity::AccountKind::Customer),
        role: Set(None),
        active: Set(true),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        timezone: Set("UTC".into()),
        locale: Set("en-US".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    entity::customer::ActiveModel {
        id: Set(id),
        company: Set(Some("Acme".into())),
        phone: Set(None),
        status: Set(entity::CustomerStatus::Active),
        notes: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    id
}
