//! Tool lists as the inputs show them: comma-separated text.

use std::collections::BTreeMap;

pub fn join_tools(tools: &[String]) -> String {
    tools.join(", ")
}

/// "a, b,,c " → ["a", "b", "c"], duplicates dropped, order kept.
pub fn split_tools(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tool in text.split([',', ' ', '\n']).map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|t| t == tool) {
            out.push(tool.to_owned());
        }
    }
    out
}

/// `{"email": true}` (or null) → map of tool → unlocked.
pub fn unlock_map(value: Option<&serde_json::Value>) -> BTreeMap<String, bool> {
    value
        .and_then(|v| v.as_object())
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_bool().unwrap_or(false))).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_dedups() {
        assert_eq!(split_tools(" mail, web ,,mail\nshell"), ["mail", "web", "shell"]);
        assert!(split_tools("  ").is_empty());
    }

    #[test]
    fn reads_unlocks() {
        let m = unlock_map(Some(&serde_json::json!({"mail": true, "web": false})));
        assert_eq!(m.get("mail"), Some(&true));
        assert!(unlock_map(None).is_empty());
    }
}
