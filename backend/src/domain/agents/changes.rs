//! What an agent update may change, and the checks on it. Shared by staff
//! (`update`) and customers (`tune`), who may send only some of the fields.

use entity::agent_config;
use serde_json::Value;

use super::{is_slug, is_tool_name, parse_tools, MAX_SOUL_MD};
use crate::error::{AppError, FieldError};

/// Fields of an agent to change; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct AgentChanges {
    pub name: Option<String>,
    pub soul_md: Option<String>,
    pub tools_allowed: Option<Vec<String>>,
    pub tools_denied: Option<Vec<String>>,
    pub tool_profile: Option<String>,
    pub autonomy_level: Option<i32>,
    /// Tool name → unlocked; an empty object clears every unlock.
    pub external_comms_unlocks: Option<Value>,
    pub is_active: Option<bool>,
}

impl AgentChanges {
    /// The (camelCase) names of fields a customer may not change but sent anyway.
    pub fn staff_only_fields(&self) -> Vec<&'static str> {
        let mut sent = Vec::new();
        if self.name.is_some() {
            sent.push("name");
        }
        if self.tools_denied.is_some() {
            sent.push("toolsDenied");
        }
        if self.tool_profile.is_some() {
            sent.push("toolProfile");
        }
        if self.is_active.is_some() {
            sent.push("isActive");
        }
        sent
    }

    /// Checks every field, then applies them to `agent`; the result must not
    /// allow and deny the same tool.
    pub fn apply(self, agent: &agent_config::Model) -> Result<Applied, AppError> {
        let mut errors = Vec::new();
        let mut out = Applied {
            name: agent.name.clone(),
            soul_md: agent.soul_md.clone(),
            tools_allowed: json_strings(&agent.tools_allowed),
            tools_denied: json_strings(&agent.tools_denied),
            tool_profile: agent.tool_profile.clone(),
            autonomy_level: agent.autonomy_level,
            external_comms_unlocks: agent.external_comms_unlocks.clone(),
            is_active: agent.is_active,
        };
        if let Some(name) = self.name {
            match parse_agent_name("name", &name) {
                Ok(n) => out.name = n,
                Err(e) => errors.push(e),
            }
        }
        if let Some(soul) = self.soul_md {
            match check_soul("soulMd", &soul) {
                Ok(()) => out.soul_md = soul,
                Err(e) => errors.push(e),
            }
        }
        let allowed_sent = self.tools_allowed.is_some();
        if let Some(tools) = self.tools_allowed {
            match parse_tools("toolsAllowed", &tools) {
                Ok(t) => out.tools_allowed = t,
                Err(e) => errors.push(e),
            }
        }
        if let Some(tools) = self.tools_denied {
            match parse_tools("toolsDenied", &tools) {
                Ok(t) => out.tools_denied = t,
                Err(e) => errors.push(e),
            }
        }
        if let Some(profile) = self.tool_profile {
            if is_slug(&profile) {
                out.tool_profile = profile;
            } else {
                errors.push(FieldError::new("toolProfile", "must be a slug: a lower-case letter, then [a-z0-9-], at most 64"));
            }
        }
        if let Some(level) = self.autonomy_level {
            match check_autonomy("autonomyLevel", level) {
                Ok(()) => out.autonomy_level = level,
                Err(e) => errors.push(e),
            }
        }
        if let Some(unlocks) = self.external_comms_unlocks {
            match parse_unlocks(unlocks) {
                Ok(u) => out.external_comms_unlocks = u,
                Err(e) => errors.push(e),
            }
        }
        if let Some(active) = self.is_active {
            out.is_active = active;
        }
        if errors.is_empty() {
            if let Some(both) = out.tools_allowed.iter().find(|t| out.tools_denied.contains(t)) {
                let field = if allowed_sent { "toolsAllowed" } else { "toolsDenied" };
                errors.push(FieldError::new(field, format!("`{both}` cannot be both allowed and denied")));
            }
        }
        AppError::check_fields(errors)?;
        Ok(out)
    }
}

/// An agent's fields after a valid update.
#[derive(Debug, Clone)]
pub struct Applied {
    pub name: String,
    pub soul_md: String,
    pub tools_allowed: Vec<String>,
    pub tools_denied: Vec<String>,
    pub tool_profile: String,
    pub autonomy_level: i32,
    pub external_comms_unlocks: Option<Value>,
    pub is_active: bool,
}

/// An agent's display name: 1–128 characters after trimming.
pub(crate) fn parse_agent_name(field: &str, input: &str) -> Result<String, FieldError> {
    let name = input.trim();
    match name.chars().count() {
        0 => Err(FieldError::new(field, "must not be empty")),
        n if n > 128 => Err(FieldError::new(field, "must be at most 128 characters")),
        _ => Ok(name.to_owned()),
    }
}

/// An autonomy level: 1 (asks for everything) to 4.
pub(crate) fn check_autonomy(field: &str, level: i32) -> Result<(), FieldError> {
    if (1..=4).contains(&level) {
        Ok(())
    } else {
        Err(FieldError::new(field, "must be between 1 and 4"))
    }
}

fn check_soul(field: &str, soul: &str) -> Result<(), FieldError> {
    if soul.trim().is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if soul.chars().count() > MAX_SOUL_MD {
        return Err(FieldError::new(field, format!("must be at most {MAX_SOUL_MD} characters")));
    }
    Ok(())
}

/// `{tool: bool}`; an empty object means no unlocks (stored as null).
fn parse_unlocks(value: Value) -> Result<Option<Value>, FieldError> {
    let field = "externalCommsUnlocks";
    let Value::Object(map) = value else {
        return Err(FieldError::new(field, "must be an object of tool name → true/false"));
    };
    if map.len() > 100 {
        return Err(FieldError::new(field, "at most 100 tools"));
    }
    for (tool, unlocked) in &map {
        if !is_tool_name(tool) {
            return Err(FieldError::new(field, format!("`{tool}` is not a tool name ([a-z0-9_]+)")));
        }
        if !unlocked.is_boolean() {
            return Err(FieldError::new(field, format!("`{tool}` must be true or false")));
        }
    }
    Ok((!map.is_empty()).then_some(Value::Object(map)))
}

/// The strings of a stored JSON array (anything else reads as empty).
pub fn json_strings(value: &Value) -> Vec<String> {
    value.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unlocks() {
        assert_eq!(parse_unlocks(json!({})).unwrap(), None);
        assert_eq!(parse_unlocks(json!({"email_send": true})).unwrap(), Some(json!({"email_send": true})));
        assert!(parse_unlocks(json!({"email_send": "yes"})).is_err());
        assert!(parse_unlocks(json!(["email_send"])).is_err());
        assert!(parse_unlocks(json!({"Bad Tool": true})).is_err());
    }

    #[test]
    fn staff_only_fields_are_named() {
        let c = AgentChanges { name: Some("x".into()), tools_denied: Some(vec![]), soul_md: Some("s".into()), ..Default::default() };
        assert_eq!(c.staff_only_fields(), ["name", "toolsDenied"]);
    }
}
