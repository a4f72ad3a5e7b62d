//! GraphQL subscriptions (over `/graphql/ws`, graphql-transport-ws). Every stream
//! ends once the connection's credential stops being valid. Each filters the
//! event bus by what its viewer may see, with the domain's visibility rules.

use std::{collections::HashSet, future::ready, time::Duration};

use async_graphql::{Context, Subscription as SubscriptionDerive};
use futures_util::{stream, Stream, StreamExt};
use tokio_stream::wrappers::{BroadcastStream, IntervalStream};
use uuid::Uuid;

use super::{
    alerts::{Alert, AlertSeverity},
    context::ContextExt,
    error::GqlResultExt,
    live_types::{ApprovalRequestedEvent, OrderEvent},
    types::SecurityEvent,
};
use crate::{
    auth::{
        authenticate,
        capability::{DecideApprovals, OwnAccount, ReadAlerts, ReadOrders},
        Actor,
    },
    domain::{alerts, approvals, orders},
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
        Ok(while_authorized(ctx.services().clone(), ctx.request().authorization.clone(), user_id, PerItem::FullCheck, events))
    }

    /// New alerts the viewer may see (staff SUPPORT and above: all; a customer:
    /// those raised about them), as they are raised on any replica.
    ///
    /// `severity`: only alerts of this severity or higher (INFO < WARNING <
    /// CRITICAL); `WARNING` gives WARNING and CRITICAL. Omitted: all.
    ///
    /// `after`: the id of the last alert the client has seen. The stream first
    /// replays every matching alert created after it (ordered by `createdAt`,
    /// then `id`; at most 500 — page the `alerts` query for more), then goes
    /// live: none is missed and none comes twice. Live alerts come in the order
    /// they were raised, which across replicas may differ slightly from
    /// `(createdAt, id)`. An `after` the viewer may not see is `NOT_FOUND`.
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        severity: Option<AlertSeverity>,
        after: Option<Uuid>,
    ) -> async_graphql::Result<impl Stream<Item = Alert>> {
        let cap = ctx.actor().grant::<ReadAlerts>().gql()?;
        let viewer = cap.user_id();
        let services = ctx.services().clone();
        // Subscribed before the replay reads, so an alert committed meanwhile is
        // in the replay, or live, or both (then it is skipped live).
        let live = BroadcastStream::new(services.events.subscribe());
        let min: Option<entity::AlertSeverity> = severity.map(Into::into);
        let replayed = match after {
            Some(after) => alerts::replay_after(&services, &cap, after, min).await.gql()?,
            None => Vec::new(),
        };
        let seen: HashSet<Uuid> = replayed.iter().map(|a| a.id).collect();
        let live = live.filter_map(move |event| {
            ready(match event {
                Ok(Event::Alert(e))
                    if alerts::may_see(&cap, &e.alert)
                        && min.is_none_or(|m| alerts::rank(e.alert.severity) >= alerts::rank(m))
                        && !seen.contains(&e.alert.id) =>
                {
                    Some(Alert::from(e.alert.as_ref().clone()))
                }
                _ => None,
            })
        });
        let items = stream::iter(replayed.into_iter().map(Alert::from)).chain(live);
        Ok(while_authorized(services, ctx.request().authorization.clone(), viewer, PerItem::Expiry, items))
    }

    /// Status changes and provisioning log lines of one order, live (staff who
    /// may read orders; a customer their own). An order the viewer may not read
    /// is `NOT_FOUND`. `kind` tells which fields are set.
    async fn order_events(&self, ctx: &Context<'_>, order_id: Uuid) -> async_graphql::Result<impl Stream<Item = OrderEvent>> {
        let cap = ctx.actor().grant::<ReadOrders>().gql()?;
        let services = ctx.services().clone();
        let live = BroadcastStream::new(services.events.subscribe());
        orders::get(&services, &cap, order_id).await.gql()?;
        let viewer = cap.user_id();
        let events = live.filter_map(move |event| {
            ready(match event {
                Ok(Event::Order(e)) if e.order_id == order_id && orders::live::may_see(&cap, e.customer_id) => Some(OrderEvent::from(e)),
                _ => None,
            })
        });
        Ok(while_authorized(services, ctx.request().authorization.clone(), viewer, PerItem::Expiry, events))
    }

    /// Approval requests as tenants send them, for those who may decide them
    /// (staff ADMIN and above: all; a customer: those of their own orders).
    async fn approval_requested(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = ApprovalRequestedEvent>> {
        let cap = ctx.actor().grant::<DecideApprovals>().gql()?;
        let services = ctx.services().clone();
        let viewer = cap.user_id();
        let events = BroadcastStream::new(services.events.subscribe()).filter_map(move |event| {
            ready(match event {
                Ok(Event::ApprovalRequested(e)) if approvals::may_see(&cap, e.customer_id) => Some(ApprovalRequestedEvent::from(e)),
                _ => None,
            })
        });
        Ok(while_authorized(services, ctx.request().authorization.clone(), viewer, PerItem::Expiry, events))
    }
}

/// How much checking an item of a stream costs before it is passed on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PerItem {
    /// The whole credential, in the database: for streams whose items are
    /// themselves security events (a sign-out must not be delivered).
    FullCheck,
    /// Only the access token's expiry, against the clock.
    Expiry,
}

/// Passes `items` on while the connection's credential stays valid, and ends the
/// stream (the client gets `complete`) once the session is signed out, revoked,
/// expired or its account deactivated. The full check (session or API token and
/// account, in the database) runs every `subscription_recheck_secs` and at once
/// when a security event concerns the viewer (sign-out, revocation, password or
/// second-factor change): a credential revoked on this replica ends the stream
/// at once, one revoked on another replica within the interval. Between full
/// checks an item costs only the token's expiry against the clock, so one alert
/// fanned out to a thousand viewers costs no database read.
fn while_authorized<T: Send + 'static>(
    services: Services,
    authorization: Option<String>,
    viewer: Uuid,
    per_item: PerItem,
    items: impl Stream<Item = T> + Send + 'static,
) -> impl Stream<Item = T> + Send + 'static {
    enum Step<T> {
        Item(T),
        Recheck,
    }
    let every = Duration::from_secs(services.config.graphql.subscription_recheck_secs.max(1));
    let ticks = IntervalStream::new(tokio::time::interval_at(tokio::time::Instant::now() + every, every)).map(|_| Step::Recheck);
    let security = BroadcastStream::new(services.events.subscribe()).filter_map(move |event| {
        ready(match event {
            Ok(Event::Security(e)) if e.user_id == viewer => Some(Step::Recheck),
            _ => None,
        })
    });
    // A session's access token expires at a known second; API tokens are
    // left to the full check.
    let expires_at = authorization
        .as_deref()
        .and_then(|value| value.trim().strip_prefix("Bearer ").or_else(|| value.trim().strip_prefix("bearer ")))
        .and_then(|token| services.jwt.verify(token.trim()))
        .map(|claims| claims.exp);
    stream::select(items.map(Step::Item), stream::select(ticks, security))
        .then(move |step| {
            let (services, authorization) = (services.clone(), authorization.clone());
            async move {
                let full = matches!(step, Step::Recheck) || per_item == PerItem::FullCheck;
                let valid = if full {
                    let actor = authenticate::resolve(&services.db, &services.jwt, authorization.as_deref()).await;
                    matches!(actor, Ok(Actor::User(_)))
                } else {
                    expires_at.is_none_or(|exp| chrono::Utc::now().timestamp() < exp)
                };
                (valid, step)
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
