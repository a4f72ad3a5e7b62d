//! AI agents on a customer's tenant server (spec 001 §4.8, §5): deployed from role
//! templates by staff, tuned by staff and (within limits) by the customer. Every
//! change bumps the order's `config_version`, which tenants poll to re-pull config.

pub mod changes;
pub mod read;
pub mod templates;
pub mod write;

pub use changes::AgentChanges;
pub use read::{by_orders, list};
pub use write::{deploy, remove, tune, update, NewAgent};

use entity::order;
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::error::{AppError, FieldError};

/// Longest SOUL.md accepted, in characters.
pub const MAX_SOUL_MD: usize = 20_000;
const MAX_TOOLS: usize = 100;

/// A tool name: `[a-z0-9_]+`, at most 64 characters.
pub fn is_tool_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A slug (agent id, tool profile): a lower-case letter, then `[a-z0-9-]`, at most 64.
pub fn is_slug(s: &str) -> bool {
    s.len() <= 64
        && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks a list of tool names; returns it without duplicates, in the given order.
pub(crate) fn parse_tools(field: &str, tools: &[String]) -> Result<Vec<String>, FieldError> {
    if tools.len() > MAX_TOOLS {
        return Err(FieldError::new(field, format!("at most {MAX_TOOLS} tools")));
    }
    let mut out: Vec<String> = Vec::with_capacity(tools.len());
    for tool in tools {
        if !is_tool_name(tool) {
            return Err(FieldError::new(field, format!("`{tool}` is not a tool name ([a-z0-9_]+)")));
        }
        if !out.contains(tool) {
            out.push(tool.clone());
        }
    }
    Ok(out)
}

/// The order, or `NOT_FOUND`.
pub(crate) async fn find_order<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<order::Model, AppError> {
    order::Entity::find_by_id(order_id).one(conn).await?.ok_or_else(|| AppError::NotFound("no such order".into()))
}

/// Adds one to the order's `config_version` in the caller's transaction, so a
/// tenant polling it sees every agent change; `NOT_FOUND` when there is no such
/// order. Agent writes do this first: the row lock it takes (the write lock on
/// SQLite) serialises changes to one order's agents, so none is lost.
pub(crate) async fn bump_config_version<C: ConnectionTrait>(conn: &C, order_id: Uuid) -> Result<(), AppError> {
    let bumped = order::Entity::update_many()
        .col_expr(order::Column::ConfigVersion, Expr::col(order::Column::ConfigVersion).add(1))
        .filter(order::Column::Id.eq(order_id))
        .exec(conn)
        .await?;
    if bumped.rows_affected == 0 {
        return Err(AppError::NotFound("no such order".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_tool_name("file_read") && is_tool_name("web2"));
        assert!(!is_tool_name("") && !is_tool_name("File") && !is_tool_name("a-b") && !is_tool_name("a b"));
        assert!(is_slug("it-admin") && !is_slug("1x") && !is_slug("It") && !is_slug(""));
        let tools = vec!["shell".to_owned(), "shell".to_owned(), "docker".to_owned()];
        assert_eq!(parse_tools("toolsAllowed", &tools).unwrap(), ["shell", "docker"]);
        assert_eq!(parse_tools("toolsDenied", &["Bad".into()]).unwrap_err().field, "toolsDenied");
    }
}
