//! Calls to the outside world. Integrations send and report what happened; they
//! know no rules and touch no database (the domain layer decides what to do).

pub mod webhooks;
