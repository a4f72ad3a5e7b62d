//! Creating a customer account and the one-time link with which the customer
//! chooses a password (the same link will later serve password resets). With
//! mail on, the customer is mailed the link in the same transaction.

use chrono::Utc;
use entity::{customer, password_token, user, AccountKind, CustomerStatus};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::{parse_company, parse_notes, parse_phone, CustomerView};
use crate::{
    auth::{capability::CreateCustomers, password, tokens, Cap, RequestMeta},
    domain::{
        audit,
        identity::{accounts, parse_name, sessions, Email, SessionTokens},
        mail,
    },
    error::AppError,
    Services,
};

/// Prefix of set-password tokens, so a leaked one is recognisable.
pub const SET_PASSWORD_PREFIX: &str = "hubs_";
/// How long a set-password link stays valid.
pub const SET_PASSWORD_TTL_DAYS: i64 = 7;

/// What staff enter for a new customer, as sent.
#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    pub email: String,
    pub name: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// Creates the customer's account and record and a set-password token, all in one
/// transaction; returns the customer and the raw token (shown this once).
pub async fn create(
    services: &Services,
    cap: &Cap<CreateCustomers>,
    input: NewCustomer,
    meta: &RequestMeta,
) -> Result<(CustomerView, String), AppError> {
    let mut fields = Vec::new();
    let email = Email::parse("email", &input.email).map_err(|e| fields.push(e)).ok();
    let name = parse_name("name", &input.name).map_err(|e| fields.push(e)).ok();
    let company = parse_company(input.company.as_deref()).map_err(|e| fields.push(e)).ok().flatten();
    let phone = parse_phone(input.phone.as_deref()).map_err(|e| fields.push(e)).ok().flatten();
    let notes = parse_notes(input.notes.as_deref()).map_err(|e| fields.push(e)).ok().flatten();
    AppError::check_fields(fields)?;
    let (email, name) = (email.expect("checked"), name.expect("checked"));

    let txn = crate::db::begin_write(&services.db).await?;
    let new = ValidCustomer { email, name, company, phone, notes };
    let (account, record, raw) = insert_with_link(&txn, new, Some(cap.user_id())).await?;
    audit::record(
        &txn,
        audit::Entry::new(Some(cap.user_id()), "customer.created", meta).target("customer", account.id).details(json!({
            "email": account.email, "name": account.name, "company": record.company,
        })),
    )
    .await?;
    let link = mail::templates::set_password(&services.config, &account.email, &account.name, &raw, SET_PASSWORD_TTL_DAYS);
    let mailed = mail::enqueue(&txn, services, link).await?;
    txn.commit().await?;
    if mailed {
        mail::wake(services);
    }
    let view = CustomerView {
        id: account.id,
        email: account.email,
        name: account.name,
        company: record.company,
        phone: record.phone,
        status: record.status,
        notes: record.notes,
        created_at: record.created_at,
        updated_at: record.updated_at,
    };
    Ok((view, raw))
}

/// A new customer's fields, already validated.
pub(crate) struct ValidCustomer {
    pub email: Email,
    pub name: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// Writes a customer account (without a password), its record and a
/// set-password token on `conn` (the caller's transaction). Returns both rows and
/// the raw token, which only its one recipient may ever see. A taken e-mail
/// address is `CONFLICT`.
pub(crate) async fn insert_with_link<C: ConnectionTrait>(
    conn: &C,
    new: ValidCustomer,
    created_by: Option<Uuid>,
) -> Result<(user::Model, customer::Model, String), AppError> {
    let account = accounts::insert(
        conn,
        accounts::NewAccount { email: new.email, name: new.name, password_hash: None, kind: AccountKind::Customer, role: None },
    )
    .await?;
    let now = Utc::now();
    let record = customer::ActiveModel {
        id: Set(account.id),
        company: Set(new.company),
        phone: Set(new.phone),
        status: Set(CustomerStatus::Active),
        notes: Set(new.notes),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    let raw = tokens::generate(SET_PASSWORD_PREFIX);
    password_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(account.id),
        token_hash: Set(tokens::digest(&raw)),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(SET_PASSWORD_TTL_DAYS)),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok((account, record, raw))
}

/// Sets the password of the account a set-password token belongs to and signs it
/// in. The token works once; an unknown, used or expired token is `NOT_FOUND`.
pub async fn set_password(services: &Services, token: &str, new_password: &str, meta: &RequestMeta) -> Result<SessionTokens, AppError> {
    let gone = || AppError::NotFound("this link does not exist, was already used or has expired".into());
    let found =
        password_token::Entity::find().filter(password_token::Column::TokenHash.eq(tokens::digest(token.trim()))).one(&services.db).await?;
    let Some(found) = found.filter(|t| t.used_at.is_none() && t.expires_at > Utc::now()) else { return Err(gone()) };
    if let Some(err) = password::validate("password", new_password) {
        return Err(err.into());
    }
    let hash = password::hash(new_password.to_owned()).await?;

    let txn = crate::db::begin_write(&services.db).await?;
    // Claim the token conditionally: of two requests racing with it, one wins.
    let claimed = password_token::Entity::update_many()
        .col_expr(password_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(password_token::Column::Id.eq(found.id))
        .filter(password_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(gone());
    }
    let account = accounts::get(&txn, found.user_id).await?;
    if !account.active {
        return Err(gone());
    }
    let mut active: user::ActiveModel = account.into();
    active.password_hash = Set(Some(hash));
    active.updated_at = Set(Utc::now());
    let account = active.update(&txn).await?;
    // When the link serves as a reset, whoever held the old password is signed out.
    sessions::revoke_all(&txn, account.id, None, "password_set").await?;
    audit::record(&txn, audit::Entry::new(Some(account.id), "password.set_with_link", meta).target("user", account.id)).await?;
    txn.commit().await?;
    sessions::open(services, account, meta).await
}
