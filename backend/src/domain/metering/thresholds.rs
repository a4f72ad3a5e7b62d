//! Usage alerts, checked after every ingested batch: USAGE_80 and USAGE_100
//! when the period's usage reaches 80 % and 100 % of the allotment, and
//! USAGE_FORECAST when the last 24 hours' rate runs the allotment out before
//! the period ends. Each fires at most once per period: the period row records
//! when (a conditional `UPDATE … WHERE <column> IS NULL`), in the transaction
//! that raises the alert. Periods without an allotment raise none.

use chrono::{DateTime, Utc};
use entity::{alert, billing_period, order, AlertSeverity};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{periods, summary};
use crate::{
    domain::alerts::{self, NewAlert},
    error::AppError,
    Services,
};

use billing_period::Column as P;

/// Refreshes the usage of the current period of `order_id`'s customer and
/// raises the alerts it has earned; called by the usage ingest after it commits.
pub async fn after_ingest(services: &Services, order_id: Uuid) -> Result<Vec<alert::Model>, AppError> {
    let Some(order) = order::Entity::find_by_id(order_id).one(&services.db).await? else { return Ok(Vec::new()) };
    let now = Utc::now();
    let txn = crate::db::begin_write(&services.db).await?;
    let period = periods::ensure(&txn, order.customer_id, now).await?;
    let state = summary::compute(&txn, &period, now).await?;
    billing_period::Entity::update_many()
        .col_expr(P::UsedTokens, Expr::value(state.used_tokens))
        .col_expr(P::UpdatedAt, Expr::value(now))
        .filter(P::Id.eq(period.id))
        .filter(P::Status.eq(entity::BillingPeriodStatus::Open))
        .exec(&txn)
        .await?;
    let mut raised = Vec::new();
    if period.allotment_tokens > 0 {
        let reached = |percent: i64| i128::from(state.used_tokens) * 100 >= i128::from(period.allotment_tokens) * i128::from(percent);
        let pct = state.percent_used.unwrap_or(0.0);
        let checks = [
            (
                reached(80),
                P::Alert80At,
                alerts::USAGE_80,
                AlertSeverity::Warning,
                format!("Token usage reached {pct:.0} % of this period's allotment."),
            ),
            (
                reached(100),
                P::Alert100At,
                alerts::USAGE_100,
                AlertSeverity::Critical,
                format!("Token allotment used up ({pct:.0} %); further tokens are billed as overage."),
            ),
            (state.runs_out_early(), P::ForecastAlertAt, alerts::USAGE_FORECAST, AlertSeverity::Info, forecast_message(&state, now)),
        ];
        for (due, column, kind, severity, message) in checks {
            if due && claim(&txn, period.id, column, now).await? {
                let alert = NewAlert {
                    alert_type: kind,
                    severity,
                    customer_id: Some(period.customer_id),
                    subject: Some(("billing_period", period.id.to_string())),
                    message,
                    dedupe_key: Some(alerts::usage_key(kind, period.id)),
                };
                raised.extend(alerts::raise(&txn, alert).await?);
            }
        }
    }
    txn.commit().await?;
    alerts::announce(services, raised.iter());
    Ok(raised)
}

/// Sets `column` to `now` unless already set; answers whether this call set it.
async fn claim<C: ConnectionTrait>(conn: &C, period_id: Uuid, column: P, now: DateTime<Utc>) -> Result<bool, AppError> {
    let updated = billing_period::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .filter(P::Id.eq(period_id))
        .filter(column.is_null())
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

fn forecast_message(state: &summary::Summary, now: DateTime<Utc>) -> String {
    let Some(at) = state.last_24h.exhausted_at else { return String::new() };
    let days = (at - now).num_hours() as f64 / 24.0;
    format!(
        "At the last 24 hours' rate the token allotment is exhausted in ~{days:.0} days ({}), before the period ends ({}).",
        at.format("%Y-%m-%d %H:%M UTC"),
        state.period_end.format("%Y-%m-%d")
    )
}
