//! The period a usage check counts in: the end user's paid subscription period
//! while it is current, otherwise the calendar month (UTC).

use chrono::{DateTime, Utc};

use crate::domain::metering::periods::calendar_month;

/// `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Period {
    /// The calendar month (UTC) holding `now`.
    pub fn month_of(now: DateTime<Utc>) -> Self {
        let month = calendar_month(now);
        Self { start: month.start, end: month.end }
    }

    /// The subscription period `[start, end)` when it holds `now`, else the month.
    pub fn current(now: DateTime<Utc>, subscription: Option<(DateTime<Utc>, DateTime<Utc>)>) -> Self {
        match subscription {
            Some((start, end)) if start <= now && now < end => Self { start, end },
            _ => Self::month_of(now),
        }
    }

    /// Whole seconds until the period ends (at least 1): a `Retry-After`.
    pub fn seconds_left(&self, now: DateTime<Utc>) -> u64 {
        (self.end - now).num_seconds().max(1) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn months_run_from_the_first_to_the_first() {
        let p = Period::month_of(at("2026-12-31T23:59:59Z"));
        assert_eq!((p.start, p.end), (at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z")));
        let p = Period::month_of(at("2026-02-01T00:00:00Z"));
        assert_eq!((p.start, p.end), (at("2026-02-01T00:00:00Z"), at("2026-03-01T00:00:00Z")));
    }

    #[test]
    fn a_current_subscription_period_wins_a_past_one_does_not() {
        let now = at("2026-11-22T10:00:00Z");
        let sub = (at("2026-11-15T08:00:00Z"), at("2026-12-15T08:00:00Z"));
        assert_eq!(Period::current(now, Some(sub)), Period { start: sub.0, end: sub.1 });
        let past = (at("2026-10-15T08:00:00Z"), at("2026-11-15T08:00:00Z"));
        assert_eq!(Period::current(now, Some(past)), Period::month_of(now));
        assert_eq!(Period::current(now, None).seconds_left(now), (at("2026-12-01T00:00:00Z") - now).num_seconds() as u64);
    }
}
