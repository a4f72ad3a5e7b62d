//! Alerts by mail, exactly once across replicas: a worker claims alerts not yet
//! mailed by setting `notified_at` (a conditional `UPDATE … RETURNING`, so of two
//! replicas racing for an alert one gets it) and, in the same transaction, queues
//! one mail per recipient who wants it. Recipients: the customer's own account
//! for an alert about a customer; otherwise the active staff (every role,
//! SUPPORT and up, may see staff alerts), each as their settings say.

use chrono::Utc;
use entity::{alert, user, AccountKind};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Order, Query},
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
};

use super::{cooldown, enqueue, settings, templates, wake};
use crate::{error::AppError, Services};

/// Alerts one claim takes.
const BATCH: u64 = 50;
/// An alert older than this when first claimed (say, raised while mail was
/// off) is marked without mailing anybody: it is no longer news.
const STALE_AFTER_HOURS: i64 = 24;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Alerts claimed (and now marked notified).
    pub alerts: usize,
    /// Mails queued for them.
    pub mails: usize,
}

/// Claims a batch of unmailed alerts and queues their mails, in one transaction.
/// With mail off it does nothing (the alerts wait, and go stale).
pub async fn notify_due(services: &Services) -> Result<Pass, AppError> {
    if services.mailer.is_none() {
        return Ok(Pass::default());
    }
    // A read first: most passes find nothing, and need not take the write lock.
    let waiting = alert::Entity::find().filter(alert::Column::NotifiedAt.is_null()).select_only().column(alert::Column::Id);
    if waiting.into_tuple::<uuid::Uuid>().one(&services.db).await?.is_none() {
        return Ok(Pass::default());
    }
    let now = Utc::now();
    let cooldown = chrono::Duration::minutes(i64::try_from(services.config.mail.alert_cooldown_minutes).unwrap_or(30));
    let txn = crate::db::begin_write(&services.db).await?;
    let due = Query::select()
        .column(alert::Column::Id)
        .from(alert::Entity)
        .and_where(Expr::col(alert::Column::NotifiedAt).is_null())
        .order_by(alert::Column::CreatedAt, Order::Asc)
        .limit(BATCH)
        .to_owned();
    let mut claim = alert::Entity::update_many()
        .col_expr(alert::Column::NotifiedAt, Expr::value(now))
        .filter(alert::Column::Id.in_subquery(due))
        .filter(alert::Column::NotifiedAt.is_null())
        .into_query();
    claim.returning_all();
    let rows = txn.query_all(&claim).await?;
    let mut claimed = rows.iter().map(|row| alert::Model::from_query_result(row, "")).collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by_key(|a| a.created_at);
    let mut pass = Pass { alerts: claimed.len(), mails: 0 };
    for alert in claimed.iter().filter(|a| a.created_at + chrono::Duration::hours(STALE_AFTER_HOURS) > now) {
        let people = recipients(&txn, alert).await?;
        let ids: Vec<_> = people.iter().map(|p| p.id).collect();
        let wanted = settings::of_users(&txn, &ids).await?;
        for person in people {
            if !wanted.get(&person.id).is_some_and(|s| s.wants(alert)) {
                continue;
            }
            if cooldown::admit(&txn, person.id, alert, cooldown, now).await? {
                enqueue(&txn, services, templates::alert(&services.config, &person.email, alert)).await?;
                pass.mails += 1;
            }
        }
    }
    txn.commit().await?;
    if pass.mails > 0 {
        wake(services);
    }
    Ok(pass)
}

/// Who may be mailed about `alert`: its customer's account, or the active staff.
async fn recipients<C: ConnectionTrait>(conn: &C, alert: &alert::Model) -> Result<Vec<user::Model>, AppError> {
    let query = user::Entity::find().filter(user::Column::Active.eq(true));
    let query = match alert.customer_id {
        Some(customer) => query.filter(user::Column::Id.eq(customer)).filter(user::Column::Kind.eq(AccountKind::Customer)),
        None => query.filter(user::Column::Kind.eq(AccountKind::Staff)).filter(user::Column::Role.is_not_null()),
    };
    Ok(query.all(conn).await?)
}
