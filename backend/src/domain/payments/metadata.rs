//! The metadata keys of a Checkout session that tell Hub what was bought
//! (docs/api.md). Hub sets them on the sessions it creates; a checkout made
//! elsewhere (a payment link, the marketing site) sets them itself.

use std::collections::HashMap;

use entity::{plan, PlanCode};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::event::Session;
use crate::{
    domain::orders::validate,
    error::{AppError, FieldError},
};

/// The Hub plan's id (sessions Hub creates carry this one).
pub const PLAN_ID: &str = "hub_plan_id";
/// Or the plan family: `STARTER`, `PRO` or `ENTERPRISE` …
pub const PLAN: &str = "hub_plan";
/// … and its tier (`Lite`, `Build`, …); without it, the family's first active tier.
/// Also the order's tier (default: the plan's).
pub const TIER: &str = "hub_tier";
/// The domain of the tenant server the order is for.
pub const DOMAIN: &str = "hub_domain";
/// Tool slugs to deploy, separated by commas.
pub const TOOLS: &str = "hub_tools";

/// What Hub puts on a session it creates for `plan`.
pub fn for_session(plan: &plan::Model, domain: &str, tools: &[String]) -> HashMap<String, String> {
    let mut metadata = HashMap::from([
        (PLAN_ID.to_owned(), plan.id.to_string()),
        (PLAN.to_owned(), plan.code.to_value()),
        (TIER.to_owned(), plan.tier.clone()),
        (DOMAIN.to_owned(), domain.to_owned()),
    ]);
    if !tools.is_empty() {
        metadata.insert(TOOLS.to_owned(), tools.join(","));
    }
    metadata
}

/// The plan a session names, or why none can be found.
pub async fn plan<C: ConnectionTrait>(conn: &C, session: &Session) -> Result<Result<plan::Model, String>, AppError> {
    if let Some(id) = session.metadata(PLAN_ID) {
        let Ok(id) = Uuid::parse_str(id) else { return Ok(Err(format!("{PLAN_ID} \"{id}\" is not a plan id"))) };
        return Ok(plan::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| format!("{PLAN_ID} {id} is not a plan of the catalogue")));
    }
    let Some(code) = session.metadata(PLAN) else { return Ok(Err(format!("the session names no plan ({PLAN_ID} or {PLAN})"))) };
    let Ok(code) = PlanCode::try_from_value(&code.to_ascii_uppercase()) else {
        return Ok(Err(format!("{PLAN} \"{code}\" is not STARTER, PRO or ENTERPRISE")));
    };
    let mut query = plan::Entity::find().filter(plan::Column::Code.eq(code));
    query = match session.metadata(TIER) {
        Some(tier) => query.filter(plan::Column::Tier.eq(tier)),
        None => query.filter(plan::Column::Active.eq(true)),
    };
    let found = query.order_by_asc(plan::Column::SortOrder).one(conn).await?;
    Ok(found.ok_or_else(|| format!("no plan of the catalogue matches {PLAN} and {TIER}")))
}

/// The order a session asks for: tier, domain and tools, validated.
pub fn order(session: &Session, plan: &plan::Model) -> Result<(String, String, Vec<String>), FieldError> {
    let tier = validate::tier(TIER, session.metadata(TIER).unwrap_or(&plan.tier))?;
    let domain = validate::hostname(DOMAIN, session.metadata(DOMAIN).unwrap_or_default())?;
    let tools: Vec<String> =
        session.metadata(TOOLS).unwrap_or_default().split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
    let tools = validate::tools(TOOLS, &tools)?;
    Ok((tier, domain, tools))
}
