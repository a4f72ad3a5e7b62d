//! What a resolver knows about its request: the actor, where the request came
//! from, and the refresh cookie (if the browser sent one).

use async_graphql::Context;

use crate::{
    auth::{Actor, RequestMeta},
    Services,
};

/// Per-request data, inserted by the HTTP and WebSocket handlers.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub actor: Actor,
    pub meta: RequestMeta,
    pub refresh_cookie: Option<String>,
    /// The credential as presented (`Bearer …`), so live subscriptions can re-check it.
    pub authorization: Option<String>,
}

/// Shorthands for resolvers.
pub trait ContextExt {
    fn services(&self) -> &Services;
    fn request(&self) -> &RequestContext;
    fn actor(&self) -> &Actor {
        &self.request().actor
    }
    fn meta(&self) -> &RequestMeta {
        &self.request().meta
    }
}

impl ContextExt for Context<'_> {
    fn services(&self) -> &Services {
        self.data::<Services>().expect("Services are schema data")
    }

    fn request(&self) -> &RequestContext {
        static EMPTY: std::sync::OnceLock<RequestContext> = std::sync::OnceLock::new();
        self.data_opt::<RequestContext>().unwrap_or_else(|| EMPTY.get_or_init(RequestContext::default))
    }
}
