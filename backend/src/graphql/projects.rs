//! The bridge project registry and its sync log (spec 000): staff read them,
//! MANAGER+ registers projects and rotates their secrets (shown once).

use async_graphql::{Context, InputObject, Json, Object, SimpleObject};
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
        registry::{self, NewProject},
        sync_log as logs, ProjectSecret,
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
    /// `health.status` of the last heartbeat (e.g. `ok`); null before the first.
    pub health_status: Option<String>,
    /// machine, runtime and health of the last heartbeat.
    pub last_heartbeat: Option<Json<serde_json::Value>>,
    pub created_at: DateTime<Utc>,
}

impl From<project::Model> for Project {
    fn from(p: project::Model) -> Self {
        let health_status = registry::health_status(&p);
        Self {
            id: p.id,
            slug: p.slug,
            name: p.name,
            base_url: p.base_url,
            project_key: p.project_key,
            last_heartbeat_at: p.last_heartbeat_at,
            health_status,
            last_heartbeat: p.last_heartbeat.map(Json),
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

/// One bridge call in the sync log (never bodies or secrets).
#[derive(SimpleObject)]
pub struct SyncLog {
    pub id: Uuid,
    /// `INBOUND` (child → Hub).
    pub direction: String,
    /// The project slug as the caller sent it.
    pub project_slug: String,
    pub endpoint: String,
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
            direction: l.direction,
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

    /// The bridge sync log, newest first, optionally for one project slug (staff).
    async fn sync_logs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        project: Option<String>,
    ) -> async_graphql::Result<Paged<SyncLog>> {
        let cap = ctx.actor().grant::<ReadProjects>().gql()?;
        paged(first, after, |page| logs::list(ctx.services(), &cap, project, page)).await
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
}
