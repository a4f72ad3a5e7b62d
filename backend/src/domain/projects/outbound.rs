//! Hub → child calls (spec 000 §3), signed the way children sign theirs, with Hub
//! as the sender: `X-Mintreu-Project` is the child's slug, `X-Mintreu-Key` its
//! project key, and the signature uses the project's own secret, so a child
//! verifies Hub with the very credentials it was given at registration. Every
//! call, answered or not, is written to the sync log as OUTBOUND.

use chrono::Utc;
use entity::project;
use reqwest::{Method, Url};
use serde_json::Value;

use super::{
    signature,
    sync_log::{self, Call, Direction},
};
use crate::{
    integrations::bridge::{self, Failure, Reply, Request},
    Services,
};

/// Sync-log codes of failed outbound calls.
pub const UNREACHABLE: &str = "UNREACHABLE";
pub const TIMEOUT: &str = "TIMEOUT";
/// The child answered, but not 2xx (or `"success": false`).
pub const CHILD_ERROR: &str = "CHILD_ERROR";
/// The child answered 2xx with a body Hub cannot read.
pub const BAD_ANSWER: &str = "BAD_ANSWER";
/// Hub could not prepare the call (e.g. the project's secret cannot be decrypted).
pub const HUB_ERROR: &str = "HUB_ERROR";

/// The child endpoints Hub calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST {base}/api/internal/saas/vendors/provision`
    Provision,
    /// `GET {base}/api/health`
    Health,
}

impl Endpoint {
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Provision => "/api/internal/saas/vendors/provision",
            Endpoint::Health => "/api/health",
        }
    }

    fn method(self) -> Method {
        match self {
            Endpoint::Provision => Method::POST,
            Endpoint::Health => Method::GET,
        }
    }

    /// Whether a 2xx answer must be a JSON object to be of use.
    fn needs_json(self) -> bool {
        self == Endpoint::Provision
    }
}

/// A 2xx answer. `body` is the JSON the child sent, or null.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub latency_ms: i64,
}

/// A call that did not succeed, as it was logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The child's HTTP status, if it answered at all.
    pub status: Option<u16>,
    pub code: &'static str,
    pub message: String,
    pub latency_ms: i64,
}

impl CallError {
    fn new(status: Option<u16>, code: &'static str, message: impl Into<String>, latency_ms: i64) -> Self {
        Self { status, code, message: message.into(), latency_ms }
    }
}

/// What the child says went wrong: `error.message`, `message` or `error` of a
/// JSON body, else the start of the text, else the status.
fn child_message(status: u16, body: &[u8]) -> String {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let said = json.as_ref().and_then(|v| {
        [v.pointer("/error/message"), v.get("message"), v.get("error")].into_iter().flatten().find_map(Value::as_str).map(str::to_owned)
    });
    let text = || Some(String::from_utf8_lossy(body).trim().chars().take(200).collect::<String>()).filter(|t| !t.is_empty());
    let said = said.or_else(|| json.is_none().then(text).flatten());
    match said {
        Some(message) => format!("HTTP {status}: {message}"),
        None => format!("HTTP {status}"),
    }
}

fn judge(endpoint: Endpoint, reply: Reply, latency_ms: i64) -> Result<Answer, CallError> {
    let status = reply.status;
    if !(200..300).contains(&status) {
        return Err(CallError::new(Some(status), CHILD_ERROR, child_message(status, &reply.body), latency_ms));
    }
    let body: Option<Value> = serde_json::from_slice(&reply.body).ok();
    if body.as_ref().and_then(|b| b.get("success")) == Some(&Value::Bool(false)) {
        return Err(CallError::new(Some(status), CHILD_ERROR, child_message(status, &reply.body), latency_ms));
    }
    if endpoint.needs_json() && !body.as_ref().is_some_and(Value::is_object) {
        return Err(CallError::new(Some(status), BAD_ANSWER, "the answer is not a JSON object", latency_ms));
    }
    Ok(Answer { status, body: body.unwrap_or(Value::Null), latency_ms })
}

/// The signed request for `endpoint` of `project`, with `body` (empty for GET).
fn prepare(services: &Services, project: &project::Model, endpoint: Endpoint, body: Vec<u8>) -> Result<Request, String> {
    let url =
        Url::parse(&format!("{}{}", project.base_url, endpoint.path())).map_err(|_| "the project's base URL is not usable".to_owned())?;
    let secret =
        services.master_key.decrypt(&project.secret_encrypted).map_err(|_| "the project's secret cannot be decrypted".to_owned())?;
    let method = endpoint.method();
    let timestamp = Utc::now().timestamp().to_string();
    // The path as the child's server sees it, so a base URL with a prefix signs right.
    let signature = signature::sign(&secret, &timestamp, method.as_str(), url.path(), &body);
    let mut headers = vec![
        ("Accept", "application/json".to_owned()),
        ("X-Mintreu-Project", project.slug.clone()),
        ("X-Mintreu-Key", project.project_key.clone()),
        ("X-Mintreu-Timestamp", timestamp),
        ("X-Mintreu-Signature", signature),
    ];
    if method == Method::POST {
        headers.push(("Content-Type", "application/json".to_owned()));
    }
    Ok(Request { method, url, headers, body })
}

async fn exchange(services: &Services, project: &project::Model, endpoint: Endpoint, body: Vec<u8>) -> Result<Answer, CallError> {
    let request = prepare(services, project, endpoint, body).map_err(|message| CallError::new(None, HUB_ERROR, message, 0))?;
    let sent = bridge::send(&services.http, request).await;
    let latency_ms = i64::try_from(sent.elapsed.as_millis()).unwrap_or(i64::MAX);
    match sent.outcome {
        Ok(reply) => judge(endpoint, reply, latency_ms),
        Err(Failure::Timeout) => Err(CallError::new(None, TIMEOUT, "the child did not answer in time", latency_ms)),
        Err(Failure::Unreachable(why)) => Err(CallError::new(None, UNREACHABLE, format!("the child is unreachable: {why}"), latency_ms)),
    }
}

/// Calls `endpoint` of `project` with `body` (POST) or none (GET), signed, and
/// logs the call. A log that cannot be written is only warned about: the
/// caller still learns what the child said.
pub async fn call(services: &Services, project: &project::Model, endpoint: Endpoint, body: Option<&Value>) -> Result<Answer, CallError> {
    let bytes = body.map(|b| serde_json::to_vec(b).expect("JSON values serialize")).unwrap_or_default();
    let outcome = exchange(services, project, endpoint, bytes).await;
    let (status, latency_ms, error) = match &outcome {
        Ok(answer) => (answer.status, answer.latency_ms, None),
        Err(e) => (e.status.unwrap_or(0), e.latency_ms, Some((e.code, e.message.clone()))),
    };
    let logged = Call { project_slug: &project.slug, endpoint: endpoint.path(), status, latency_ms, error };
    if let Err(err) = sync_log::record(services, Direction::Outbound, logged).await {
        tracing::warn!(error = %err, project = %project.slug, "could not write the bridge sync log");
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply { status, body: body.as_bytes().to_vec() }
    }

    #[test]
    fn a_refusal_carries_the_childs_words() {
        let err = judge(Endpoint::Provision, reply(422, r#"{"success":false,"error":{"message":"domain taken"}}"#), 5).unwrap_err();
        assert_eq!((err.status, err.code, err.message.as_str()), (Some(422), CHILD_ERROR, "HTTP 422: domain taken"));
        let err = judge(Endpoint::Health, reply(503, "maintenance"), 5).unwrap_err();
        assert_eq!(err.message, "HTTP 503: maintenance");
        assert_eq!(judge(Endpoint::Health, reply(500, ""), 5).unwrap_err().message, "HTTP 500");
    }

    #[test]
    fn success_false_is_a_refusal_even_with_200() {
        let err = judge(Endpoint::Provision, reply(200, r#"{"success":false,"message":"no capacity"}"#), 1).unwrap_err();
        assert_eq!((err.code, err.message.as_str()), (CHILD_ERROR, "HTTP 200: no capacity"));
    }

    #[test]
    fn provisioning_needs_a_json_object_but_health_does_not() {
        assert_eq!(judge(Endpoint::Provision, reply(200, "ok"), 1).unwrap_err().code, BAD_ANSWER);
        let answer = judge(Endpoint::Health, reply(200, "ok"), 1).unwrap();
        assert_eq!((answer.status, answer.body), (200, Value::Null));
        let answer = judge(Endpoint::Provision, reply(201, r#"{"data":{"vendor_id":7}}"#), 1).unwrap();
        assert_eq!(answer.body["data"]["vendor_id"], 7);
    }
}
