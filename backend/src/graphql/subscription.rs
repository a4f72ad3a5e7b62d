//! GraphQL subscriptions (over `/graphql/ws`, graphql-transport-ws). Every stream
//! ends once the connection's credential stops being valid.

use std::{future::ready, time::Duration};

use async_graphql::{Context, Subscription as SubscriptionDerive};
use futures_util::{stream, Stream, StreamExt};
use tokio_stream::wrappers::{BroadcastStream, IntervalStream};

use super::{context::ContextExt, error::GqlResultExt, types::SecurityEvent};
use crate::{
    auth::{authenticate, capability::OwnAccount, Actor},
    events::Event,
    Services,
};

pub struct Subscription;

#[SubscriptionDerive]
impl Subscription {
    /// Security events on the viewer's own account as they happen (sign-ins,
    /// second-factor changes, API tokens created or revoked).
    async fn security_events(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = SecurityEvent>> {
        let cap = ctx.actor().grant::<OwnAccount>().gql()?;
        let user_id = cap.user_id();
        let events = BroadcastStream::new(ctx.services().events.subscribe()).filter_map(move |event| async move {
            match event {
                Ok(Event::Security(e)) if e.user_id == user_id => Some(SecurityEvent { action: e.action, ip: e.ip, created_at: e.at }),
                _ => None,
            }
        });
        Ok(while_authorized(ctx.services().clone(), ctx.request().authorization.clone(), events))
    }
}

/// Passes `items` on while `authorization` still authenticates: checked before each
/// item and every `subscription_recheck_secs`. Ends the stream (the client gets
/// `complete`) once the session is signed out, revoked, expired or deactivated.
fn while_authorized<T: Send + 'static>(
    services: Services,
    authorization: Option<String>,
    items: impl Stream<Item = T> + Send + 'static,
) -> impl Stream<Item = T> + Send + 'static {
    enum Step<T> {
        Item(T),
        Recheck,
    }
    let every = Duration::from_secs(services.config.graphql.subscription_recheck_secs.max(1));
    let ticks = IntervalStream::new(tokio::time::interval_at(tokio::time::Instant::now() + every, every)).map(|_| Step::Recheck);
    stream::select(items.map(Step::Item), ticks)
        .then(move |step| {
            let (services, authorization) = (services.clone(), authorization.clone());
            async move {
                let actor = authenticate::resolve(&services.db, &services.jwt, authorization.as_deref()).await;
                (matches!(actor, Ok(Actor::User(_))), step)
            }
        })
        .take_while(|(valid, _)| ready(*valid))
        .filter_map(|(_, step)| {
            ready(match step {
                Step::Item(item) => Some(item),
                Step::Recheck => None,
            })
        })
}
