//! Staff invitations: an OWNER invites an e-mail address with a role; the invitee
//! sets name and password with the token (stored as a digest, valid 7 days).
//! With mail on, the invitee is mailed the accept link in the same transaction.
//! ADMIN and above may revoke a pending invitation: its row goes, so its token
//! no longer finds anything (the audit log keeps who was invited and when).

use chrono::Utc;
use entity::{invitation, AccountKind, StaffRole};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::{accounts, sessions, Email, SessionTokens};
use crate::{
    auth::{
        capability::{ManageStaff, RevokeInvitations, ViewStaff},
        tokens, Cap, RequestMeta,
    },
    domain::{
        audit, mail,
        page::{Page, PageRequest},
    },
    error::AppError,
    Services,
};

pub const INVITATION_PREFIX: &str = "hubi_";

/// Creates an invitation; returns it with the token, shown this once.
pub async fn invite(
    services: &Services,
    cap: &Cap<ManageStaff>,
    email: &str,
    role: StaffRole,
    meta: &RequestMeta,
) -> Result<(invitation::Model, String), AppError> {
    let email = Email::parse("email", email)?;
    if accounts::find_by_email(&services.db, email.as_str()).await?.is_some() {
        return Err(AppError::Conflict("an account with this e-mail address already exists".into()));
    }
    let raw = tokens::generate(INVITATION_PREFIX);
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    let created = invitation::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(email.as_str().to_owned()),
        role: Set(role),
        token_hash: Set(tokens::digest(&raw)),
        invited_by: Set(cap.user_id()),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(services.config.auth.invitation_ttl_days as i64)),
        accepted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "staff.invited", meta)
            .target("invitation", created.id)
            .details(serde_json::json!({ "email": created.email, "role": role })),
    )
    .await?;
    let ttl_days = services.config.auth.invitation_ttl_days;
    let mailed =
        mail::enqueue(&txn, services, mail::templates::staff_invitation(&services.config, &created.email, role, &raw, ttl_days)).await?;
    txn.commit().await?;
    if mailed {
        mail::wake(services);
    }
    Ok((created, raw))
}

/// Looks up an open invitation by its token (for the accept page).
pub async fn preview(services: &Services, token: &str) -> Result<invitation::Model, AppError> {
    let found = invitation::Entity::find().filter(invitation::Column::TokenHash.eq(tokens::digest(token.trim()))).one(&services.db).await?;
    match found {
        Some(inv) if inv.accepted_at.is_none() && inv.expires_at > Utc::now() => Ok(inv),
        _ => Err(AppError::NotFound("this invitation does not exist, was already used or has expired".into())),
    }
}

/// Accepts an invitation: creates the staff account and signs it in.
pub async fn accept(services: &Services, token: &str, name: &str, password: &str, meta: &RequestMeta) -> Result<SessionTokens, AppError> {
    let inv = preview(services, token).await?;
    let (email, name, hash) = accounts::validate_new(&inv.email, name, password).await?;
    let txn = crate::db::begin_write(&services.db).await?;
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(Utc::now()))
        .filter(invitation::Column::Id.eq(inv.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::NotFound("this invitation was already used".into()));
    }
    let account = accounts::insert(
        &txn,
        accounts::NewAccount { email, name, password_hash: Some(hash), kind: AccountKind::Staff, role: Some(inv.role) },
    )
    .await?;
    audit::record(&txn, audit::Entry::new(Some(account.id), "staff.invitation_accepted", meta).target("invitation", inv.id)).await?;
    txn.commit().await?;
    sessions::open(services, account, meta).await
}

/// Invitations, newest first.
pub async fn list(services: &Services, _cap: &Cap<ViewStaff>, page: PageRequest) -> Result<Page<invitation::Model>, AppError> {
    let query = invitation::Entity::find().order_by_desc(invitation::Column::CreatedAt).order_by_asc(invitation::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items, total })
}

/// Revokes a pending invitation: its accept link stops working at once. One
/// already accepted is `CONFLICT` (deactivate the member instead).
pub async fn revoke(
    services: &Services,
    cap: &Cap<RevokeInvitations>,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<invitation::Model, AppError> {
    let txn = crate::db::begin_write(&services.db).await?;
    let found = invitation::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::NotFound("no such invitation".into()))?;
    if found.accepted_at.is_some() {
        return Err(AppError::Conflict("this invitation was already accepted; deactivate the staff member instead".into()));
    }
    // Only while still unaccepted: an acceptance racing this one wins or loses whole.
    let deleted = invitation::Entity::delete_many()
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::Conflict("this invitation was accepted meanwhile".into()));
    }
    let details = serde_json::json!({ "email": found.email, "role": found.role, "expired": found.expires_at <= Utc::now() });
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "staff.invitation_revoked", meta).target("invitation", id).details(details))
        .await?;
    txn.commit().await?;
    Ok(found)
}
