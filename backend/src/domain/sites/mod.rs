//! Licences and licensed sites (spec 000 §5 `licensed_sites`): staff sell a
//! customer a licence for sites on one child project; adding a site writes it
//! PENDING, then asks the child to provision it over the signed bridge
//! (`projects::vendors`) and records ACTIVE with the child's details, or FAILED
//! with its error for staff to retry.
//!
//! Customer scoping is applied here: reads filter by the capability's customer,
//! and another customer's licence or site is `NOT_FOUND`.

pub mod add;
pub mod licenses;
pub mod provision;
pub mod read;

use entity::{license, licensed_site};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

pub use add::{add, retry, NewSite};
pub use licenses::{LicenseFilter, NewLicense};
pub use read::SiteFilter;

use crate::{
    auth::{Cap, Permission},
    error::AppError,
};

/// A licence with the slug and name of its project.
#[derive(Debug, Clone)]
pub struct LicenseView {
    pub license: license::Model,
    pub project_slug: String,
    pub project_name: String,
}

/// A site with its project's slug and its licence's key.
#[derive(Debug, Clone)]
pub struct SiteView {
    pub site: licensed_site::Model,
    pub project_slug: String,
    pub license_key: String,
}

/// Licences the capability may see: all for staff, a customer's own otherwise.
pub(crate) fn scoped_licenses<P: Permission>(cap: &Cap<P>) -> Select<license::Entity> {
    let query = license::Entity::find();
    match cap.customer_scope() {
        Some(customer) => query.filter(license::Column::CustomerId.eq(customer)),
        None => query,
    }
}

/// Sites the capability may see: all for staff, a customer's own otherwise.
pub(crate) fn scoped_sites<P: Permission>(cap: &Cap<P>) -> Select<licensed_site::Entity> {
    let query = licensed_site::Entity::find();
    match cap.customer_scope() {
        Some(customer) => query.filter(licensed_site::Column::CustomerId.eq(customer)),
        None => query,
    }
}

/// One licence the capability reaches; someone else's is `NOT_FOUND`.
pub(crate) async fn find_license<C: ConnectionTrait, P: Permission>(conn: &C, cap: &Cap<P>, id: Uuid) -> Result<license::Model, AppError> {
    let found = scoped_licenses(cap).filter(license::Column::Id.eq(id)).one(conn).await?;
    found.ok_or_else(|| AppError::NotFound("no such licence".into()))
}

/// The child's raw answer is for staff: a customer's view leaves it out.
pub(crate) fn for_viewer<P: Permission>(mut view: SiteView, cap: &Cap<P>) -> SiteView {
    if cap.customer_scope().is_some() {
        view.site.details = None;
    }
    view
}
