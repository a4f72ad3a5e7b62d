//! The order state machine (spec 001 §4.3), as one pure function so that every
//! status change in the domain goes through the same table.
//!
//! PAYMENT_CONFIRMED → AWAITING_DNS → PROVISIONING → FULFILLED; DNS may be skipped
//! (PAYMENT_CONFIRMED → PROVISIONING); PROVISIONING → FAILED → PROVISIONING (retry);
//! anything not yet FULFILLED or CANCELLED may be CANCELLED.

use entity::OrderStatus;

use crate::error::AppError;

/// The wire name of a status, for messages.
pub fn name(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PaymentConfirmed => "PAYMENT_CONFIRMED",
        OrderStatus::AwaitingDns => "AWAITING_DNS",
        OrderStatus::Provisioning => "PROVISIONING",
        OrderStatus::Fulfilled => "FULFILLED",
        OrderStatus::Failed => "FAILED",
        OrderStatus::Cancelled => "CANCELLED",
    }
}

/// Whether nothing may follow `status`.
pub fn is_terminal(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::Fulfilled | OrderStatus::Cancelled)
}

/// Whether an order may go from `from` to `to`.
pub fn allowed(from: OrderStatus, to: OrderStatus) -> bool {
    use OrderStatus::*;
    match (from, to) {
        (PaymentConfirmed, AwaitingDns | Provisioning) => true,
        (AwaitingDns, Provisioning) => true,
        (Provisioning, Fulfilled | Failed) => true,
        (Failed, Provisioning) => true,
        (from, Cancelled) => !is_terminal(from),
        _ => false,
    }
}

/// `Ok` when the change is allowed, else `CONFLICT` naming both states.
pub fn check(from: OrderStatus, to: OrderStatus) -> Result<(), AppError> {
    if allowed(from, to) {
        Ok(())
    } else {
        Err(AppError::Conflict(format!("an order cannot go from {} to {}", name(from), name(to))))
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::Iterable;

    use super::*;
    use OrderStatus::*;

    /// The whole table, written out: every pair not listed here must be refused.
    const ALLOWED: &[(OrderStatus, OrderStatus)] = &[
        (PaymentConfirmed, AwaitingDns),
        (PaymentConfirmed, Provisioning),
        (PaymentConfirmed, Cancelled),
        (AwaitingDns, Provisioning),
        (AwaitingDns, Cancelled),
        (Provisioning, Fulfilled),
        (Provisioning, Failed),
        (Provisioning, Cancelled),
        (Failed, Provisioning),
        (Failed, Cancelled),
    ];

    #[test]
    fn every_pair_matches_the_table() {
        let mut checked = 0;
        for from in OrderStatus::iter() {
            for to in OrderStatus::iter() {
                let expected = ALLOWED.contains(&(from, to));
                assert_eq!(allowed(from, to), expected, "{} → {}", name(from), name(to));
                assert_eq!(check(from, to).is_ok(), expected);
                checked += 1;
            }
        }
        assert_eq!(checked, 36);
    }

    #[test]
    fn refusals_are_conflicts_naming_both_states() {
        let err = check(Fulfilled, Provisioning).unwrap_err();
        assert_eq!(err.code(), "CONFLICT");
        assert_eq!(err.to_string(), "an order cannot go from FULFILLED to PROVISIONING");
        let err = check(Cancelled, Cancelled).unwrap_err();
        assert!(err.to_string().contains("CANCELLED to CANCELLED"));
    }

    #[test]
    fn terminal_states_lead_nowhere() {
        for from in [Fulfilled, Cancelled] {
            assert!(is_terminal(from));
            assert!(OrderStatus::iter().all(|to| !allowed(from, to)));
        }
        for from in [PaymentConfirmed, AwaitingDns, Provisioning, Failed] {
            assert!(!is_terminal(from));
            assert!(allowed(from, Cancelled));
        }
    }
}
