//! The GraphQL transport: one same-origin POST to `/graphql`.
//!
//! It knows nothing about sessions; `auth::Auth::call` decides which token to
//! send and when to refresh and retry. Keeping the two apart lets the refresh
//! itself go out without an `Authorization` header (only the cookie), so an
//! expired access token can never make the refresh fail.

use crate::error::ApiError;
use gloo_net::http::Request;
use graphql_client::{GraphQLQuery, Response};
use web_sys::RequestCredentials;

const ENDPOINT: &str = "/graphql";

/// Serializes `{query, variables, operationName}` once, so a retry after a
/// refresh can resend the same body.
pub fn body<Q: GraphQLQuery>(variables: Q::Variables) -> String {
    serde_json::to_string(&Q::build_query(variables)).expect("GraphQL variables are plain data and always serialize")
}

/// The typed answer of `Q`, from the `data` that `send` returned.
pub fn decode<Q: GraphQLQuery>(data: serde_json::Value) -> Result<Q::ResponseData, ApiError> {
    serde_json::from_value(data).map_err(|_| ApiError::network("Unexpected answer from the server."))
}

/// Sends a prepared body; `token` becomes `Authorization: Bearer …`. Answers
/// the response's `data`, still untyped: this function is not generic, so the
/// whole HTTP exchange exists once in the WASM, not once per operation.
pub async fn send(body: &str, token: Option<&str>) -> Result<serde_json::Value, ApiError> {
    let mut request = Request::post(ENDPOINT)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        // Same-origin is the fetch default; spelled out because the refresh
        // cookie must go along and a cross-origin build must not leak it.
        .credentials(RequestCredentials::SameOrigin);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let response = request
        .body(body.to_owned())
        .map_err(|e| ApiError::network(format!("Could not build the request: {e}")))?
        .send()
        .await
        .map_err(|_| ApiError::network("Cannot reach the server. Check your connection and try again."))?;

    let status = response.status();
    let text = response.text().await.map_err(|_| ApiError::network(format!("The server's answer was cut off (HTTP {status}).")))?;
    // GraphQL errors may come with any status (429 and 413 among them), so the
    // body is read first and the status only explains an unreadable body.
    // Errors first: when a field fails, `data` may be partial (a failed non-null
    // field nulls its parent), which the typed response cannot hold, and the
    // error is what the person needs to see.
    let unexpected = || ApiError::network(format!("Unexpected answer from the server (HTTP {status})."));
    let parsed: Response<serde_json::Value> = serde_json::from_str(&text).map_err(|_| unexpected())?;
    match (parsed.data, parsed.errors) {
        (_, Some(errors)) if !errors.is_empty() => Err(ApiError::from_graphql(&errors)),
        (Some(data), _) if !data.is_null() => Ok(data),
        _ => Err(ApiError::network(format!("The server answered without data (HTTP {status})."))),
    }
}
