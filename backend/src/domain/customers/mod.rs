//! Customers: staff create the account (a `users` row without a password plus its
//! `customers` record) and hand the customer a one-time link to set a password.
//! Reads are scoped: staff see every customer, a customer only their own record.

mod create;
mod records;

pub use create::{create, set_password, NewCustomer, SET_PASSWORD_PREFIX, SET_PASSWORD_TTL_DAYS};
pub(crate) use create::{insert_with_link, ValidCustomer};
pub use records::{by_ids, get, list, update, CustomerChanges, CustomerFilter};

use chrono::{DateTime, Utc};
use entity::{customer, CustomerStatus};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter};
use uuid::Uuid;

use crate::error::{AppError, FieldError};

/// A customer as clients see it: the `customers` record joined with the name and
/// e-mail address of its `users` row.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct CustomerView {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub status: CustomerStatus,
    /// Staff-only remarks; the domain blanks them for a customer reading their own record.
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Locks a customer's row for the rest of the transaction (`NOT_FOUND` if there is
/// none) by writing it unchanged. A write, not `SELECT … FOR UPDATE`: SQLite has no
/// row locks, and a transaction that writes first takes its write lock through the
/// busy timeout instead of failing later when it upgrades from reading.
pub(crate) async fn lock<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<(), AppError> {
    let touched = customer::Entity::update_many()
        .col_expr(customer::Column::UpdatedAt, Expr::col(customer::Column::UpdatedAt))
        .filter(customer::Column::Id.eq(id))
        .exec(conn)
        .await?;
    if touched.rows_affected == 0 {
        return Err(AppError::NotFound("no such customer".into()));
    }
    Ok(())
}

/// Optional free text: trimmed, empty means "none", at most `max` characters.
fn optional_text(field: &str, input: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    let Some(text) = input.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    if text.chars().count() > max {
        return Err(FieldError::new(field, format!("must be at most {max} characters")));
    }
    Ok(Some(text.to_owned()))
}

/// A company name: up to 200 characters (the column's width).
fn parse_company(input: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_text("company", input, 200)
}

/// A phone number as people write it: digits with `+ - ( ) . /` and spaces,
/// at least five digits, up to 64 characters.
fn parse_phone(input: Option<&str>) -> Result<Option<String>, FieldError> {
    let phone = optional_text("phone", input, 64)?;
    if let Some(p) = &phone {
        let allowed = p.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c));
        if !allowed || p.chars().filter(char::is_ascii_digit).count() < 5 {
            return Err(FieldError::new("phone", "must be a phone number (digits, spaces and + - ( ) . /)"));
        }
    }
    Ok(phone)
}

/// Staff notes: up to 10,000 characters.
fn parse_notes(input: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_text("notes", input, 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(parse_phone(Some(" +49 (30) 123-456 ")).unwrap().as_deref(), Some("+49 (30) 123-456"));
        assert_eq!(parse_phone(Some("  ")).unwrap(), None);
        assert_eq!(parse_phone(Some("call me")).unwrap_err().field, "phone");
        assert_eq!(parse_phone(Some("12")).unwrap_err().field, "phone");
    }

    #[test]
    fn companies() {
        assert_eq!(parse_company(Some(" Acme ")).unwrap().as_deref(), Some("Acme"));
        assert_eq!(parse_company(Some(&"x".repeat(201))).unwrap_err().field, "company");
    }
}
