//! `addSite` and `retrySiteProvisioning`. A site is written PENDING first, with
//! its licence seat taken by a conditional update, so the child being down never
//! loses it; then the child is asked to provision it (`provision.rs`).

use chrono::{Duration, Utc};
use entity::{license, licensed_site, LicenseStatus, SiteStatus};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{find_license, provision, read::views, scoped_sites, SiteView};
use crate::{
    auth::{
        capability::{AddSites, ManageLicenses},
        Cap, RequestMeta,
    },
    domain::{audit, identity::parse_name, orders::validate::hostname, projects::registry::valid_slug},
    error::{is_unique_violation, AppError, FieldError},
    Services,
};

/// A new site's fields.
#[derive(Debug, Clone)]
pub struct NewSite {
    pub name: String,
    /// 3 to 64 of `a-z`, `0-9` and `-`; unique within the licence's project.
    pub slug: String,
    pub domain: String,
}

fn validate(input: &NewSite) -> Result<NewSite, AppError> {
    let mut errors = Vec::new();
    let name = parse_name("name", &input.name).map_err(|e| errors.push(e)).unwrap_or_default();
    let slug = input.slug.trim().to_owned();
    if !valid_slug(&slug) {
        errors.push(FieldError::new("slug", "must be 3 to 64 of a-z, 0-9 and -"));
    }
    let domain = hostname("domain", &input.domain).map_err(|e| errors.push(e)).unwrap_or_default();
    AppError::check_fields(errors)?;
    Ok(NewSite { name, slug, domain })
}

fn inactive(license: &license::Model) -> AppError {
    AppError::Conflict(format!("the licence is {}, not ACTIVE", license.status.to_value()))
}

/// Why a licence takes no new site, if it does not.
fn refusal(license: &license::Model) -> Option<AppError> {
    if license.status != LicenseStatus::Active {
        return Some(inactive(license));
    }
    if license.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Some(AppError::Conflict("the licence has expired".into()));
    }
    if license.sites_used >= license.max_sites {
        return Some(AppError::Conflict(format!("the licence has no free site (it allows {})", license.max_sites)));
    }
    None
}

/// Takes one seat of the licence, only if it is active, unexpired and not full.
async fn take_seat<C: sea_orm::ConnectionTrait>(conn: &C, license_id: Uuid) -> Result<bool, AppError> {
    use license::Column;
    let now = Utc::now();
    let taken = license::Entity::update_many()
        .col_expr(Column::SitesUsed, Expr::col(Column::SitesUsed).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(license_id))
        .filter(Column::Status.eq(LicenseStatus::Active))
        .filter(Expr::col(Column::SitesUsed).lt(Expr::col(Column::MaxSites)))
        .filter(Condition::any().add(Column::ExpiresAt.is_null()).add(Column::ExpiresAt.gt(now)))
        .exec(conn)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Adds a site to a licence (MANAGER and above; a customer to their own licence)
/// and provisions it on the licence's child project. A child that refuses or
/// cannot be reached leaves the site FAILED with the reason, not an error.
pub async fn add(
    services: &Services,
    cap: &Cap<AddSites>,
    license_id: Uuid,
    input: NewSite,
    meta: &RequestMeta,
) -> Result<SiteView, AppError> {
    let input = validate(&input)?;
    let license = find_license(&services.db, cap, license_id).await?;
    if let Some(refused) = refusal(&license) {
        return Err(refused);
    }
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    // The seat comes first: of two racing adds for the last seat exactly one wins.
    if !take_seat(&txn, license.id).await? {
        return Err(AppError::Conflict("the licence takes no more sites; reload it".into()));
    }
    let row = licensed_site::ActiveModel {
        id: Set(Uuid::new_v4()),
        license_id: Set(license.id),
        project_id: Set(license.project_id),
        customer_id: Set(license.customer_id),
        name: Set(input.name),
        slug: Set(input.slug),
        domain: Set(input.domain),
        status: Set(SiteStatus::Pending),
        vendor_id: Set(None),
        child_site_id: Set(None),
        url: Set(None),
        details: Set(None),
        last_error: Set(None),
        attempts: Set(1),
        provisioned_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let site = row.insert(&txn).await.map_err(|err| {
        if is_unique_violation(&err) {
            AppError::invalid("slug", "is already taken on this project")
        } else {
            err.into()
        }
    })?;
    let details = json!({ "licenseId": license.id, "slug": site.slug, "domain": site.domain });
    audit::record(&txn, audit::Entry::new(Some(cap.user_id()), "site.added", meta).target("site", site.id).details(details)).await?;
    txn.commit().await?;
    let site = provision::run(services, site).await?;
    Ok(views(services, cap, vec![site]).await?.remove(0))
}

/// Asks the child again for a FAILED site, or for one PENDING for longer than
/// [`provision::STALE_PENDING_SECS`] (MANAGER and above). Anything else is `CONFLICT`.
pub async fn retry(services: &Services, cap: &Cap<ManageLicenses>, site_id: Uuid, meta: &RequestMeta) -> Result<SiteView, AppError> {
    use licensed_site::Column;
    let found = scoped_sites(cap).filter(Column::Id.eq(site_id)).one(&services.db).await?;
    let found = found.ok_or_else(|| AppError::NotFound("no such site".into()))?;
    let license = find_license(&services.db, cap, found.license_id).await?;
    if license.status != LicenseStatus::Active {
        return Err(inactive(&license));
    }
    let now = Utc::now();
    let stale = now - Duration::seconds(provision::STALE_PENDING_SECS);
    let retryable = Condition::any()
        .add(Column::Status.eq(SiteStatus::Failed))
        .add(Condition::all().add(Column::Status.eq(SiteStatus::Pending)).add(Column::UpdatedAt.lt(stale)));
    let txn = crate::db::begin_write(&services.db).await?;
    // The claim comes first: of two racing retries exactly one calls the child.
    let claimed = licensed_site::Entity::update_many()
        .col_expr(Column::Status, Expr::value(SiteStatus::Pending))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(site_id))
        .filter(retryable)
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        let status = found.status.to_value();
        return Err(AppError::Conflict(format!("the site is {status}; only a FAILED site (or one PENDING for minutes) can be retried")));
    }
    let claimed = licensed_site::Entity::find_by_id(site_id).one(&txn).await?.ok_or_else(|| AppError::NotFound("no such site".into()))?;
    let entry = audit::Entry::new(Some(cap.user_id()), "site.provisioning_retried", meta).target("site", site_id);
    audit::record(&txn, entry.details(json!({ "attempt": claimed.attempts }))).await?;
    txn.commit().await?;
    let site = provision::run(services, claimed).await?;
    Ok(views(services, cap, vec![site]).await?.remove(0))
}
