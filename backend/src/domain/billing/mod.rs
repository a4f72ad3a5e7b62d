//! Billing: the plan catalogue, each customer's current subscription and the
//! numbered founding-member seats. Stripe fills in its ids in a later issue.

pub mod founding;
pub mod plans;
pub mod subscriptions;

pub use founding::founding_by_customers;
pub use subscriptions::subscriptions_by_customers;
