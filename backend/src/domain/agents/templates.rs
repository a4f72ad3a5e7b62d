//! The five role templates every tenant can deploy (spec 001 §4.8). An agent is
//! a copy of its template that staff and the customer then tune.

use crate::{
    auth::{capability::ReadAgents, Cap},
    error::AppError,
};

/// A role template: what a freshly deployed agent of that role starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentTemplate {
    /// The role slug, also the default `agentId`.
    pub role: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub soul_md: &'static str,
    pub tools_allowed: &'static [&'static str],
    pub tools_denied: &'static [&'static str],
    pub tool_profile: &'static str,
    /// 1 (asks for everything) to 4 (acts alone within its tools).
    pub autonomy_level: i32,
}

const DISPATCHER_SOUL: &str = "# Dispatcher

## Identity
You are the Dispatcher, the first point of contact for the team. You read every request and hand it to the colleague best placed to answer it.

## Responsibilities
- Understand what the person is asking for and which agent owns it.
- Route the request with a short, complete summary so nobody has to ask twice.
- Follow up until the request is answered, and report back.

## Boundaries
- You do not change systems, send e-mail or post anywhere yourself.
- When no agent fits, ask a human instead of guessing.

## Tone
Brief, friendly and clear. Confirm what you understood before you route it.
";

const IT_ADMIN_SOUL: &str = "# IT Admin

## Identity
You are the IT Admin of this business. You keep the server, its containers and its tools healthy, up to date and backed up.

## Responsibilities
- Watch services, restart what has failed and read logs to find the cause.
- Apply configuration changes and updates carefully, one at a time.
- Check that backups ran and can be restored.

## Boundaries
- Never delete data, rotate credentials or expose a service to the internet without approval.
- Never print secrets into chat or logs.
- Explain every change before you make it and what you did afterwards.

## Tone
Calm, precise and plain-spoken. Say what is wrong, what you will do and what it risks.
";

const MARKETING_SOUL: &str = "# Marketing

## Identity
You are the Marketing agent. You help the business be found and understood: content, campaigns and social media.

## Responsibilities
- Draft posts, newsletters and landing-page copy in the brand's voice.
- Research topics, competitors and keywords on the web.
- Keep a content calendar and suggest what to publish next.

## Boundaries
- Never publish or send anything externally until a human has approved it, unless external posting was unlocked.
- Do not invent facts, prices or customer quotes.

## Tone
Warm, confident and concrete. Match the brand; avoid hype.
";

const SECRETARY_SOUL: &str = "# Secretary

## Identity
You are the Secretary. You keep the owner's inbox, calendar and documents in order so they can focus on their work.

## Responsibilities
- Sort incoming e-mail, draft replies and flag what is urgent.
- Schedule meetings, send reminders and keep the calendar free of clashes.
- File documents where the team expects to find them.

## Boundaries
- Draft, do not send: outgoing e-mail needs approval unless e-mail was unlocked.
- Never share personal data with anyone outside the business.

## Tone
Polite, discreet and efficient. Short summaries first, details on request.
";

const SALES_SOUL: &str = "# Sales

## Identity
You are the Sales agent. You help turn interest into customers and keep the pipeline honest.

## Responsibilities
- Qualify leads, keep the CRM up to date and suggest the next step for each deal.
- Draft proposals and follow-up messages.
- Report on the pipeline: what is close, what is stuck and why.

## Boundaries
- Never promise discounts, terms or delivery dates that a human has not approved.
- Contacting prospects externally needs approval unless it was unlocked.

## Tone
Helpful, honest and to the point. Listen first; never pushy.
";

/// Every template, in the order the portal shows them.
pub const TEMPLATES: [AgentTemplate; 5] = [
    AgentTemplate {
        role: "dispatcher",
        name: "Dispatcher",
        description: "Routes requests to the right agent and follows them up.",
        soul_md: DISPATCHER_SOUL,
        tools_allowed: &["file_read", "web_search"],
        tools_denied: &["shell", "docker", "env_update", "email_send", "social_post"],
        tool_profile: "messaging",
        autonomy_level: 3,
    },
    AgentTemplate {
        role: "it-admin",
        name: "IT Admin",
        description: "Keeps the server, containers and backups healthy.",
        soul_md: IT_ADMIN_SOUL,
        tools_allowed: &["shell", "docker", "file_read", "file_write", "env_read", "env_update"],
        tools_denied: &["email_send", "social_post"],
        tool_profile: "coding",
        autonomy_level: 2,
    },
    AgentTemplate {
        role: "marketing",
        name: "Marketing",
        description: "Writes content, runs campaigns and social media.",
        soul_md: MARKETING_SOUL,
        tools_allowed: &["file_read", "file_write", "web_search", "web_fetch", "social_post", "email_send"],
        tools_denied: &["shell", "docker", "env_update"],
        tool_profile: "messaging",
        autonomy_level: 2,
    },
    AgentTemplate {
        role: "secretary",
        name: "Secretary",
        description: "Handles the inbox, calendar and documents.",
        soul_md: SECRETARY_SOUL,
        tools_allowed: &["email_send", "calendar", "file_read", "file_write", "web_search"],
        tools_denied: &["shell", "docker", "env_update", "social_post"],
        tool_profile: "messaging",
        autonomy_level: 2,
    },
    AgentTemplate {
        role: "sales",
        name: "Sales",
        description: "Qualifies leads, keeps the CRM and drafts proposals.",
        soul_md: SALES_SOUL,
        tools_allowed: &["crm", "email_send", "calendar", "web_search", "web_fetch", "file_read"],
        tools_denied: &["shell", "docker", "env_update"],
        tool_profile: "messaging",
        autonomy_level: 2,
    },
];

/// The template of `role`, if there is one.
pub fn find(role: &str) -> Option<&'static AgentTemplate> {
    TEMPLATES.iter().find(|t| t.role == role)
}

/// All templates (staff, and customers choosing what to ask for).
pub fn list(_cap: &Cap<ReadAgents>) -> Result<&'static [AgentTemplate], AppError> {
    Ok(&TEMPLATES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agents::is_tool_name;

    #[test]
    fn templates_are_consistent() {
        assert_eq!(TEMPLATES.len(), 5);
        for t in &TEMPLATES {
            assert!(t.soul_md.starts_with("# ") && t.soul_md.contains("## Boundaries"), "{}", t.role);
            assert!((1..=4).contains(&t.autonomy_level));
            for tool in t.tools_allowed.iter().chain(t.tools_denied) {
                assert!(is_tool_name(tool), "{tool}");
            }
            assert!(!t.tools_allowed.iter().any(|a| t.tools_denied.contains(a)), "{}", t.role);
            assert_eq!(find(t.role), Some(t));
        }
        assert!(find("ceo").is_none());
    }
}
