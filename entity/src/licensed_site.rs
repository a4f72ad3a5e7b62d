//! `licensed_sites`: the canonical mapping of a licence to a site provisioned on
//! its child project (spec 000 §5). The id is the site UUID children report.

use sea_orm::entity::prelude::*;

use crate::site_types::SiteStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "licensed_sites")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub license_id: Uuid,
    /// The licence's project and customer, copied for filtering and scoping.
    pub project_id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    /// Unique within the project; children report it as `site_slug`.
    pub slug: String,
    pub domain: String,
    pub status: SiteStatus,
    /// What the child answered: its vendor and site ids and the site's URL.
    pub vendor_id: Option<i64>,
    pub child_site_id: Option<i64>,
    pub url: Option<String>,
    /// The child's whole answer (`data`), as sent.
    pub details: Option<Json>,
    pub last_error: Option<String>,
    pub attempts: i32,
    pub provisioned_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
