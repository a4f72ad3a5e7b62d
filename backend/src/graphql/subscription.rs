//! GraphQL subscriptions (over `/graphql/ws`, graphql-transport-ws).

use async_graphql::{Context, Subscription as SubscriptionDerive};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use super::{context::ContextExt, error::GqlResultExt, types::SecurityEvent};
use crate::{auth::capability::OwnAccount, events::Event};

pub struct Subscription;

#[SubscriptionDerive]
impl Subscription {
    /// Security events on the viewer's own account as they happen (sign-ins,
    /// second-factor changes, API tokens created or revoked).
    async fn security_events(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = SecurityEvent>> {
        let cap = ctx.actor().grant::<OwnAccount>().gql()?;
        let user_id = cap.user_id();
        let receiver = ctx.services().events.subscribe();
        Ok(BroadcastStream::new(receiver).filter_map(move |event| async move {
            match event {
                Ok(Event::Security(e)) if e.user_id == user_id => Some(SecurityEvent { action: e.action, ip: e.ip, created_at: e.at }),
                _ => None,
            }
        }))
    }
}
