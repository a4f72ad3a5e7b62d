//! The app's own view of the signed-in user and session.
//!
//! graphql_client generates one struct per operation, so the five operations
//! that return a session each have their own `SessionFields`. Converting them
//! into these types once (see `gql::session_conversions!`) keeps pages from
//! caring which mutation signed the user in.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Staff roles, most to least powerful. Used as an `extern_enums` type by the
/// GraphQL derives so every operation shares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StaffRole {
    Owner,
    Admin,
    Manager,
    Support,
}

impl StaffRole {
    /// Rank used by `at_least`; higher is more powerful.
    fn rank(self) -> u8 {
        match self {
            StaffRole::Owner => 4,
            StaffRole::Admin => 3,
            StaffRole::Manager => 2,
            StaffRole::Support => 1,
        }
    }

    /// True when this role has at least the powers of `min`.
    pub fn at_least(self, min: StaffRole) -> bool {
        self.rank() >= min.rank()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Owner => "OWNER",
            StaffRole::Admin => "ADMIN",
            StaffRole::Manager => "MANAGER",
            StaffRole::Support => "SUPPORT",
        }
    }
}

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an account is staff or a customer (`extern_enums` type too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountKind {
    Staff,
    Customer,
}

/// The signed-in user as the header and role gates need it.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrentUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub kind: AccountKind,
    pub role: Option<StaffRole>,
    pub two_factor_enabled: bool,
    /// IANA time zone every timestamp is shown in.
    pub timezone: String,
    /// Locale timestamps are formatted for, e.g. `de-DE`.
    pub locale: String,
}

impl CurrentUser {
    /// Staff with at least `min`; customers never qualify.
    pub fn has_role_at_least(&self, min: StaffRole) -> bool {
        self.kind == AccountKind::Staff && self.role.is_some_and(|r| r.at_least(min))
    }

    /// What the header shows: the staff role, or "Customer".
    pub fn role_label(&self) -> String {
        match (self.kind, self.role) {
            (AccountKind::Staff, Some(role)) => role.to_string(),
            (AccountKind::Staff, None) => "Staff".to_owned(),
            (AccountKind::Customer, _) => "Customer".to_owned(),
        }
    }
}

/// An access token held only in memory, with the user it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub access_token: String,
    /// RFC 3339, as the server sent it; parsed when scheduling the refresh.
    pub access_token_expires_at: String,
    pub user: CurrentUser,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(kind: AccountKind, role: Option<StaffRole>) -> CurrentUser {
        CurrentUser {
            id: "1".into(),
            name: "A".into(),
            email: "a@example.com".into(),
            kind,
            role,
            two_factor_enabled: false,
            timezone: "UTC".into(),
            locale: "en-US".into(),
        }
    }

    #[test]
    fn roles_rank_from_owner_down() {
        assert!(StaffRole::Owner.at_least(StaffRole::Admin));
        assert!(StaffRole::Manager.at_least(StaffRole::Manager));
        assert!(!StaffRole::Support.at_least(StaffRole::Manager));
    }

    #[test]
    fn customers_never_pass_a_staff_gate() {
        let customer = user(AccountKind::Customer, None);
        assert!(!customer.has_role_at_least(StaffRole::Support));
        assert_eq!(customer.role_label(), "Customer");
        let admin = user(AccountKind::Staff, Some(StaffRole::Admin));
        assert!(admin.has_role_at_least(StaffRole::Manager));
        assert_eq!(admin.role_label(), "ADMIN");
    }

    #[test]
    fn roles_deserialize_from_graphql_enum_values() {
        let role: StaffRole = serde_json::from_str("\"OWNER\"").unwrap();
        assert_eq!(role, StaffRole::Owner);
    }
}
