//! Founding members: the first customers get a numbered seat (1, 2, …) and a token
//! multiplier until a date. The number of seats is the setting
//! `billing.founding_member_seats` (100 when unset); the count is public.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{founding_member, system_setting};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{
        capability::{ManageBilling, ReadCustomers},
        Cap, RequestMeta,
    },
    domain::{audit, customers},
    error::{is_unique_violation, AppError, FieldError},
    Services,
};

/// The `system_settings` key holding the number of seats (a JSON number).
pub const SEATS_SETTING: &str = "billing.founding_member_seats";
/// Seats when the setting is absent (or not a usable number).
pub const DEFAULT_SEATS: u64 = 100;

/// How many seats exist and how many are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatCount {
    pub total: u64,
    pub taken: u64,
}

impl SeatCount {
    /// Seats still free (never negative, even if the setting was lowered).
    pub fn remaining(&self) -> u64 {
        self.total.saturating_sub(self.taken)
    }
}

async fn total_seats<C: ConnectionTrait>(conn: &C) -> Result<u64, AppError> {
    let setting = system_setting::Entity::find_by_id(SEATS_SETTING.to_owned()).one(conn).await?;
    Ok(setting.and_then(|s| s.value.as_u64()).unwrap_or(DEFAULT_SEATS))
}

async fn seat_count<C: ConnectionTrait>(conn: &C) -> Result<SeatCount, AppError> {
    Ok(SeatCount { total: total_seats(conn).await?, taken: founding_member::Entity::find().count(conn).await? })
}

/// Seats in total and taken; public (the marketing site shows what is left).
pub async fn count(services: &Services) -> Result<SeatCount, AppError> {
    seat_count(&services.db).await
}

/// Founding-member seats for DataLoaders, keyed by customer id; ids outside the
/// capability's scope are left out. One query whatever the count.
pub async fn founding_by_customers(
    services: &Services,
    cap: &Cap<ReadCustomers>,
    customer_ids: &[Uuid],
) -> Result<HashMap<Uuid, founding_member::Model>, AppError> {
    let ids: Vec<Uuid> = customer_ids.iter().copied().filter(|id| cap.ensure_reaches(*id).is_ok()).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = founding_member::Entity::find().filter(founding_member::Column::CustomerId.is_in(ids)).all(&services.db).await?;
    Ok(rows.into_iter().map(|f| (f.customer_id, f)).collect())
}

/// Gives a customer the next free seat. `CONFLICT` when every seat is taken or the
/// customer already has one.
pub async fn grant(
    services: &Services,
    cap: &Cap<ManageBilling>,
    customer_id: Uuid,
    token_multiplier: i32,
    expires_at: DateTime<Utc>,
    meta: &RequestMeta,
) -> Result<founding_member::Model, AppError> {
    let mut fields = Vec::new();
    if !(1..=10).contains(&token_multiplier) {
        fields.push(FieldError::new("tokenMultiplier", "must be between 1 and 10"));
    }
    if expires_at <= Utc::now() {
        fields.push(FieldError::new("expiresAt", "must be in the future"));
    }
    AppError::check_fields(fields)?;
    // Two grants at once may pick the same number; the unique index refuses the
    // second, which tries once more with the next number.
    for _ in 0..2 {
        if let Some(seat) = try_grant(services, cap, customer_id, token_multiplier, expires_at, meta).await? {
            return Ok(seat);
        }
    }
    Err(AppError::Conflict("another seat was granted at the same time; try again".into()))
}

/// One attempt; `Ok(None)` when a concurrent grant took the number first.
async fn try_grant(
    services: &Services,
    cap: &Cap<ManageBilling>,
    customer_id: Uuid,
    token_multiplier: i32,
    expires_at: DateTime<Utc>,
    meta: &RequestMeta,
) -> Result<Option<founding_member::Model>, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    // Serialises grants for one customer (and, on SQLite, all grants).
    customers::lock(&txn, customer_id).await?;
    let held = founding_member::Entity::find().filter(founding_member::Column::CustomerId.eq(customer_id)).one(&txn).await?;
    if let Some(seat) = held {
        return Err(AppError::Conflict(format!("this customer already holds founding-member seat {}", seat.number)));
    }
    let seats = seat_count(&txn).await?;
    if seats.remaining() == 0 {
        return Err(AppError::Conflict(format!("all {} founding-member seats are taken", seats.total)));
    }
    let highest: Option<i32> = founding_member::Entity::find()
        .select_only()
        .column_as(founding_member::Column::Number.max(), "highest")
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let inserted = founding_member::ActiveModel {
        id: Set(Uuid::new_v4()),
        customer_id: Set(customer_id),
        number: Set(highest.unwrap_or(0) + 1),
        token_multiplier: Set(token_multiplier),
        expires_at: Set(expires_at),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await;
    let seat = match inserted {
        Ok(seat) => seat,
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "founding_member.granted", meta).target("customer", customer_id).details(json!({
            "number": seat.number, "tokenMultiplier": seat.token_multiplier, "expiresAt": seat.expires_at,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(seat))
}
