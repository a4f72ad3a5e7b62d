//! `api_checkouts`: a Stripe Checkout session Hub opened for an API project's
//! end user (subscription to a tier) or buyer (a cart of products). Completing
//! it moves `status` from OPEN once, whatever Stripe redelivers.

use sea_orm::entity::prelude::*;

use crate::api_types::{ApiCheckoutKind, ApiCheckoutStatus, ApiMode};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_checkouts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub mode: ApiMode,
    pub kind: ApiCheckoutKind,
    #[sea_orm(unique)]
    pub stripe_session_id: String,
    /// The developer's user id (`X-User-Id`) of a subscription checkout.
    pub end_user_external_id: Option<String>,
    pub tier_name: Option<String>,
    pub email: Option<String>,
    /// A cart's lines: `[{"productId", "priceId", "quantity"}]`.
    pub items: Json,
    pub status: ApiCheckoutStatus,
    /// What went wrong, for OVERSOLD.
    pub detail: Option<String>,
    pub created_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
