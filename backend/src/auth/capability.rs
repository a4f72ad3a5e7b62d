//! Permissions as capabilities. Domain operations take a `&Cap<P>`; the only way to
//! get one is [`Actor::grant`], which checks the role. So a resolver or REST handler
//! cannot reach a protected operation without the check — forgetting it does not
//! compile. Customer-reachable permissions carry a [`Scope`] that the domain layer
//! applies as an owner filter on every read and write.

use std::marker::PhantomData;

use entity::StaffRole;
use uuid::Uuid;

use super::actor::{Actor, Principal};
use crate::error::AppError;

/// What a capability lets its holder reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Staff: every customer's rows.
    All,
    /// A customer: only rows owned by this customer account.
    Customer(Uuid),
}

/// A named permission: the least staff role that holds it, and whether customers
/// hold it (scoped to their own rows).
pub trait Permission {
    const NAME: &'static str;
    /// `None`: no staff role grants it through this rule (see [`Permission::ANY_SIGNED_IN`]).
    const MIN_STAFF_ROLE: Option<StaffRole>;
    const CUSTOMERS: bool;
    /// Granted to every signed-in account for its own things (profile, 2FA, tokens).
    const ANY_SIGNED_IN: bool = false;
    /// Refused to API tokens: only an interactive session may use it.
    const SESSION_ONLY: bool = false;
}

/// Proof that the holder was granted `P`.
#[derive(Debug, Clone)]
pub struct Cap<P: Permission> {
    principal: Principal,
    scope: Scope,
    _permission: PhantomData<fn() -> P>,
}

impl<P: Permission> Cap<P> {
    /// The customer whose rows this capability is limited to; `None` for staff.
    pub fn customer_scope(&self) -> Option<Uuid> {
        match self.scope {
            Scope::All => None,
            Scope::Customer(id) => Some(id),
        }
    }

    /// `NOT_FOUND` unless the holder may reach rows of `customer_id`: a customer
    /// asking for someone else's row learns nothing about whether it exists.
    pub fn ensure_reaches(&self, customer_id: Uuid) -> Result<(), AppError> {
        match self.scope {
            Scope::Customer(own) if own != customer_id => Err(AppError::NotFound("not found".into())),
            _ => Ok(()),
        }
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }
    pub fn user_id(&self) -> Uuid {
        self.principal.user_id
    }
    pub fn scope(&self) -> Scope {
        self.scope
    }
}

impl Actor {
    /// Grants `P` or answers `UNAUTHORIZED` (not signed in) / `FORBIDDEN` (not allowed).
    pub fn grant<P: Permission>(&self) -> Result<Cap<P>, AppError> {
        let principal = self.principal()?;
        if P::SESSION_ONLY && principal.session_id().is_none() {
            return Err(AppError::Forbidden(format!("{} needs a signed-in session, not an API token", P::NAME)));
        }
        let scope = if P::ANY_SIGNED_IN {
            match principal.staff_role() {
                Some(_) => Scope::All,
                None => Scope::Customer(principal.user_id),
            }
        } else {
            match principal.staff_role() {
                Some(role) if P::MIN_STAFF_ROLE.is_some_and(|min| role.at_least(min)) => Scope::All,
                None if P::CUSTOMERS => Scope::Customer(principal.user_id),
                _ => return Err(AppError::Forbidden(format!("you may not {}", P::NAME))),
            }
        };
        Ok(Cap { principal: principal.clone(), scope, _permission: PhantomData })
    }
}

macro_rules! permission {
    ($(#[$doc:meta])* $name:ident, $label:literal, $min:expr, customers: $cust:literal $(, $key:ident = $val:literal)*) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Permission for $name {
            const NAME: &'static str = $label;
            const MIN_STAFF_ROLE: Option<StaffRole> = $min;
            const CUSTOMERS: bool = $cust;
            $(const $key: bool = $val;)*
        }
    };
}

permission!(
    /// Read one's own account (`me`).
    OwnAccount, "read your account", None, customers: true, ANY_SIGNED_IN = true
);
permission!(
    /// Change one's own password, second factor and API tokens.
    ManageOwnSecurity, "change security settings", None, customers: true, ANY_SIGNED_IN = true, SESSION_ONLY = true
);
permission!(
    /// List staff members and invitations.
    ViewStaff, "view staff", Some(StaffRole::Admin), customers: false
);
permission!(
    /// Invite, update and deactivate staff.
    ManageStaff, "manage staff", Some(StaffRole::Owner), customers: false
);

permission!(
    /// Revoke pending staff invitations.
    RevokeInvitations, "revoke invitations", Some(StaffRole::Admin), customers: false
);
permission!(
    /// Reactivate deactivated staff (an OWNER's account: only an OWNER, see `identity::staff`).
    ReactivateStaff, "reactivate staff", Some(StaffRole::Admin), customers: false
);

// The control plane (CONTRACT.md §2). Customer-held permissions are scoped to the
// customer's own rows: the domain layer must filter by `Scope::Customer(id)`.
permission!(
    /// Read customers (staff: all; a customer: their own record).
    ReadCustomers, "read customers", Some(StaffRole::Support), customers: true
);
permission!(
    /// Create customer accounts.
    CreateCustomers, "create customers", Some(StaffRole::Admin), customers: false
);
permission!(
    /// Change customer records.
    UpdateCustomers, "update customers", Some(StaffRole::Manager), customers: false
);
permission!(
    /// Read orders, their provisioning jobs and logs (a customer: their own).
    ReadOrders, "read orders", Some(StaffRole::Support), customers: true
);
permission!(
    /// Create, update, provision orders and set their automation mode.
    ManageOrders, "manage orders", Some(StaffRole::Manager), customers: false
);
permission!(
    /// Queue remote commands (service restarts…) for an order's server.
    ManageContainers, "manage containers", Some(StaffRole::Support), customers: false
);
permission!(
    /// Read agents and agent templates (a customer: agents of their own orders).
    ReadAgents, "read agents", Some(StaffRole::Support), customers: true
);
permission!(
    /// Deploy, update and remove agents.
    ManageAgents, "manage agents", Some(StaffRole::Admin), customers: false
);
permission!(
    /// Change personality, allowed tools, autonomy and external-comms gates of
    /// agents (staff ADMIN+: any; a customer: their own agents, those fields only).
    TuneAgents, "change agent behaviour", Some(StaffRole::Admin), customers: true
);
permission!(
    /// Read command approvals (a customer: their own).
    ReadApprovals, "read approvals", Some(StaffRole::Support), customers: true
);
permission!(
    /// Approve or deny command approvals (a customer: their own).
    DecideApprovals, "decide approvals", Some(StaffRole::Admin), customers: true
);
permission!(
    /// Plans, subscriptions and founding members.
    ManageBilling, "manage billing", Some(StaffRole::Admin), customers: false
);
permission!(
    /// Pay through Stripe: start a Checkout, open the billing portal, cancel a
    /// subscription at period end (staff ADMIN+: any customer; a customer: own).
    UseBilling, "use Stripe billing", Some(StaffRole::Admin), customers: true
);
permission!(
    /// Read and change system settings.
    ManageSettings, "manage settings", Some(StaffRole::Admin), customers: false
);
permission!(
    /// Read bridge projects and their sync log.
    ReadProjects, "read projects", Some(StaffRole::Support), customers: false
);
permission!(
    /// Register bridge projects, rotate their secrets and ping them.
    ManageProjects, "manage projects", Some(StaffRole::Manager), customers: false
);
permission!(
    /// Read licences and licensed sites (a customer: their own).
    ReadSites, "read sites", Some(StaffRole::Support), customers: true
);
permission!(
    /// Add a site to a licence (a customer: to their own licences).
    AddSites, "add sites", Some(StaffRole::Manager), customers: true
);
permission!(
    /// Create licences, change their status and retry site provisioning.
    ManageLicenses, "manage licences", Some(StaffRole::Manager), customers: false
);
permission!(
    /// Read alerts, and follow them live (a customer: those raised about them).
    ReadAlerts, "read alerts", Some(StaffRole::Support), customers: true
);
permission!(
    /// Acknowledge alerts (a customer: their own).
    AcknowledgeAlerts, "acknowledge alerts", Some(StaffRole::Support), customers: true
);
permission!(
    /// Read token usage and the current period's summary (a customer: their own).
    ReadUsage, "read token usage", Some(StaffRole::Support), customers: true
);
permission!(
    /// Read billing periods and their invoices (a customer: their own).
    ReadBillingPeriods, "read billing periods", Some(StaffRole::Admin), customers: true
);
permission!(
    /// Read API projects with their tiers, products and end users (a customer: their own).
    ReadApiProjects, "read API projects", Some(StaffRole::Support), customers: true
);
permission!(
    /// Create and change API projects, their keys, tiers, products and end users'
    /// tiers: the owner of the keys only (CONTRACT.md §2).
    ManageApiProjects, "manage API projects", None, customers: true
);
permission!(
    /// Read the audit log.
    ReadAuditLog, "read the audit log", Some(StaffRole::Admin), customers: false
);
permission!(
    /// Read insights (overview, project, vendor); money figures need ADMIN+.
    ReadInsights, "read insights", Some(StaffRole::Support), customers: false
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::actor::Credential;
    use entity::AccountKind;

    fn actor(kind: AccountKind, role: Option<StaffRole>) -> Actor {
        Actor::User(Principal {
            user_id: Uuid::new_v4(),
            email: "x@example.com".into(),
            name: "X".into(),
            kind,
            role,
            credential: Credential::Session(Uuid::new_v4()),
        })
    }

    #[test]
    fn roles_are_ordered() {
        let owner = actor(AccountKind::Staff, Some(StaffRole::Owner));
        let admin = actor(AccountKind::Staff, Some(StaffRole::Admin));
        let support = actor(AccountKind::Staff, Some(StaffRole::Support));
        let customer = actor(AccountKind::Customer, None);
        assert!(owner.grant::<ManageStaff>().is_ok());
        assert!(matches!(admin.grant::<ManageStaff>(), Err(AppError::Forbidden(_))));
        assert!(admin.grant::<ViewStaff>().is_ok());
        assert!(support.grant::<ViewStaff>().is_err());
        assert!(matches!(customer.grant::<ViewStaff>(), Err(AppError::Forbidden(_))));
        assert!(matches!(Actor::Anonymous.grant::<OwnAccount>(), Err(AppError::Unauthorized(_))));
    }

    #[test]
    fn customers_get_their_own_scope() {
        let customer = actor(AccountKind::Customer, None);
        let id = customer.principal().unwrap().user_id;
        assert_eq!(customer.grant::<OwnAccount>().unwrap().scope(), Scope::Customer(id));
    }

    #[test]
    fn customer_scope_reaches_only_own_rows() {
        let customer = actor(AccountKind::Customer, None);
        let own = customer.principal().unwrap().user_id;
        let cap = customer.grant::<ReadOrders>().unwrap();
        assert_eq!(cap.customer_scope(), Some(own));
        assert!(cap.ensure_reaches(own).is_ok());
        assert!(matches!(cap.ensure_reaches(Uuid::new_v4()), Err(AppError::NotFound(_))));
        let support = actor(AccountKind::Staff, Some(StaffRole::Support)).grant::<ReadOrders>().unwrap();
        assert_eq!(support.customer_scope(), None);
        assert!(support.ensure_reaches(Uuid::new_v4()).is_ok());
        assert!(customer.grant::<ManageOrders>().is_err());
        assert!(actor(AccountKind::Staff, Some(StaffRole::Support)).grant::<ManageOrders>().is_err());
        assert!(actor(AccountKind::Staff, Some(StaffRole::Manager)).grant::<ManageOrders>().is_ok());
    }

    #[test]
    fn api_tokens_cannot_change_security() {
        let Actor::User(mut p) = actor(AccountKind::Staff, Some(StaffRole::Owner)) else { unreachable!() };
        p.credential = Credential::ApiToken(Uuid::new_v4());
        let via_token = Actor::User(p);
        assert!(via_token.grant::<ManageStaff>().is_ok());
        assert!(matches!(via_token.grant::<ManageOwnSecurity>(), Err(AppError::Forbidden(_))));
    }
}
