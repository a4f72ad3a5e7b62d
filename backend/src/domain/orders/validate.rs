//! Parsing of order input at the edge: hostnames, tool slugs, addresses, URLs.

use std::net::IpAddr;

use crate::error::FieldError;

/// A hostname (RFC 1123): trimmed, lower-cased, without a trailing dot; at least
/// two labels of `[a-z0-9-]`, none starting or ending with `-`, TLD not numeric.
pub fn hostname(field: &str, input: &str) -> Result<String, FieldError> {
    let host = input.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let valid = host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && !labels.last().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        Ok(host)
    } else {
        Err(FieldError::new(field, "must be a valid domain name, like acme.example.com"))
    }
}

/// Tool slugs `[a-z0-9-]+` (at most 64 characters each, 100 in all), duplicates
/// dropped, first occurrence kept.
pub fn tools(field: &str, input: &[String]) -> Result<Vec<String>, FieldError> {
    if input.len() > 100 {
        return Err(FieldError::new(field, "must list at most 100 tools"));
    }
    let mut out: Vec<String> = Vec::with_capacity(input.len());
    for raw in input {
        let slug = raw.trim();
        let valid = (1..=64).contains(&slug.len()) && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(FieldError::new(field, format!("\"{slug}\" is not a tool slug (lower-case letters, digits and -)")));
        }
        if !out.iter().any(|t| t == slug) {
            out.push(slug.to_owned());
        }
    }
    Ok(out)
}

/// A plan tier name such as `Build`: 1–64 characters after trimming.
pub fn tier(field: &str, input: &str) -> Result<String, FieldError> {
    let tier = input.trim();
    match tier.chars().count() {
        0 => Err(FieldError::new(field, "must not be empty")),
        n if n > 64 => Err(FieldError::new(field, "must be at most 64 characters")),
        _ => Ok(tier.to_owned()),
    }
}

/// An IPv4 or IPv6 address, in its canonical text form.
pub fn ip(field: &str, input: &str) -> Result<String, FieldError> {
    input.trim().parse::<IpAddr>().map(|ip| ip.to_string()).map_err(|_| FieldError::new(field, "must be an IPv4 or IPv6 address"))
}

/// A TCP port, 1–65535.
pub fn port(field: &str, input: i32) -> Result<i32, FieldError> {
    if (1..=65_535).contains(&input) {
        Ok(input)
    } else {
        Err(FieldError::new(field, "must be between 1 and 65535"))
    }
}

/// An absolute `http://` or `https://` URL with a host, at most 512 characters.
pub fn http_url(field: &str, input: &str) -> Result<String, FieldError> {
    let url = input.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    let valid = url.len() <= 512
        && !url.contains(|c: char| c.is_whitespace() || c.is_control())
        && host.is_some_and(|h| !h.is_empty() && !h.starts_with(':') && !h.contains('@'));
    if valid {
        Ok(url.to_owned())
    } else {
        Err(FieldError::new(field, "must be an http:// or https:// URL"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        assert_eq!(hostname("domain", " Acme.Example.COM. ").unwrap(), "acme.example.com");
        assert_eq!(hostname("domain", "a-1.b2.io").unwrap(), "a-1.b2.io");
        for bad in ["", "localhost", "-a.com", "a-.com", "a..com", "a b.com", "a_b.com", "1.2.3.4", "ä.com", &"a".repeat(64)] {
            assert_eq!(hostname("domain", bad).unwrap_err().field, "domain", "{bad}");
        }
    }

    #[test]
    fn tool_slugs_are_checked_and_deduplicated() {
        let input = ["ghost", "odoo", "ghost", "cal-com"].map(String::from);
        assert_eq!(tools("tools", &input).unwrap(), ["ghost", "odoo", "cal-com"]);
        assert!(tools("tools", &["Ghost".into()]).is_err());
        assert!(tools("tools", &["".into()]).is_err());
        assert!(tools("tools", &["a/b".into()]).is_err());
    }

    #[test]
    fn addresses_ports_and_urls() {
        assert_eq!(ip("serverIp", " 192.0.2.7 ").unwrap(), "192.0.2.7");
        assert_eq!(ip("serverIp", "2001:DB8::1").unwrap(), "2001:db8::1");
        assert!(ip("serverIp", "300.1.1.1").is_err());
        assert!(port("sshPort", 0).is_err() && port("sshPort", 65_536).is_err());
        assert_eq!(port("sshPort", 22_022).unwrap(), 22_022);
        assert!(http_url("dashboardUrl", "https://acme.example.com/x").is_ok());
        assert!(http_url("dashboardUrl", "http://10.0.0.1:9000").is_ok());
        for bad in ["ftp://x.com", "https://", "acme.example.com", "https://a b.com", "javascript:alert(1)"] {
            assert!(http_url("dashboardUrl", bad).is_err(), "{bad}");
        }
    }
}
