//! Offset pages for lists; the GraphQL layer wraps them in Relay connections.

/// Which slice of a list to read.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: u64,
}

impl PageRequest {
    pub const MAX_LIMIT: u64 = 100;

    /// Clamps `limit` to 1..=100.
    pub fn new(offset: u64, limit: u64) -> Self {
        Self { offset, limit: limit.clamp(1, Self::MAX_LIMIT) }
    }
}

/// One slice of a list and the size of the whole list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}
