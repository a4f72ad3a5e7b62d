//! Relay connections over domain pages: `first`/`after` in, edges with cursors,
//! `pageInfo` and `totalCount` out.

use std::future::Future;

use async_graphql::{
    connection::{Connection, Edge},
    OutputType, SimpleObject,
};

use super::error::GqlResultExt;
use crate::{
    domain::page::{Page, PageRequest},
    error::{AppError, FieldError},
};

#[derive(SimpleObject)]
pub struct TotalCount {
    /// How many items the whole list holds.
    pub total_count: u64,
}

pub type Paged<N> = Connection<usize, N, TotalCount>;

pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// Cursors are offsets; anything past this is not one we handed out.
const MAX_OFFSET: u64 = i32::MAX as u64;

/// Reads one page with `load` and wraps it as a connection of `N`.
pub async fn paged<T, N, F, Fut>(first: Option<i32>, after: Option<String>, load: F) -> async_graphql::Result<Paged<N>>
where
    N: OutputType + From<T>,
    F: FnOnce(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, AppError>>,
{
    let mut fields = Vec::new();
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=PageRequest::MAX_LIMIT as i32).contains(&first) {
        fields.push(FieldError::new("first", format!("must be between 1 and {}", PageRequest::MAX_LIMIT)));
    }
    let offset = match after.as_deref() {
        None => 0,
        Some(cursor) => match cursor.parse::<u64>() {
            Ok(n) if n < MAX_OFFSET => n + 1,
            _ => {
                fields.push(FieldError::new("after", "is not a cursor from this list"));
                0
            }
        },
    };
    AppError::check_fields(fields).gql()?;
    let page = load(PageRequest::new(offset, first as u64)).await.gql()?;
    let count = page.items.len() as u64;
    let mut connection =
        Connection::with_additional_fields(offset > 0, offset + count < page.total, TotalCount { total_count: page.total });
    connection.edges.extend(page.items.into_iter().enumerate().map(|(i, item)| Edge::new(offset as usize + i, N::from(item))));
    Ok(connection)
}
