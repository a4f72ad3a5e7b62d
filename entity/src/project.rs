//! `projects`: child API projects of the signed bridge (spec 000).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub base_url: String,
    /// The public `pk_…` key a child sends in `X-Mintreu-Key`.
    pub project_key: String,
    /// The HMAC secret, encrypted with the master key.
    pub secret_encrypted: String,
    pub last_heartbeat_at: Option<DateTimeUtc>,
    /// machine, runtime and health of the last heartbeat.
    pub last_heartbeat: Option<Json>,
    /// The last `pingProject`: when, whether the child answered 2xx, its status,
    /// the round trip and the error (unreachable, timeout, refusal).
    pub last_ping_at: Option<DateTimeUtc>,
    pub last_ping_ok: Option<bool>,
    pub last_ping_status: Option<i32>,
    pub last_ping_latency_ms: Option<i64>,
    pub last_ping_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
