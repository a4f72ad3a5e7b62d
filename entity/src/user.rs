//! `users`: staff and customer accounts.

use sea_orm::entity::prelude::*;

use crate::types::{AccountKind, StaffRole};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stored lower-cased; unique.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// argon2id PHC string; `None` until the owner of the account sets a password.
    pub password_hash: Option<String>,
    pub kind: AccountKind,
    /// Set for staff, `None` for customers.
    pub role: Option<StaffRole>,
    pub active: bool,
    /// TOTP secret, encrypted with the master key (base64 of nonce + ciphertext).
    pub totp_secret: Option<String>,
    /// A secret offered by `beginTwoFactorSetup` and not yet confirmed (encrypted too).
    pub totp_pending_secret: Option<String>,
    pub totp_enabled: bool,
    /// The last TOTP time step accepted; a code of this step or older is refused.
    pub totp_last_step: Option<i64>,
    /// IANA time zone the console shows times in (`UTC` until changed).
    pub timezone: String,
    /// BCP 47 locale the console formats for (`en-US` until changed).
    pub locale: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
