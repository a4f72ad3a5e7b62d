//! Reading licensed sites, scoped to what the capability reaches; a page costs a
//! fixed number of queries (the sites, their licences' keys, their projects).

use std::collections::HashMap;

use entity::{license, licensed_site, SiteStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{
    for_viewer,
    licenses::{project_id, project_names},
    scoped_sites, SiteView,
};
use crate::{
    auth::{capability::ReadSites, Cap, Permission},
    domain::page::{Page, PageRequest},
    error::AppError,
    Services,
};

/// Filters of [`list`]; `None` leaves a filter off.
#[derive(Debug, Clone, Default)]
pub struct SiteFilter {
    pub license_id: Option<Uuid>,
    pub project_slug: Option<String>,
    pub status: Option<SiteStatus>,
}

/// Sites with their project slugs and licence keys, as `cap` may see them.
pub(crate) async fn views<P: Permission>(
    services: &Services,
    cap: &Cap<P>,
    sites: Vec<licensed_site::Model>,
) -> Result<Vec<SiteView>, AppError> {
    let names = project_names(services, sites.iter().map(|s| s.project_id)).await?;
    let mut license_ids: Vec<Uuid> = sites.iter().map(|s| s.license_id).collect();
    license_ids.sort_unstable();
    license_ids.dedup();
    let keys: HashMap<Uuid, String> = if license_ids.is_empty() {
        HashMap::new()
    } else {
        let licenses = license::Entity::find().filter(license::Column::Id.is_in(license_ids)).all(&services.db).await?;
        licenses.into_iter().map(|l| (l.id, l.key)).collect()
    };
    Ok(sites
        .into_iter()
        .map(|site| {
            let project_slug = names.get(&site.project_id).map(|(slug, _)| slug.clone()).unwrap_or_default();
            let license_key = keys.get(&site.license_id).cloned().unwrap_or_default();
            for_viewer(SiteView { site, project_slug, license_key }, cap)
        })
        .collect())
}

/// One site the capability reaches; someone else's is `NOT_FOUND`.
pub async fn get(services: &Services, cap: &Cap<ReadSites>, id: Uuid) -> Result<SiteView, AppError> {
    let found = scoped_sites(cap).filter(licensed_site::Column::Id.eq(id)).one(&services.db).await?;
    let site = found.ok_or_else(|| AppError::NotFound("no such site".into()))?;
    Ok(views(services, cap, vec![site]).await?.remove(0))
}

/// Sites, newest first, filtered and paged (staff: all; a customer: own).
pub async fn list(services: &Services, cap: &Cap<ReadSites>, filter: SiteFilter, page: PageRequest) -> Result<Page<SiteView>, AppError> {
    let mut query = scoped_sites(cap);
    if let Some(license) = filter.license_id {
        query = query.filter(licensed_site::Column::LicenseId.eq(license));
    }
    if let Some(slug) = filter.project_slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        match project_id(services, slug).await? {
            Some(id) => query = query.filter(licensed_site::Column::ProjectId.eq(id)),
            None => return Ok(Page { items: Vec::new(), total: 0 }),
        }
    }
    if let Some(status) = filter.status {
        query = query.filter(licensed_site::Column::Status.eq(status));
    }
    let query = query.order_by_desc(licensed_site::Column::CreatedAt).order_by_desc(licensed_site::Column::Id);
    let total = query.clone().count(&services.db).await?;
    let items = query.offset(page.offset).limit(page.limit).all(&services.db).await?;
    Ok(Page { items: views(services, cap, items).await?, total })
}
