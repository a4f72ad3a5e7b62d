//! The bridge project registry and its sync log (spec 000): staff read them,
//! MANAGER+ registers projects, rotates their secrets (shown once) and pings them.

use async_graphql::{Context, Enum, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{project, sync_log};
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
};
use crate::{
    auth::capability::{ManageProjects, ReadProjects},
    domain::projects::{
        ping,
        registry::{self, NewProject},
        sync_log::{self as logs, Direction, SyncLogFilter},
        ProjectSecret,
    },
};

/// A child API project of the signed bridge.
#[derive(SimpleObject)]
pub struct Project {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub base_url: String,
    /// The public key the child sends in `X-Mintreu-Key`.
    pub project_key: String,
    pub last_heartbeat_at: Option<DateTime<Utc>>,
    /// LIVE while heartbeats arrive (the last within 10 minutes), STALE after, NEVER before the first.
    pub heartbeat_state: HeartbeatState,
    /// `health.status` of the last heartbeat (e.g. `ok`); null before the first.
    pub health_status: Option<String>,
    /// machine, runtime and health of the last heartbeat.
    pub last_heartbeat: Option<Json<serde_json::Value>>,
    /// The last `pingProject`; null before the first.
    pub last_ping: Option<ProjectPing>,
    pub created_at: DateTime<Utc>,
}

/// Whether a project's heartbeats are coming in.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::domain::projects::registry::HeartbeatState")]
pub enum HeartbeatState {
    Never,
    Live,
    Stale,
}

/// The outcome of a `pingProject` (a signed `GET {baseUrl}/api/health`).
#[derive(SimpleObject)]
pub struct ProjectPing {
    pub at: DateTime<Utc>,
    /// Whether the child answered 2xx.
    pub ok: bool,
    /// The child's HTTP status; null when it did not answer at all.
    pub status: Option<i32>,
    pub latency_ms: i64,
    /// Why it failed: unreachable, timed out, or the child's own words.
    pub error: Option<String>,
}

impl From<project::Model> for Project {
    fn from(p: project::Model) -> Self {
        let health_status = registry::health_status(&p);
        let heartbeat_state = registry::heartbeat_state(&p, Utc::now()).into();
        let last_ping = p.last_ping_at.map(|at| ProjectPing {
            at,
            ok: p.last_ping_ok.unwrap_or(false),
            status: p.last_ping_status,
            latency_ms: p.last_ping_latency_ms.unwrap_or(0),
            error: p.last_ping_error.clone(),
        });
        Self {
            id: p.id,
            slug: p.slug,
            name: p.name,
            base_url: p.base_url,
            project_key: p.project_key,
            last_heartbeat_at: p.last_heartbeat_at,
            heartbeat_state,
            health_status,
            last_heartbeat: p.last_heartbeat.map(Json),
            last_ping,
            created_at: p.created_at,
        }
    }
}

/// A project with its HMAC secret, shown only in this answer.
#[derive(SimpleObject)]
pub struct ProjectCredentials {
    pub project: Project,
    pub project_key: String,
    /// The HMAC secret; Hub never shows it again.
    pub secret: String,
}

impl From<ProjectSecret> for ProjectCredentials {
    fn from(s: ProjectSecret) -> Self {
        Self { project_key: s.project.project_key.clone(), project: s.project.into(), secret: s.secret }
    }
}

/// Which way a bridge call went.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SyncDirection {
    /// Child → Hub (heartbeat, site-stats).
    Inbound,
    /// Hub → child (vendors/provision, health).
    Outbound,
}

impl From<SyncDirection> for Direction {
    fn from(d: SyncDirection) -> Self {
        match d {
            SyncDirection::Inbound => Direction::Inbound,
            SyncDirection::Outbound => Direction::Outbound,
        }
    }
}

/// One bridge call in the sync log (never bodies or secrets).
#[derive(SimpleObject)]
pub struct SyncLog {
    pub id: Uuid,
    pub direction: SyncDirection,
    /// The project slug (inbound: as the caller sent it, even when unknown).
    pub project_slug: String,
    pub endpoint: String,
    /// The HTTP status; 0 when an outbound call got no answer.
    pub status: i32,
    pub latency_ms: i64,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<sync_log::Model> for SyncLog {
    fn from(l: sync_log::Model) -> Self {
        Self {
            id: l.id,
            direction: if l.direction == logs::OUTBOUND { SyncDirection::Outbound } else { SyncDirection::Inbound },
            project_slug: l.project_slug,
            endpoint: l.endpoint,
            status: l.status,
            latency_ms: l.latency_ms,
            error_code: l.error_code,
            error_message: l.error_message,
            created_at: l.created_at,
        }
    }
}

#[derive(InputObject)]
pub struct RegisterProjectInput {
    /// 3 to 64 of `a-z`, `0-9` and `-`.
    pub slug: String,
    pub name: String,
    /// The child's http(s) base URL.
    pub base_url: String,
}

#[derive(Default)]
pub struct ProjectQuery;

#[Object]
impl ProjectQuery {
    /// Bridge projects by slug (staff).
    async fn projects(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> async_graphql::Result<Paged<Project>> {
        let cap = ctx.actor().grant::<ReadProjects>().gql()?;
        paged(first, after, |page| registry::list(ctx.services(), &cap, page)).await
    }

    /// One bridge project by slug (staff); null when unknown.
    async fn project(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Option<Project>> {
        let cap = ctx.actor().grant::<ReadProjects>().gql()?;
        registry::find(ctx.services(), &cap, &slug).await.map(|p| p.map(Into::into)).gql()
    }

    /// The bridge sync log, newest first, optionally for one project slug and
    /// one direction (staff).
    async fn sync_logs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        project: Option<String>,
        direction: Option<SyncDirection>,
    ) -> async_graphql::Result<Paged<SyncLog>> {
        let cap = ctx.actor().grant::<ReadProjects>().gql()?;
        let filter = SyncLogFilter { project, direction: direction.map(Into::into) };
        paged(first, after, |page| logs::list(ctx.services(), &cap, filter, page)).await
    }
}

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Registers a bridge project (MANAGER+); its key and secret are shown once.
    async fn register_project(&self, ctx: &Context<'_>, input: RegisterProjectInput) -> async_graphql::Result<ProjectCredentials> {
        let cap = ctx.actor().grant::<ManageProjects>().gql()?;
        let input = NewProject { slug: input.slug, name: input.name, base_url: input.base_url };
        registry::register(ctx.services(), &cap, input, ctx.meta()).await.map(Into::into).gql()
    }

    /// Replaces a project's HMAC secret (MANAGER+); the new one is shown once.
    async fn rotate_project_secret(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<ProjectCredentials> {
        let cap = ctx.actor().grant::<ManageProjects>().gql()?;
        registry::rotate_secret(ctx.services(), &cap, &slug, ctx.meta()).await.map(Into::into).gql()
    }

    /// Pings the project's child with a signed `GET {baseUrl}/api/health`
    /// (MANAGER+); answers the project with `lastPing` updated. An unreachable
    /// child is a result (`lastPing.ok: false`), not an error.
    async fn ping_project(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Project> {
        let cap = ctx.actor().grant::<ManageProjects>().gql()?;
        ping::ping(ctx.services(), &cap, &slug).await.map(Into::into).gql()
    }
}
