//! When to try again: exponential backoff with jitter. With the default base of
//! 30 s the retries come after 30 s, 2 m, 10 m, 30 m, 1 h, 2 h, 4 h, 8 h, then
//! every 8 h, so the default 10 attempts span about a day (Standard Webhooks
//! recommends a schedule of many hours with random jitter).

use std::time::Duration;

use rand::Rng;

/// Multiples of the base delay, by failed attempt; later attempts repeat the last.
const STEPS: [u32; 8] = [1, 4, 20, 60, 120, 240, 480, 960];
/// How far a delay may move either way, so endpoints that failed together do not
/// all retry in the same instant.
const JITTER: f64 = 0.2;
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The delay after the `failed`-th failed attempt (from 1), before jitter.
pub fn base_delay(base: Duration, failed: u32) -> Duration {
    let step = (failed.max(1) - 1) as usize;
    base.saturating_mul(STEPS[step.min(STEPS.len() - 1)])
}

/// [`base_delay`] scaled by `1 - JITTER + 2 * JITTER * unit`, `unit` in `[0, 1)`.
pub fn jittered(base: Duration, failed: u32, unit: f64) -> Duration {
    base_delay(base, failed).mul_f64(1.0 - JITTER + 2.0 * JITTER * unit.clamp(0.0, 1.0))
}

/// The delay before the next attempt: the backoff with random jitter, or the
/// endpoint's `Retry-After` when that is longer (at most a day).
pub fn next_delay(base: Duration, failed: u32, retry_after: Option<Duration>) -> Duration {
    let backoff = jittered(base, failed, rand::rng().random::<f64>());
    backoff.max(retry_after.unwrap_or_default().min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60;
    const HOUR: u64 = 3600;

    #[test]
    fn the_default_schedule_spreads_ten_attempts_over_about_a_day() {
        let base = Duration::from_secs(30);
        let delays: Vec<u64> = (1..10).map(|failed| base_delay(base, failed).as_secs()).collect();
        assert_eq!(delays, [30, 2 * MIN, 10 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 8 * HOUR]);
        let total: u64 = delays.iter().sum();
        assert!(total > 20 * HOUR && total < 26 * HOUR, "ten attempts span {total} s");
        assert_eq!(base_delay(base, 0), base, "no failure yet counts as the first");
        assert_eq!(base_delay(base, 50), Duration::from_secs(8 * HOUR));
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let base = Duration::from_secs(30);
        assert_eq!(jittered(base, 2, 0.0), Duration::from_secs(96));
        assert_eq!(jittered(base, 2, 0.5), Duration::from_secs(120));
        assert!(jittered(base, 2, 0.999_999) < Duration::from_secs(144));
        for _ in 0..200 {
            let d = next_delay(base, 3, None);
            assert!(d >= Duration::from_secs(480) && d < Duration::from_secs(720), "{d:?}");
        }
    }

    #[test]
    fn a_longer_retry_after_wins_but_is_capped() {
        let base = Duration::from_secs(30);
        assert!(next_delay(base, 1, Some(Duration::from_secs(600))) == Duration::from_secs(600));
        assert!(next_delay(base, 1, Some(Duration::from_secs(1))) < Duration::from_secs(37));
        assert_eq!(next_delay(base, 1, Some(Duration::from_secs(10 * 24 * HOUR))), MAX_RETRY_AFTER);
    }
}
