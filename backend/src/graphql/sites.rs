//! Licences and licensed sites of the signed bridge (spec 000): staff read all,
//! a customer their own; MANAGER+ creates licences and retries provisioning;
//! MANAGER+ or the licence's customer adds sites.

use async_graphql::{Context, Enum, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    connection::{paged, Paged},
    context::ContextExt,
    error::GqlResultExt,
};
use crate::{
    auth::capability::{AddSites, ManageLicenses, ReadSites},
    domain::sites::{self, licenses, read, LicenseFilter, LicenseView, NewLicense, NewSite, SiteFilter, SiteView},
};

/// Whether a licence takes new sites (only ACTIVE does).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::LicenseStatus")]
pub enum LicenseStatus {
    Active,
    Suspended,
    Revoked,
}

/// Where a site stands with its child project.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::SiteStatus")]
pub enum SiteStatus {
    /// Written; the child has not answered (yet).
    Pending,
    /// Provisioned by the child.
    Active,
    /// The child refused or was unreachable; see `lastError`, staff may retry.
    Failed,
}

/// A customer's right to sites on one child project.
#[derive(SimpleObject)]
pub struct License {
    pub id: Uuid,
    /// The licence key (`lic_…`) the child sees in provisioning calls.
    pub key: String,
    pub customer_id: Uuid,
    pub project_slug: String,
    pub project_name: String,
    pub plan: String,
    pub max_sites: i32,
    /// Sites added so far, whatever their status.
    pub sites_used: i32,
    pub status: LicenseStatus,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<LicenseView> for License {
    fn from(v: LicenseView) -> Self {
        let l = v.license;
        Self {
            id: l.id,
            key: l.key,
            customer_id: l.customer_id,
            project_slug: v.project_slug,
            project_name: v.project_name,
            plan: l.plan,
            max_sites: l.max_sites,
            sites_used: l.sites_used,
            status: l.status.into(),
            expires_at: l.expires_at,
            created_at: l.created_at,
        }
    }
}

/// A site of a licence, provisioned on the licence's child project.
#[derive(SimpleObject)]
pub struct Site {
    /// The site UUID the child reports telemetry under (`site_uuid`).
    pub uuid: Uuid,
    pub license_id: Uuid,
    pub license_key: String,
    pub project_slug: String,
    pub customer_id: Uuid,
    pub name: String,
    pub slug: String,
    pub domain: String,
    pub status: SiteStatus,
    /// The child's vendor and site ids, once provisioned.
    pub vendor_id: Option<i64>,
    pub child_site_id: Option<i64>,
    pub url: Option<String>,
    /// The child's whole answer (staff only; null for customers).
    pub details: Option<Json<serde_json::Value>>,
    pub last_error: Option<String>,
    /// Provisioning calls made so far (1 + retries).
    pub attempts: i32,
    pub provisioned_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SiteView> for Site {
    fn from(v: SiteView) -> Self {
        let s = v.site;
        Self {
            uuid: s.id,
            license_id: s.license_id,
            license_key: v.license_key,
            project_slug: v.project_slug,
            customer_id: s.customer_id,
            name: s.name,
            slug: s.slug,
            domain: s.domain,
            status: s.status.into(),
            vendor_id: s.vendor_id,
            child_site_id: s.child_site_id,
            url: s.url,
            details: s.details.map(Json),
            last_error: s.last_error,
            attempts: s.attempts,
            provisioned_at: s.provisioned_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(InputObject)]
pub struct CreateLicenseInput {
    pub customer_id: Uuid,
    /// The slug of a registered bridge project.
    pub project_slug: String,
    /// The plan it is sold under, as a label (e.g. `PRO`).
    pub plan: String,
    /// 1 to 10000.
    pub max_sites: i32,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(InputObject)]
pub struct AddSiteInput {
    pub name: String,
    /// 3 to 64 of `a-z`, `0-9` and `-`; unique within the project.
    pub slug: String,
    /// The site's domain, e.g. `velori.example.com`.
    pub domain: String,
}

#[derive(Default)]
pub struct SiteQuery;

#[Object]
impl SiteQuery {
    /// Licences, newest first (staff: all; a customer: their own).
    async fn licenses(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        customer_id: Option<Uuid>,
        project_slug: Option<String>,
        status: Option<LicenseStatus>,
    ) -> async_graphql::Result<Paged<License>> {
        let cap = ctx.actor().grant::<ReadSites>().gql()?;
        let filter = LicenseFilter { customer_id, project_slug, status: status.map(Into::into) };
        paged(first, after, |page| licenses::list(ctx.services(), &cap, filter, page)).await
    }

    /// Licensed sites, newest first (staff: all; a customer: their own).
    async fn sites(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        license_id: Option<Uuid>,
        project_slug: Option<String>,
        status: Option<SiteStatus>,
    ) -> async_graphql::Result<Paged<Site>> {
        let cap = ctx.actor().grant::<ReadSites>().gql()?;
        let filter = SiteFilter { license_id, project_slug, status: status.map(Into::into) };
        paged(first, after, |page| read::list(ctx.services(), &cap, filter, page)).await
    }

    /// One site by its UUID (staff: any; a customer: their own, else `NOT_FOUND`).
    async fn site(&self, ctx: &Context<'_>, uuid: Uuid) -> async_graphql::Result<Site> {
        let cap = ctx.actor().grant::<ReadSites>().gql()?;
        read::get(ctx.services(), &cap, uuid).await.map(Into::into).gql()
    }
}

#[derive(Default)]
pub struct SiteMutation;

#[Object]
impl SiteMutation {
    /// Sells a customer a licence for sites on a bridge project (MANAGER+).
    async fn create_license(&self, ctx: &Context<'_>, input: CreateLicenseInput) -> async_graphql::Result<License> {
        let cap = ctx.actor().grant::<ManageLicenses>().gql()?;
        let input = NewLicense {
            customer_id: input.customer_id,
            project_slug: input.project_slug,
            plan: input.plan,
            max_sites: input.max_sites,
            expires_at: input.expires_at,
        };
        licenses::create(ctx.services(), &cap, input, ctx.meta()).await.map(Into::into).gql()
    }

    /// Suspends, revokes or reactivates a licence (MANAGER+); only ACTIVE takes sites.
    async fn set_license_status(&self, ctx: &Context<'_>, id: Uuid, status: LicenseStatus) -> async_graphql::Result<License> {
        let cap = ctx.actor().grant::<ManageLicenses>().gql()?;
        licenses::set_status(ctx.services(), &cap, id, status.into(), ctx.meta()).await.map(Into::into).gql()
    }

    /// Adds a site to a licence and provisions it on the licence's child
    /// (MANAGER+, or the licence's customer). The site is kept whatever the child
    /// says: ACTIVE with its details, or FAILED with `lastError`.
    async fn add_site(&self, ctx: &Context<'_>, license_id: Uuid, input: AddSiteInput) -> async_graphql::Result<Site> {
        let cap = ctx.actor().grant::<AddSites>().gql()?;
        let input = NewSite { name: input.name, slug: input.slug, domain: input.domain };
        sites::add(ctx.services(), &cap, license_id, input, ctx.meta()).await.map(Into::into).gql()
    }

    /// Asks the child again to provision a FAILED site (MANAGER+).
    async fn retry_site_provisioning(&self, ctx: &Context<'_>, uuid: Uuid) -> async_graphql::Result<Site> {
        let cap = ctx.actor().grant::<ManageLicenses>().gql()?;
        sites::retry(ctx.services(), &cap, uuid, ctx.meta()).await.map(Into::into).gql()
    }
}
