//! Payments through Stripe (specs 001 §8.1 and 002 §1, CONTRACT.md §3).
//!
//! - [`webhook`]: Stripe's events, verified and taken in once per event id, in
//!   one transaction with their effects: [`checkout`] (customer, subscription
//!   and paid order), [`invoices`] (invoices and payment attempts) and the
//!   subscription state kept newest-event-first ([`mirror`]).
//! - [`billing`]: calls to Stripe on a person's behalf (Checkout, the billing
//!   portal, cancelling at period end); [`invoices::bill`] for Hub's own jobs.
//!
//! The wire side (async-stripe) is `integrations::stripe`.

pub mod billing;
mod checkout;
pub mod event;
pub mod invoices;
pub mod metadata;
mod mirror;
pub mod webhook;

pub use billing::{cancel_at_period_end, open_billing_portal, start_checkout, CheckoutRequest, SessionLink};
pub use checkout::AUTOMATION_SETTING;
pub use invoices::bill;
pub use webhook::{receive, Receipt};

use entity::{alert, order, StripeEventOutcome};

/// What handling one event did, recorded on its `stripe_events` row.
pub(crate) struct Handled {
    outcome: StripeEventOutcome,
    detail: Option<String>,
    /// An order the event created, to start provisioning after commit (AUTO mode).
    paid_order: Option<order::Model>,
    /// A customer account the event created: (e-mail, name, raw set-password
    /// token), mailed the link in the event's transaction.
    new_account: Option<(String, String, String)>,
    /// Alerts raised in the event's transaction, announced after commit.
    raised: Option<alert::Model>,
    /// An API project whose end users changed (`api_products::checkout`), announced after commit.
    api_project: Option<uuid::Uuid>,
}

impl Handled {
    fn applied() -> Self {
        Self { outcome: StripeEventOutcome::Applied, detail: None, paid_order: None, new_account: None, raised: None, api_project: None }
    }

    fn ignored(reason: impl Into<String>) -> Self {
        Self {
            outcome: StripeEventOutcome::Ignored,
            detail: Some(reason.into()),
            paid_order: None,
            new_account: None,
            raised: None,
            api_project: None,
        }
    }

    fn from_api(effect: crate::domain::api_products::checkout::Effect) -> Self {
        let crate::domain::api_products::checkout::Effect { outcome, detail, raised, changed_project } = effect;
        Self { outcome, detail, paid_order: None, new_account: None, raised, api_project: changed_project }
    }

    fn attention(reason: impl Into<String>) -> Self {
        Self {
            outcome: StripeEventOutcome::NeedsAttention,
            detail: Some(reason.into()),
            paid_order: None,
            new_account: None,
            raised: None,
            api_project: None,
        }
    }
}
