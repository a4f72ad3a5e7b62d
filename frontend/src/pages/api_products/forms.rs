//! What the API-product editors read from their inputs: prices in major units,
//! limits ("" is unlimited), feature lines; and how prices are shown.

/// "19", "19.5", "19.50" → 1950 minor units; "" → 0 (free).
pub fn parse_price(text: &str) -> Result<i64, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    let (whole, cents) = text.split_once(['.', ',']).unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || cents.len() > 2 || (!cents.is_empty() && !digits(cents)) {
        return Err("Enter a price like 19 or 19.50.");
    }
    let whole: i64 = whole.parse().map_err(|_| "The price is too large.")?;
    let cents: i64 = format!("{cents:0<2}").parse().unwrap_or(0);
    whole.checked_mul(100).and_then(|w| w.checked_add(cents)).ok_or("The price is too large.")
}

/// "" or "unlimited" → none; otherwise a whole number of calls.
pub fn parse_limit(text: &str) -> Result<Option<i64>, &'static str> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("unlimited") {
        return Ok(None);
    }
    text.replace(['_', ' '], "").parse::<i64>().map(Some).map_err(|_| "Enter a whole number of calls, or leave it empty for unlimited.")
}

/// A whole number (inventory); "" is 0.
pub fn parse_count(text: &str) -> Result<i64, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    text.parse::<i64>().map_err(|_| "Enter a whole number.")
}

/// One feature per non-empty line.
pub fn features(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// 1950, "eur" → "19.50 EUR"; 0 → "Free".
pub fn price_label(minor: i64, currency: &str) -> String {
    if minor == 0 {
        return "Free".to_owned();
    }
    format!("{}.{:02} {}", minor / 100, minor % 100, currency.to_uppercase())
}

/// Some(1000) → "1000 calls", None → "Unlimited".
pub fn limit_label(limit: Option<i64>) -> String {
    limit.map(|l| format!("{l} calls")).unwrap_or_else(|| "Unlimited".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_in_major_units() {
        assert_eq!(parse_price("19"), Ok(1900));
        assert_eq!(parse_price("19.5"), Ok(1950));
        assert_eq!(parse_price(" 19,05 "), Ok(1905));
        assert_eq!(parse_price(""), Ok(0));
        assert!(parse_price("19.505").is_err());
        assert!(parse_price("-1").is_err());
        assert!(parse_price("abc").is_err());
        assert!(parse_price("99999999999999999999").is_err());
        assert_eq!(price_label(1950, "eur"), "19.50 EUR");
        assert_eq!(price_label(0, "eur"), "Free");
    }

    #[test]
    fn limits_are_unlimited_when_empty() {
        assert_eq!(parse_limit(""), Ok(None));
        assert_eq!(parse_limit("Unlimited"), Ok(None));
        assert_eq!(parse_limit("1_000"), Ok(Some(1000)));
        assert!(parse_limit("lots").is_err());
        assert_eq!(limit_label(Some(5)), "5 calls");
        assert_eq!(limit_label(None), "Unlimited");
        assert_eq!(parse_count(""), Ok(0));
        assert!(parse_count("x").is_err());
    }

    #[test]
    fn features_are_lines() {
        assert_eq!(features("API access\n\n  Priority support  \n"), ["API access", "Priority support"]);
    }
}
