//! Asking the child to provision a PENDING site, and recording its answer:
//! ACTIVE with the vendor and site ids, URL and details, or FAILED with the
//! error. The call runs in its own task, so a client that goes away mid-call
//! does not leave the site PENDING.

use chrono::Utc;
use entity::{license, licensed_site, project, SiteStatus};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::{
    auth::RequestMeta,
    domain::{
        audit,
        projects::vendors::{self, Provisioned},
    },
    error::AppError,
    Services,
};

/// How long a site may stay PENDING before staff may retry it (a call takes at
/// most the client's 15 s timeout; longer means the process running it died).
pub const STALE_PENDING_SECS: i64 = 120;

/// The vendors/provision payload of a site.
fn payload(site: &licensed_site::Model, license: &license::Model, customer: Value) -> Value {
    json!({
        "site_uuid": site.id,
        "site_slug": site.slug,
        "site_name": site.name,
        "domain": site.domain,
        "license": {
            "key": license.key,
            "plan": license.plan,
            "max_sites": license.max_sites,
            "expires_at": license.expires_at,
        },
        "customer": customer,
        "attempt": site.attempts,
    })
}

fn missing(what: &str) -> AppError {
    AppError::internal(anyhow::anyhow!("the site's {what} is gone"))
}

async fn call_child(services: &Services, site: &licensed_site::Model) -> Result<Result<Provisioned, String>, AppError> {
    let license = license::Entity::find_by_id(site.license_id).one(&services.db).await?.ok_or_else(|| missing("licence"))?;
    let project = project::Entity::find_by_id(site.project_id).one(&services.db).await?.ok_or_else(|| missing("project"))?;
    let customer = vendors::customer_block(services, site.customer_id).await?;
    let outcome = vendors::provision(services, &project, &payload(site, &license, customer)).await;
    Ok(outcome.map_err(|err| format!("{} could not provision the site: {}", project.slug, err.message)))
}

/// Stores the outcome on the site, only if it is still this attempt's PENDING run.
async fn record(services: &Services, site: &licensed_site::Model, outcome: &Result<Provisioned, String>) -> Result<(), AppError> {
    use licensed_site::Column;
    let now = Utc::now();
    let mut update = licensed_site::Entity::update_many()
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(site.id))
        .filter(Column::Status.eq(SiteStatus::Pending))
        .filter(Column::Attempts.eq(site.attempts));
    let (action, details) = match outcome {
        Ok(done) => {
            update = update
                .col_expr(Column::Status, Expr::value(SiteStatus::Active))
                .col_expr(Column::VendorId, Expr::value(done.vendor_id))
                .col_expr(Column::ChildSiteId, Expr::value(done.site_id))
                .col_expr(Column::Url, Expr::value(done.url.clone()))
                .col_expr(Column::Details, Expr::value(done.data.clone()))
                .col_expr(Column::LastError, Expr::value(Option::<String>::None))
                .col_expr(Column::ProvisionedAt, Expr::value(now));
            ("site.provisioned", json!({ "vendorId": done.vendor_id, "siteId": done.site_id, "attempt": site.attempts }))
        }
        Err(error) => {
            let error: String = error.chars().take(500).collect();
            update =
                update.col_expr(Column::Status, Expr::value(SiteStatus::Failed)).col_expr(Column::LastError, Expr::value(error.clone()));
            ("site.provisioning_failed", json!({ "error": error, "attempt": site.attempts }))
        }
    };
    let txn = crate::db::begin_write(&services.db).await?;
    if update.exec(&txn).await?.rows_affected == 1 {
        let meta = RequestMeta::default();
        audit::record(&txn, audit::Entry::new(None, action, &meta).target("site", site.id).details(details)).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn provision(services: &Services, site: licensed_site::Model) -> Result<licensed_site::Model, AppError> {
    let outcome = call_child(services, &site).await?;
    record(services, &site, &outcome).await?;
    let found = licensed_site::Entity::find_by_id(site.id).one(&services.db).await?;
    found.ok_or_else(|| AppError::NotFound("no such site".into()))
}

/// Provisions a PENDING site on its child and answers the site as recorded.
pub(crate) async fn run(services: &Services, site: licensed_site::Model) -> Result<licensed_site::Model, AppError> {
    let services = services.clone();
    tokio::spawn(async move { provision(&services, site).await }).await.map_err(AppError::internal)?
}
