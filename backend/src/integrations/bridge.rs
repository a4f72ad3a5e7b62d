//! The HTTP leg of Hub → child project calls (spec 000 §3). The domain signs the
//! request (`domain/projects/outbound.rs`); this sends it on the shared client,
//! reads at most [`MAX_ANSWER_BYTES`] of the answer and times the round trip.

use std::time::{Duration, Instant};

use reqwest::{Method, Url};

/// A child's answer beyond this is cut off: Hub only reads small JSON answers.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// One signed request, ready to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// What came back, whatever the status.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why no answer came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Hub's client timeout passed (connect or whole request).
    Timeout,
    /// Refused, reset, DNS or TLS failure: the child is not reachable.
    Unreachable(String),
}

/// The answer (or failure) and how long it took.
#[derive(Debug)]
pub struct Sent {
    pub outcome: Result<Reply, Failure>,
    pub elapsed: Duration,
}

fn failure(err: &reqwest::Error) -> Failure {
    if err.is_timeout() {
        return Failure::Timeout;
    }
    // The innermost cause says most ("Connection refused"), without the URL.
    let mut cause: &dyn std::error::Error = err;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    Failure::Unreachable(cause.to_string())
}

async fn exchange(http: &reqwest::Client, request: Request) -> Result<Reply, Failure> {
    let mut builder = http.request(request.method, request.url);
    for (name, value) in request.headers {
        builder = builder.header(name, value);
    }
    let mut response = builder.body(request.body).send().await.map_err(|e| failure(&e))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| failure(&e))? {
        let room = MAX_ANSWER_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == MAX_ANSWER_BYTES {
            break;
        }
    }
    Ok(Reply { status, body })
}

/// Sends one request on the shared client (its connect and request timeouts apply).
pub async fn send(http: &reqwest::Client, request: Request) -> Sent {
    let started = Instant::now();
    let outcome = exchange(http, request).await;
    Sent { outcome, elapsed: started.elapsed() }
}
